// Runs the secp256k1 backend comparison (BenchmarkDotNet, Secp256k1Benchmarks: one run, one core, in process) and
// writes bench/secp256k1-report.md plus the README table between the secp256k1-table markers.
//   node bench/secp256k1-report.mjs [--out bench/secp256k1-report.md] [--readme README.md] [--csv <existing report.csv>]
// --csv formats an earlier run's BenchmarkDotNet CSV (in its --artifacts folder, next to the run's log) instead of running
// again; then --load "<1-min load at start>,<at end>" gives the load average noted around that run.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
};
const out = option("--out", "bench/secp256k1-report.md");
const readme = option("--readme", null);
let csvPath = option("--csv", null);

const before = "BouncyCastle (before)";
const backends = [before, "NBitcoin.Secp256k1", "libsecp256k1 (Secp256k1.Net)", "TcrToolkit key types (libsecp256k1)"];
const operations = [
  ["sign", "sign (RFC 6979, low-S, recovery id)"],
  ["recover", "recover the public key"],
  ["verify", "verify r ‖ s"],
  ["ecdh", "ECDH (33-byte compressed shared point)"],
  ["public key", "public key from a secret"],
];

let [loadStart, loadEnd] = (option("--load", "") || "").split(",").map(Number);
let machine = "";
if (!csvPath) {
  loadStart = loadavg()[0];
  const artifacts = mkdtempSync(join(tmpdir(), "secp256k1-bench-"));
  const log = execFileSync("dotnet", ["run", "-c", "Release", "--project", "bench/TcrToolkit.Benchmarks", "--",
    "--filter", "*Secp256k1Benchmarks*", "--artifacts", artifacts], { encoding: "utf8", maxBuffer: 64 << 20 });
  machine = environment(log);
  const results = join(artifacts, "results");
  csvPath = join(results, readdirSync(results).find((name) => name.endsWith("-report.csv")));
  loadEnd = loadavg()[0];
} else {
  const folder = dirname(dirname(csvPath));
  const log = readdirSync(folder).filter((name) => name.endsWith(".log")).sort().at(-1);
  if (log) machine = environment(readFileSync(join(folder, log), "utf8"));
}
const load = Number.isFinite(loadStart) && Number.isFinite(loadEnd) ? [loadStart, loadEnd] : null;

const rows = parseCsv(readFileSync(csvPath, "utf8"));
const byKey = new Map(rows.map((row) => [`${row.Categories}|${unquote(row.Method)}`, row]));
const measure = (operation, backend) => {
  const row = byKey.get(`${operation}|${backend}`);
  if (!row || row.Mean === "NA") throw new Error(`no result for ${backend} / ${operation} in ${csvPath}`);
  return { seconds: toSeconds(row.Mean), bytes: toBytes(row.Allocated), error: toSeconds(row.Error) };
};

