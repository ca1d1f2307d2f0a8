// Speed of our Ethereum layer against ethers v6, measured in one run, on one core each, on the same inputs.
// Usage: node bench/side-by-side.mjs [--out bench/speed-report.md] [--readme README.md]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
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

// The reference figures in the issue were taken with the system Node (20); use it for ethers when present.
const systemNode = existsSync("/usr/bin/node") ? "/usr/bin/node" : process.execPath;
console.error(`measuring ethers (${run(systemNode, ["--version"]).trim()})…`);
const ethers = JSON.parse(pinned(systemNode, [join(root, "bench", "ethers-speed.mjs"), inputsPath]));
console.error("measuring TcrToolkit.Ethereum…");
const ours = JSON.parse(pinned("dotnet", [join(work, "bin", "TcrToolkit.Benchmarks.dll"), "side-by-side", inputsPath]));

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
const meta = `One run on ${cpus()[0].model.trim()}, each side pinned to one core; median of five one-second rounds after a ` +
  `one-second warm-up. Both sides decoded the same values and signed identical bytes. Allocations on our side: ` +
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
