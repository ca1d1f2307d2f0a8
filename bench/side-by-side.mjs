// Speed of our Ethereum layer against ethers v6, measured in one run, on one core each, on the same inputs.
// Usage: node bench/side-by-side.mjs [--turns 3] [--out bench/speed-report.md] [--readme README.md]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir, cpus, loadavg } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const project = join(root, "bench", "TcrToolkit.Benchmarks", "TcrToolkit.Benchmarks.csproj");
const work = mkdtempSync(join(tmpdir(), "tcr-speed-"));
const inputsPath = join(work, "inputs.json");

const run = (file, args, options = {}) => execFileSync(file, args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 26, ...options });
const pinned = (file, args) => (existsSync("/usr/bin/taskset") ? run("/usr/bin/taskset", ["-c", "0", file, ...args]) : run(file, args));

console.error("building the C# benchmarks (Release)…");
run("dotnet", ["build", project, "-c", "Release", "--nologo", "-v", "q", "-o", join(work, "bin")]);
// The C# side writes the shared inputs, so both sides read the very same file.
run("dotnet", [join(work, "bin", "TcrToolkit.Benchmarks.dll"), "write-inputs", inputsPath]);

// The machine's one-minute load average around the measurements: on shared cores it explains the absolute figures.
const loadAtStart = loadavg()[0];
// The sides take turns (one process each per turn) and each figure is the median over the turns, so that a change in
// the machine's load during the run moves both sides alike instead of deciding the ratio.
const turnsIndex = process.argv.indexOf("--turns");
const turns = turnsIndex > 0 ? Number(process.argv[turnsIndex + 1]) : 3;
// The reference figures in the issue were taken with the system Node (20); use it for ethers when present.
const systemNode = existsSync("/usr/bin/node") ? "/usr/bin/node" : process.execPath;
const ethersRuns = [];
const ourRuns = [];
for (let turn = 1; turn <= turns; turn++) {
  console.error(`turn ${turn} of ${turns}: ethers (${run(systemNode, ["--version"]).trim()})…`);
  ethersRuns.push(JSON.parse(pinned(systemNode, [join(root, "bench", "ethers-speed.mjs"), inputsPath])));
  console.error(`turn ${turn} of ${turns}: TcrToolkit.Ethereum…`);
  ourRuns.push(JSON.parse(pinned("dotnet", [join(work, "bin", "TcrToolkit.Benchmarks.dll"), "side-by-side", inputsPath])));
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const medians = (runs) => Object.fromEntries(Object.keys(runs[0]).map((key) =>
  [key, typeof runs[0][key] === "number" ? median(runs.map((r) => r[key])) : runs[0][key]]));
const ethers = medians(ethersRuns);
const ours = medians(ourRuns);
if ([...ethersRuns, ...ourRuns].some((r) => r.decodedLog !== ethers.decodedLog || r.signedEip1559 !== ethers.signedEip1559)) {
  console.error("The runs disagree on the decoded log or the signed bytes.");
  process.exit(1);
}

if (ours.decodedLog !== ethers.decodedLog) {
  console.error(`The two sides decoded different logs:\n  ours   ${ours.decodedLog}\n  ethers ${ethers.decodedLog}`);
  process.exit(1);
}
if (ours.signedEip1559 !== ethers.signedEip1559) {
  console.error(`The two sides signed different bytes:\n  ours   ${ours.signedEip1559}\n  ethers ${ethers.signedEip1559}`);
  process.exit(1);
}

const rows = [
  ["decode a registry log (JSON-RPC hex → typed values)", "decodeLog", 50],
  ["keccak256 of 32 bytes", "keccak32", 10],
  ["sign + serialize an EIP-1559 transaction", "signEip1559", 3],
];
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const lines = [
  "| operation | ethers v6 (ops/s) | TcrToolkit (ops/s) | ratio | target |",
  "|---|---:|---:|---:|---:|",
  ...rows.map(([label, key, target]) => {
    const ratio = ours[key] / ethers[key];
    return `| ${label} | ${fmt(ethers[key])} | ${fmt(ours[key])} | ${ratio.toFixed(1)}× | ≥ ${target}× ${ratio >= target ? "✓" : "✗"} |`;
  }),
];
const meta = `One run on ${cpus()[0].model.trim()} (one-minute load average ${loadAtStart.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after the measurements), each side pinned to one core; each figure is the median over ${turns} turns in which the sides took turns (one process each), ` +
  `and each process reports the median of five one-second rounds after a one-second warm-up. Both sides decoded the same values and signed identical bytes. Allocations on our side: ` +
  `${ours.keccak32AllocatedBytesPerOp.toFixed(1)} bytes per Keccak-256, ${ours.decodeLogAllocatedBytesPerOp.toFixed(0)} ` +
  `bytes per decoded log (the 150-character result string is 328).`;
const table = lines.join("\n");
console.log(table + "\n\n" + meta);
const outIndex = process.argv.indexOf("--out");
if (outIndex > 0) writeFileSync(process.argv[outIndex + 1], `# Speed against ethers v6\n\n${meta}\n\n${table}\n`);
const readmeIndex = process.argv.indexOf("--readme");
if (readmeIndex > 0) {
  const readme = process.argv[readmeIndex + 1];
  const text = readFileSync(readme, "utf8");
  const start = "<!-- speed-table:start -->";
  const end = "<!-- speed-table:end -->";
  if (!text.includes(start) || !text.includes(end)) throw new Error(`${readme} has no ${start} … ${end} markers.`);
  writeFileSync(readme, text.slice(0, text.indexOf(start) + start.length) + `\n${meta}\n\n${table}\n` + text.slice(text.indexOf(end)));
}
const missed = rows.filter(([, key, target]) => ours[key] / ethers[key] < target).map(([label]) => label);
console.log(missed.length ? `targets missed: ${missed.join("; ")}` : "targets met");
