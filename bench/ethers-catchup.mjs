// The ethers v6 side of the mirror catch-up: getLogs in the same chunks, parseLog, fold into a map of listings.
// Usage: node bench/ethers-catchup.mjs <url> <registry> <fromBlock> <toBlock> [chunkBlocks]; prints one JSON object.
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Interface, JsonRpcProvider } from "ethers";

const [url, registry, fromText, toText, chunkText] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// The ABI of the Hardhat artifact (mirror-catchup.mjs builds the contracts first).
const artifact = join(root, "artifacts", "contracts", "MailServerRegistry.sol", "MailServerRegistry.json");
const iface = new Interface(JSON.parse(readFileSync(artifact, "utf8")).abi);
const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true, batchMaxCount: 1 });
const chunk = Number(chunkText ?? "2000");
const from = Number(fromText);
const to = Number(toText);

async function catchUp() {
const started = performance.now();
const listings = new Map();
let events = 0;
for (let start = from; start <= to; start += chunk) {
  const logs = await provider.getLogs({ address: registry, fromBlock: start, toBlock: Math.min(to, start + chunk - 1) });
  for (const log of logs) {
    const parsed = iface.parseLog(log);
    events++;
    const nodeId = parsed.args.nodeId;
    switch (parsed.name) {
      case "Applied":
        listings.set(nodeId, { owner: parsed.args.owner, stage: 1, deposit: parsed.args.deposit });
        break;
      case "Listed":
        listings.set(nodeId, { owner: parsed.args.owner, stage: 2, deposit: parsed.args.deposit });
        break;
      case "Deposited":
      case "Withdrawn":
        if (listings.has(nodeId)) listings.get(nodeId).deposit = parsed.args.newDeposit;
        break;
      case "ExitStarted":
        if (listings.has(nodeId)) listings.get(nodeId).stage = 3;
        break;
      case "ListingRemoved":
      case "ApplicationRemoved":
      case "Exited":
      case "TouchedAndRemoved":
        listings.delete(nodeId);
        break;
    }
  }
}
return { seconds: (performance.now() - started) / 1000, events, listings };
}

// Twice, reporting the second pass, as the C# sides do.
await catchUp();
const { seconds, events, listings } = await catchUp();
provider.destroy();
const trusted = [...listings.values()].filter((l) => l.stage >= 2).length;
console.log(JSON.stringify({ seconds, events, trusted, peakWorkingSet: process.resourceUsage().maxRSS * 1024 }));
