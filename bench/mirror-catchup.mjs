// Registry mirror catch-up from a local Hardhat node, side by side in one run: the bare eth_getLogs calls (the node's
// own cost), our event stream alone, our mirror (stream + fold + SQLite), and ethers v6 (getLogs + parseLog into a map).
// Each side runs in its own process, so each peak working set is its own. The same chain is measured twice: after one
// pass of events over the listings, and after a second pass over the same listings, which doubles the events and keeps
// the state the same size, so the two peak working sets show whether memory grows with the number of events.
// With --baseline <commit>, the stream and mirror sides of that commit's harness (built from a temporary git worktree)
// take their turns too, on the same chain, so that a change is measured against the code before it in one run.
// Usage: node bench/mirror-catchup.mjs [--listings 10000] [--per-block 20] [--chunk 20] [--read-ahead 2] [--rounds 5] [--baseline <commit>] [--out bench/mirror-report.md]
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { startNode, repoRoot } from "../scripts/lib/devnet.mjs";

const option = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const listings = Number(option("listings", "10000"));
const perBlock = Number(option("per-block", "20"));
const chunk = Number(option("chunk", "20"));
// RegistryEventsOptions.ReadAhead: the eth_getLogs calls the client keeps in flight during catch-up. The bare side makes
// the same calls with as many in flight, so that it measures the node at the same concurrency.
const readAhead = Number(option("read-ahead", "2"));
// The .NET sides run this many times each, taking turns, and report their medians: the machine is shared, and a
// build next door during one side's single run would otherwise decide the comparison.
const rounds = Number(option("rounds", "5"));
const out = option("out", null);
const baseline = option("baseline", null);
const work = mkdtempSync(join(tmpdir(), "tcr-catchup-"));
// The machine's load at the start and the end of the measurements: on shared cores it explains the wall times.
const loadAtStart = loadavg()[0];
// Tiered compilation off for the measured .NET processes: every method is fully optimised when first compiled, so the
// second pass runs no JIT. With it on, that pass still ran instrumented tier-0 code and re-jitted it (about a tenth of
// its CPU samples were in the JIT), which is start-up cost, not the steady state of a long-running mirror.
const env = { ...process.env, DOTNET_TieredCompilation: "0" };
const run = (file, args) => execFileSync(file, args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 1 << 26, env });
const dll = join(work, "bin", "TcrToolkit.Benchmarks.dll");
const baseDll = join(work, "baseline-bin", "TcrToolkit.Benchmarks.dll");
// The prepared mirror file: the mirror's own cold start on the emitter at its deployment block, which every mirror run
// copies and catches up from (a hand-written file would lack the chain identity the mirror checks, and be discarded).
const mirrorFile = join(work, "mirror-start.db");

console.error("building the contracts and the C# benchmarks (Release)…");
run(process.execPath, [join(repoRoot, "node_modules", "hardhat", "dist", "src", "cli.js"), "build", "--quiet"]);
run("dotnet", ["build", join(repoRoot, "bench", "TcrToolkit.Benchmarks", "TcrToolkit.Benchmarks.csproj"), "-c", "Release", "--nologo", "-v", "q", "-o", join(work, "bin")]);
let baselineLabel = null;
if (baseline) {
  const tree = join(work, "baseline");
  console.error(`building the C# benchmarks of ${baseline} (Release)…`);
  execFileSync("git", ["-C", repoRoot, "worktree", "add", "--detach", tree, baseline], { stdio: "ignore" });
  try {
    baselineLabel = execFileSync("git", ["-C", repoRoot, "log", "-1", "--format=%h %s", baseline], { encoding: "utf8" }).trim();
    run("dotnet", ["build", join(tree, "bench", "TcrToolkit.Benchmarks", "TcrToolkit.Benchmarks.csproj"), "-c", "Release", "--nologo", "-v", "q", "-o", join(work, "baseline-bin")]);
  } finally {
    execFileSync("git", ["-C", repoRoot, "worktree", "remove", "--force", tree], { stdio: "ignore" });
  }
}
const node = await startNode({ logFile: join(work, "node.log") });

