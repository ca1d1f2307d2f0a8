// The main job until the `tcr` CLI exists: start a devnet on 127.0.0.1, deploy the TCR, and show the registry
// accepting real node-key proofs and refusing a forged one. Usage: node scripts/demo.mjs [--keep]
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { JsonRpcProvider, Wallet, keccak256, getBytes, hexlify, randomBytes, formatUnits } from "ethers";
import { startNode, repoRoot } from "./lib/devnet.mjs";
import { deployTcr, manifestOf } from "./lib/deploy.mjs";

const keep = process.argv.includes("--keep");
const say = (text = "") => console.log(text);

const node = await startNode({ logFile: join(repoRoot, ".devnet", "node.log") });
const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 50 });
try {
  const [deployer, operatorA, operatorB, mallory] = await Promise.all([0, 1, 2, 3].map((i) => provider.getSigner(i)));
  const { chainId } = await provider.getNetwork();
  say(`Devnet: Hardhat node at ${node.url} (chain id ${chainId}), log ${node.logFile}`);

  const tcr = await deployTcr(deployer);
  const addresses = {
    token: await tcr.token.getAddress(),
    voting: await tcr.voting.getAddress(),
    registry: await tcr.registry.getAddress(),
    governor: await tcr.governor.getAddress(),
  };
  say("\nDeployed:");
  for (const [name, address] of Object.entries(addresses)) say(`  ${name.padEnd(9)} ${address}`);
  for (const step of tcr.steps) say(`  ${step.name} deployment: ${step.receipt.gasUsed.toLocaleString("en-US")} gas`);
  mkdirSync(join(repoRoot, ".devnet"), { recursive: true });
  const manifest = await manifestOf(tcr, "devnet", provider);
  writeFileSync(join(repoRoot, ".devnet", "devnet.json"), JSON.stringify({ ...manifest, rpc: node.url }, null, 2) + "\n");

  const p = tcr.parameters.registry;
  const unit = (v) => `${formatUnits(v, 18)} MST`;
  say(`\nParameters: minDeposit ${unit(p.minDeposit)}, application stage ${p.applyStageLength}s, ` +
    `commit ${p.commitStageLength}s, reveal ${p.revealStageLength}s, quorum ${p.voteQuorum}%, pass > ${p.passThreshold}%`);
  for (const s of [operatorA, operatorB, mallory]) {
    await (await tcr.token.transfer(await s.getAddress(), 1_000n * 10n ** 18n)).wait();
  }

  const registry = addresses.registry;
  const types = { NodeProof: [
    { name: "applicant", type: "address" }, { name: "nodeId", type: "bytes32" },
    { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" }] };
  const domain = { name: "MailServerRegistry", version: "1", chainId, verifyingContract: registry };
  const newNode = () => {
    const key = new Wallet(hexlify(randomBytes(32)));
    return { key, nodeId: keccak256(getBytes(key.signingKey.publicKey).slice(1)) };
  };
  async function apply(owner, label, signingKey, nodeId) {
    const applicant = await owner.getAddress();
    const deadline = (await provider.getBlock("latest")).timestamp + 3600;
    const nonce = (await tcr.registry.listing(nodeId)).nonce;
    const proof = await signingKey.signTypedData(domain, types, { applicant, nodeId, nonce, deadline });
    await (await tcr.token.connect(owner).approve(registry, p.minDeposit)).wait();
    try {
      // Pre-flight with eth_call first: a proof that would revert never becomes a transaction.
      await tcr.registry.connect(owner).applyListing.staticCall(nodeId, p.minDeposit, deadline, proof, "0x");
      const receipt = await (await tcr.registry.connect(owner).applyListing(nodeId, p.minDeposit, deadline, proof, "0x")).wait();
      say(`  ${label}: applied ${nodeId.slice(0, 18)}… (${receipt.gasUsed.toLocaleString("en-US")} gas)`);
      return true;
    } catch (error) {
      const decoded = error.revert ?? tcr.registry.interface.parseError(error.data ?? "0x");
      say(`  ${label}: refused before sending — ${decoded?.name ?? error.shortMessage}(${decoded?.args?.join(", ") ?? ""})`);
      return false;
    }
  }

  say("\nThree mail servers apply; each proof must be signed by the server's own node key:");
  const a = newNode();
  const b = newNode();
  const victim = newNode();
  await apply(operatorA, "server A (own key)   ", a.key, a.nodeId);
  await apply(operatorB, "server B (own key)   ", b.key, b.nodeId);
  await apply(mallory, "mallory (forged key) ", newNode().key, victim.nodeId);

  await provider.send("evm_increaseTime", [Number(p.applyStageLength)]);
  await provider.send("evm_mine", []);
  for (const id of [a.nodeId, b.nodeId]) await (await tcr.registry.updateStatus(id)).wait();

  const count = await tcr.registry.listedCount();
  const ids = await tcr.registry.listedPage(0, count);
  say(`\nRegistry after the application stage (${count} trusted):`);
  say("  node id                                                             owner                                       deposit");
  for (const id of ids) {
    const l = await tcr.registry.listing(id);
    say(`  ${id}  ${l.owner}  ${unit(l.deposit)}`);
  }
  const trusted = await tcr.registry.areListed([a.nodeId, b.nodeId, victim.nodeId]);
  say(`\nClient check areListed(A, B, mallory's claim): ${trusted.join(", ")}`);
  if (keep) {
    say(`\nDevnet keeps running at ${node.url}; addresses in .devnet/devnet.json. Ctrl-C stops it.`);
    await new Promise((resolve) => process.once("SIGINT", resolve));
  }
} finally {
  provider.destroy();
  await node.stop();
}