const fmt = (n, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const opsPerSecond = (m) => 1 / m.seconds;
const ratio = (m, base) => base.seconds / m.seconds;

const lines = [];
lines.push("# secp256k1 backends side by side");
lines.push("");
lines.push("`node bench/secp256k1-report.mjs` runs `Secp256k1Benchmarks` (BenchmarkDotNet, one launch, in process, pinned to");
lines.push("one core, 3 warm-up and 12 measured iterations; each operation cycles through 32 fixed keys and digests) and writes");
lines.push("this file and the README table. Ratios are to BouncyCastle, the toolkit's code before this change (kept in");
lines.push("`tests/TcrToolkit.Secp256k1.Oracles` as a test oracle): above 1× is faster. Bytes are allocated per operation.");
lines.push("");
if (machine) lines.push(`Machine: ${machine}.`);
if (load) lines.push(`Load average (1 min) at the start and end of the run: ${load[0].toFixed(1)} and ${load[1].toFixed(1)}, on 2 cores.`);
lines.push("The machine was shared with other work, so absolute figures are low and noisy (see the ± column); the ratios,");
lines.push("taken in the same run, are the comparison. Where the key types beat the direct calls they wrap, that is noise.");
lines.push("1–3 bytes per operation is BenchmarkDotNet's measurement floor in process: the unit tests");
lines.push("(`Secp256k1NativeTests`) assert exactly 0 for signing, verification and ECDH.");
lines.push("");
lines.push("| operation | backend | ops/s | ± (99.9% CI of mean) | bytes/op | vs before |");
lines.push("|---|---|---:|---:|---:|---:|");
for (const [key, label] of operations) {
  const base = measure(key, before);
  for (const backend of backends) {
    const m = measure(key, backend);
    lines.push(`| ${label} | ${backend} | ${fmt(opsPerSecond(m))} | ${fmt((m.error / m.seconds) * 100)}% | ${fmt(m.bytes)} | ${fmt(ratio(m, base), 2)}× |`);
  }
}
lines.push("");
lines.push("## Choice");
lines.push("");
lines.push("libsecp256k1 (bitcoin-core's reference implementation, MIT), through the Secp256k1.Net 2.0.0 package (MIT), which");
lines.push("ships the native library for Linux (glibc and musl), macOS and Windows on x64 and arm64 inside the NuGet package:");
lines.push("`dotnet restore` brings it, no apt package or download step. The key types call it directly on spans");
lines.push("(`src/TcrToolkit.Ethereum/Secp256k1.cs`): signing, verification and ECDH allocate nothing; recovery and key");
lines.push("derivation allocate only the returned key object. It is exact: the ethers differential tests, the published vectors");
lines.push("and a three-way differential against BouncyCastle and NBitcoin.Secp256k1");
lines.push("(`tests/TcrToolkit.Ethereum.Tests/Differential/Secp256k1BackendDifferentialTests.cs`) pass.");
lines.push("");
lines.push("NBitcoin.Secp256k1 4.0.4, the managed port, is not exact: for digests at or above the group order it seeds RFC 6979");
lines.push("with the unreduced digest (RFC 6979 §3.2 d wants h mod n), so its signatures differ from ethers', BouncyCastle's and");
lines.push("libsecp256k1's there (the differential test pins this). Debian's `libsecp256k1-1` was not needed: the NuGet package");
lines.push("carries the same library and installs with the README's commands; `scripts/check-fresh-install` proves it with empty");
lines.push("npm and NuGet caches by importing a known key through `scripts/tcr`.");
lines.push("");
lines.push("## BenchmarkDotNet output");
lines.push("");
lines.push("```");
lines.push(readFileSync(csvPath.replace(/-report\.csv$/, "-report-github.md"), "utf8").trim());
lines.push("```");
writeFileSync(out, lines.join("\n") + "\n");

if (readme) {
  const start = "<!-- secp256k1-table:start -->";
  const end = "<!-- secp256k1-table:end -->";
  const table = [start];
  table.push(`One run, one core${load ? `, load average ${load[0].toFixed(0)}–${load[1].toFixed(0)} on 2 shared cores` : " on a shared machine"} (absolute figures low; compare within a row). Operations per second, bytes allocated per operation in brackets; last column: TcrToolkit now against before.`);
  table.push("");
  table.push(`| operation | ${backends.join(" | ")} | now vs before |`);
  table.push(`|---|${backends.map(() => "---:").join("|")}|---:|`);
  for (const [key, label] of operations) {
    const base = measure(key, before);
    const cells = backends.map((backend) => {
      const m = measure(key, backend);
      return `${fmt(opsPerSecond(m))} (${fmt(m.bytes)} B)`;
    });
    table.push(`| ${label} | ${cells.join(" | ")} | ${fmt(ratio(measure(key, backends[3]), base), 1)}× |`);
  }
  table.push(end);
  const text = readFileSync(readme, "utf8");
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`${readme} has no ${start} … ${end} block`);
  writeFileSync(readme, text.slice(0, from) + table.join("\n") + text.slice(to + end.length));
}

function environment(log) {
  const cpu = log.match(/^(AMD|Intel|Apple)[^\n]*/m)?.[0]?.trim();
  const runtime = log.match(/\[Host\]\s*:\s*([^\n]*)/)?.[1]?.trim();
  return [cpu, runtime].filter(Boolean).join("; ");
}

function unquote(text) {
  return text.replace(/^'(.*)'$/, "$1");
}

function toSeconds(text) {
  const [value, unit] = text.replace(/,/g, "").trim().split(/\s+/);
  const scale = { ns: 1e-9, "μs": 1e-6, us: 1e-6, ms: 1e-3, s: 1 }[unit];
  if (scale === undefined) throw new Error(`unknown time unit in '${text}'`);
  return Number(value) * scale;
}

function toBytes(text) {
  if (text.trim() === "-") return 0;
  const [value, unit] = text.replace(/,/g, "").trim().split(/\s+/);
  const scale = { B: 1, KB: 1024, MB: 1024 * 1024 }[unit];
  if (scale === undefined) throw new Error(`unknown size unit in '${text}'`);
  return Number(value) * scale;
}

function parseCsv(text) {
  const records = text.trim().split(/\r?\n/).map((line) => {
    const cells = [];
    let cell = "";
    let quoted = false;
    for (const c of line) {
      if (c === '"') quoted = !quoted;
      else if (c === "," && !quoted) {
        cells.push(cell);
        cell = "";
      } else cell += c;
    }
    cells.push(cell);
    return cells;
  });
  const [header, ...body] = records;
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]])));
}