const measure = (label, file, args) => {
  console.error(`  ${label}…`);
  return JSON.parse(run(file, args));
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Every side over blocks fromBlock..toBlock, which hold `events` events. */
function measureAll(registry, fromBlock, toBlock, events) {
  console.error(`measuring ${events} events in blocks ${fromBlock}–${toBlock}, ${rounds} rounds:`);
  const range = [registry, String(fromBlock), String(toBlock), String(chunk)];
  const dotnetSides = {
    bare: [dll, "catchup", "bare", node.url, ...range, String(readAhead)],
    bareSerial: [dll, "catchup", "bare", node.url, ...range, "1"],
    bareChecked: [dll, "catchup", "bare", node.url, ...range, String(readAhead), "checked"],
    stream: [dll, "catchup", "stream", node.url, ...range, String(readAhead)],
    mirror: [dll, "catchup", "mirror", node.url, ...range, String(readAhead), mirrorFile],
    ...(baseline ? {
      streamBefore: [baseDll, "catchup", "stream", node.url, ...range, String(readAhead)],
      mirrorBefore: [baseDll, "catchup", "mirror", node.url, ...range, String(readAhead)],
    } : {}),
  };
  const runs = Object.fromEntries(Object.keys(dotnetSides).map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [side, args] of Object.entries(dotnetSides)) runs[side].push(measure(`${side}, round ${round + 1}`, "dotnet", args));
  }
  const sides = Object.fromEntries(Object.entries(runs).map(([side, list]) => [side, {
    ...list[0],
    seconds: median(list.map((r) => r.seconds)),
    spread: [Math.min(...list.map((r) => r.seconds)), Math.max(...list.map((r) => r.seconds))],
    peakWorkingSet: median(list.map((r) => r.peakWorkingSet)),
    cpuSeconds: median(list.map((r) => r.cpuSeconds)),
    events: list.every((r) => r.events === list[0].events) ? list[0].events : -1,
    trusted: list.every((r) => r.trusted === list[0].trusted) ? list[0].trusted : -1,
  }]));
  // ethers is an order of magnitude slower: one run settles the comparison.
  sides.ethers = measure("ethers v6", process.execPath, [join(repoRoot, "bench", "ethers-catchup.mjs"), node.url, ...range]);
  const { stream, mirror, ethers } = sides;
  const disagree = stream.events !== events || ethers.events !== events || mirror.trusted !== listings || ethers.trusted !== listings
    || (baseline && (sides.streamBefore.events !== events || sides.mirrorBefore.trusted !== listings));
  if (disagree) {
    throw new Error(`The sides disagree: ${JSON.stringify({ events, listings, sides })}`);
  }
  return { fromBlock, toBlock, events, calls: sides.bare.calls, ...sides };
}

