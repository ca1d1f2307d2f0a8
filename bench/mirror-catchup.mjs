// Registry mirror catch-up from a local Hardhat node, side by side in one run: the bare eth_getLogs calls (the node's
// own cost), our event stream alone, our mirror (stream + fold + SQLite), and ethers v6 (getLogs + parseLog into a map).
// Each side runs in its own process, so each peak working set is its own.
// Usage: node bench/mirror-catchup.mjs [--listings 10000] [--out bench/mirror-report.md]
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";
import { startNode, repoRoot } from "../scripts/lib/devnet.mjs";

const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const listings = Number(option("listings", "10000"));
const out = option("out", null);
const work = mkdtempSync(join(tmpdir(), "tcr-catchup-"));
const run = (file, args) => execFileSync(file, args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 1 << 26 });
const dll = join(work, "bin", "TcrToolkit.Benchmarks.dll");

console.error("building the contracts and the C# benchmarks (Release)…");
run(process.execPath, [join(repoRoot, "node_modules", "hardhat", "dist", "src", "cli.js"), "build", "--quiet"]);
run("dotnet", ["build", join(repoRoot, "bench", "TcrToolkit.Benchmarks", "TcrToolkit.Benchmarks.csproj"), "-c", "Release", "--nologo", "-v", "q", "-o", join(work, "bin")]);
const node = await startNode({ logFile: join(work, "node.log") });
try {
  console.error(`emitting ${listings} listings (${listings * 5} events)…`);
  const setup = JSON.parse(run("dotnet", [dll, "catchup", "setup", node.url, String(listings)]));
  const range = [setup.registry, String(setup.fromBlock), String(setup.toBlock)];
  const measure = (label, file, args) => {
    console.error(`measuring ${label}…`);
    return JSON.parse(run(file, args));
  };
  const bare = measure("bare eth_getLogs", "dotnet", [dll, "catchup", "bare", node.url, ...range]);
  const stream = measure("RegistryEvents", "dotnet", [dll, "catchup", "stream", node.url, ...range]);
  const mirror = measure("RegistryMirror", "dotnet", [dll, "catchup", "mirror", node.url, ...range]);
  const ethers = measure("ethers v6", process.execPath, [join(repoRoot, "bench", "ethers-catchup.mjs"), node.url, ...range]);
  if (stream.events !== setup.events || ethers.events !== setup.events || mirror.trusted !== listings || ethers.trusted !== listings) {
    throw new Error(`The sides disagree: ${JSON.stringify({ setup, stream, mirror, ethers })}`);
  }

  const rate = (s) => Math.round(setup.events / s.seconds).toLocaleString("en-US");
  const mb = (s) => (s.peakWorkingSet / 1048576).toFixed(0);
  const over = (s) => `${(((s.seconds - bare.seconds) / bare.seconds) * 100).toFixed(0)}%`;
  const report = [
    `One run on ${cpus()[0].model.trim()}: ${listings.toLocaleString("en-US")} listings, ${setup.events.toLocaleString("en-US")} registry events in blocks ${setup.fromBlock}–${setup.toBlock} of a local Hardhat node; eth_getLogs in chunks of 2,000 blocks on every side. Each side runs in its own process, catches up twice and reports the second pass (no start-up or JIT time); peak working set of that process.`,
    "",
    "| side | seconds | events/s | over bare calls | peak working set (MB) |",
    "|---|---:|---:|---:|---:|",
    `| bare eth_getLogs (bytes read, nothing parsed) | ${bare.seconds.toFixed(2)} | ${rate(bare)} | — | ${mb(bare)} |`,
    `| RegistryEvents (parse, decode, identity) | ${stream.seconds.toFixed(2)} | ${rate(stream)} | ${over(stream)} | ${mb(stream)} |`,
    `| RegistryMirror (stream + fold + SQLite) | ${mirror.seconds.toFixed(2)} | ${rate(mirror)} | ${over(mirror)} | ${mb(mirror)} |`,
    `| ethers v6 (getLogs + parseLog into a Map) | ${ethers.seconds.toFixed(2)} | ${rate(ethers)} | ${over(ethers)} | ${mb(ethers)} |`,
    "",
    `Mirror vs ethers end to end: ${(ethers.seconds / mirror.seconds).toFixed(1)}×.`,
  ].join("\n");
  console.log(report);
  if (out) writeFileSync(join(repoRoot, out), `# Registry mirror catch-up\n\n\`node bench/mirror-catchup.mjs --out ${out}\`\n\n${report}\n`);
} finally {
  await node.stop();
}