try {
  console.error(`emitting ${listings} listings (${listings * 5} events), ${perBlock} per block…`);
  const first = JSON.parse(run("dotnet", [dll, "catchup", "setup", node.url, String(listings), String(perBlock), mirrorFile]));
  const one = measureAll(first.registry, first.fromBlock, first.toBlock, first.events);
  console.error("emitting a second pass over the same listings…");
  const second = JSON.parse(run("dotnet", [dll, "catchup", "setup", node.url, String(listings), String(perBlock), mirrorFile, first.registry]));
  const two = measureAll(first.registry, first.fromBlock, second.toBlock, first.events + second.events);

  const n = (x) => Math.round(x).toLocaleString("en-US");
  const mb = (s) => (s.peakWorkingSet / 1048576).toFixed(0);
  const over = (s, m) => `${(((s.seconds - m.bare.seconds) / m.bare.seconds) * 100).toFixed(0)}%`;
  const rows = (m) => [
    [`bare eth_getLogs, ${readAhead} calls in flight (bytes read, nothing parsed)`, m.bare],
    ["bare eth_getLogs, one call at a time", m.bareSerial],
    [`bare eth_getLogs + the stream's block-hash batches, ${readAhead} in flight (the node's whole share)`, m.bareChecked],
    ["RegistryEvents (parse, decode, identity, reorg checks)", m.stream],
    ["RegistryMirror (stream + fold + SQLite)", m.mirror],
    ...(baseline ? [
      [`RegistryEvents before (${baseline})`, m.streamBefore],
      [`RegistryMirror before (${baseline})`, m.mirrorBefore],
    ] : []),
    ["ethers v6 (getLogs + parseLog into a Map)", m.ethers],
  ].map(([label, s]) => `| ${label} | ${s.seconds.toFixed(3)} | ${s.spread ? `${s.spread[0].toFixed(3)}–${s.spread[1].toFixed(3)}` : "one run"} | ${n(m.events / s.seconds)} | ${s === m.bare ? "—" : over(s, m)} | ${s.cpuSeconds === undefined ? "—" : s.cpuSeconds.toFixed(3)} | ${mb(s)} |`);
  const table = (m) => [
    `**${n(m.events)} events** in blocks ${m.fromBlock}–${m.toBlock} (${m.calls} eth_getLogs calls):`,
    "",
    "| side | seconds (median) | range over the rounds | events/s | over bare calls | client CPU seconds (median) | peak working set (MB, median) |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows(m),
    "",
    ...(baseline ? [
      `Now vs before (${baseline}), as the ratio now ÷ before (below 1 is faster now): RegistryEvents ${(m.stream.seconds / m.streamBefore.seconds).toFixed(2)} in wall time and ${(m.stream.cpuSeconds / m.streamBefore.cpuSeconds).toFixed(2)} in client CPU (${((m.stream.cpuSeconds / m.events) * 1e6).toFixed(2)} against ${((m.streamBefore.cpuSeconds / m.events) * 1e6).toFixed(2)} µs per event); RegistryMirror ${(m.mirror.seconds / m.mirrorBefore.seconds).toFixed(2)} in wall time and ${(m.mirror.cpuSeconds / m.mirrorBefore.cpuSeconds).toFixed(2)} in client CPU (${((m.mirror.cpuSeconds / m.events) * 1e6).toFixed(2)} against ${((m.mirrorBefore.cpuSeconds / m.events) * 1e6).toFixed(2)} µs per event); allocated per event: RegistryEvents ${n(m.stream.allocatedBytes / m.events)} against ${n(m.streamBefore.allocatedBytes / m.events)} bytes, RegistryMirror ${n(m.mirror.allocatedBytes / m.events)} against ${n(m.mirrorBefore.allocatedBytes / m.events)} bytes.`,
      "",
    ] : []),
    `Mirror vs ethers end to end: ${(m.ethers.seconds / m.mirror.seconds).toFixed(1)}×. Client CPU per event: RegistryEvents ${((m.stream.cpuSeconds / m.events) * 1e6).toFixed(1)} µs, RegistryMirror ${((m.mirror.cpuSeconds / m.events) * 1e6).toFixed(1)} µs, against ${((m.bareChecked.seconds / m.events) * 1e6).toFixed(1)} µs of the node's wall time per event for its whole share (on one core, of the two the client shares with it).`,
  ];
  const report = [
    `One run on ${cpus()[0].model.trim()} (${cpus().length} cores, shared with the node; one-minute load average ${loadAtStart.toFixed(1)} at the start and ${loadavg()[0].toFixed(1)} at the end of the run): a local Hardhat node, ${n(listings)} listings, each with Applied, Listed and three Deposited events, ${n(perBlock)} listings (${n(perBlock * 5)} events) per block. Then a second pass of the same events over the same listings, which doubles the events and keeps the state the same size. Every side makes the same eth_getLogs calls: ${chunk} blocks each (${n(chunk * perBlock * 5)} events), the registry's address (every log of the registry; the client decodes each with the generated bindings).`,
    "",
    `Method: each side runs in its own process, catches up twice and reports the second pass, and its peak working set. The .NET sides take turns for ${rounds} rounds (one process each per round) and the table gives their medians, because the machine's two cores are shared with the node and with other work. The .NET processes run with tiered compilation off (DOTNET_TieredCompilation=0), so that the second pass runs fully optimised code and no JIT; with it on, that pass still spent about a tenth of its CPU in the JIT. The client reads ${readAhead} ranges ahead during catch-up (RegistryEventsOptions.ReadAhead = ${readAhead}, so up to ${readAhead} eth_getLogs calls in flight) and parses each answer as it streams in; the first bare row makes the same calls with the same number in flight and reads every byte of the answers into a reused buffer, so "over bare calls" is our cost beyond the node's at the same concurrency. The one-call-at-a-time row shows what the node costs without overlap. "Client CPU" is the measured pass's CPU time in the client process (all threads), the node's excluded: it is what our side costs, and it moves far less with the machine's load than the wall time does. The stream and the mirror also read, in one batch per range, the hashes of the range's last block, of the block before it and of the blocks with events within the reorganisation window (256 blocks) of the head, and keep the events of that window for retractions; the first bare row does neither, and the third makes those same batches too, which is the node's whole share of our catch-up. ethers v6 reads its calls one at a time (getLogs, then parseLog into a Map), as a script would. The mirror starts from a file it wrote itself: at the emitter's deployment, before any event, a mirror cold-starts on it (an empty enumeration) and saves its state with the chain identity (genesis and code hash); each measured run copies that file, checks its identity against the node and catches up from its checkpoint, and is timed until it has confirmed the head and trusts.${baseline ? ` The "before" rows are the same harness built from ${baselineLabel}, the commit before the registry-model refactor (events decoded with its own ABI copy, no chain identity; its mirror starts from a file with a hand-written checkpoint, which it accepted), run in the same rounds on the same chain.` : ""}`,
    "",
    ...table(one),
    "",
    ...table(two),
  ].join("\n");
  console.log(report);
  if (out) writeFileSync(join(repoRoot, out), `# Registry mirror catch-up\n\n\`node bench/mirror-catchup.mjs${baseline ? ` --baseline ${baseline}` : ""} --out ${out}\`\n\n${report}\n`);
} finally {
  await node.stop();
}
