// Gas per registry operation on a local Hardhat node, side by side with the reference TCR (skmgoldin/tcr + PLCR,
// solc 0.4.24 optimizer on), measured on Hardhat 2.29.1 with osaka rules. Usage: npm run gas [-- --out FILE]
import { readFileSync, writeFileSync } from "node:fs";
import { JsonRpcProvider, Wallet, keccak256, getBytes, hexlify, randomBytes } from "ethers";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startNode, repoRoot } from "../scripts/lib/devnet.mjs";
import { deployTcr } from "../scripts/lib/deploy.mjs";

const REFERENCE = {
  apply: 128_253,
  list: 33_457,
  challenge: 253_225,
  voterSetup1: 87_423,
  voterSetup2: 70_323,
  commit1: 163_647,
  commit2: 163_647,
  reveal1: 129_336,
  reveal2: 109_414,
  resolve: 119_996,
  claim: 97_804,
  deposit: 55_112,
  withdraw: 58_061,
  initExit: 85_613,
  finalizeExit: 56_839,
  propose: 222_227,
};
const LIFECYCLE = ["apply", "challenge", "voterSetup1", "voterSetup2", "commit1", "commit2", "reveal1", "reveal2", "resolve", "claim"];
const UNIT = 10n ** 18n;

const node = await startNode();
const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 50 });
try {
  const signers = await Promise.all([0, 1, 2, 3, 4].map((i) => provider.getSigner(i)));
  const [deployer, operator, challenger, voter1, voter2] = signers;
  const chainId = (await provider.getNetwork()).chainId;
  const hardhatVersion = (await import("hardhat/package.json", { with: { type: "json" } })).default.version;
  const hardforkModule = "node_modules/hardhat/dist/src/internal/builtin-plugins/network-manager/edr/types/hardfork.js";
  const hardfork = await import(pathToFileURL(join(repoRoot, hardforkModule)).href)
    .then((m) => m.L1_LATEST_STABLE_HARDFORK)
    .catch(() => "default hardfork");

  const gasOf = async (txPromise) => Number((await (await txPromise).wait()).gasUsed);
  const advance = async (seconds) => {
    await provider.send("evm_increaseTime", [seconds]);
    await provider.send("evm_mine", []);
  };

  async function freshDeployment() {
    const tcr = await deployTcr(deployer);
    for (const s of [operator, challenger, voter1, voter2]) {
      await (await tcr.token.transfer(await s.getAddress(), 1_000_000n * UNIT)).wait();
    }
    return tcr;
  }

  async function apply(tcr, owner) {
    const nodeKey = new Wallet(hexlify(randomBytes(32)));
    const nodeId = keccak256(getBytes(nodeKey.signingKey.publicKey).slice(1));
    const applicant = await owner.getAddress();
    const registry = await tcr.registry.getAddress();
    const nonce = (await tcr.registry.listing(nodeId)).nonce;
    const deadline = (await provider.getBlock("latest")).timestamp + 3600;
    const proof = await nodeKey.signTypedData(
      { name: "MailServerRegistry", version: "1", chainId, verifyingContract: registry },
      { NodeProof: [
        { name: "applicant", type: "address" }, { name: "nodeId", type: "bytes32" },
        { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" }] },
      { applicant, nodeId, nonce, deadline },
    );
    const amount = tcr.parameters.registry.minDeposit;
    await (await tcr.token.connect(owner).approve(registry, amount)).wait();
    const gas = await gasOf(tcr.registry.connect(owner).applyListing(nodeId, amount, deadline, proof, "0x"));
    return { nodeId, gas };
  }

  /**
   * A contested run: an entry is challenged, two voters vote `option` (1 upholds), the challenge is resolved and a
   * voter claims. `target` is "application" (challenged during its application stage) or "listing" (listed first).
   * With `delegated`, the owner and the challenger have delegated their votes to themselves, so every token movement
   * to or from them also writes a vote checkpoint; the owner then holds more than the stake, so an upheld challenge
   * pays both of them.
   */
  async function contested(option, target, delegated = false) {
    const tcr = await freshDeployment();
    const p = tcr.parameters.registry;
    const registry = await tcr.registry.getAddress();
    const g = {};
    if (delegated) {
      for (const s of [operator, challenger]) await (await tcr.token.connect(s).delegate(await s.getAddress())).wait();
    }
    const { nodeId, gas } = await apply(tcr, operator);
    g.apply = gas;
    if (target === "listing") {
      await advance(p.applyStageLength);
      g.list = await gasOf(tcr.registry.updateStatus(nodeId));
    }
    if (delegated) {
      await (await tcr.token.connect(operator).approve(registry, 10n * UNIT)).wait();
      g.deposit = await gasOf(tcr.registry.connect(operator).deposit(nodeId, 10n * UNIT));
    }
    g.voterSetup1 = await gasOf(tcr.token.connect(voter1).delegate(await voter1.getAddress()));
    g.voterSetup2 = await gasOf(tcr.token.connect(voter2).delegate(await voter2.getAddress()));
    await (await tcr.token.connect(challenger).approve(registry, p.minDeposit)).wait();
    g.challenge = await gasOf(tcr.registry.connect(challenger).challenge(nodeId, "0x"));
    const challengeId = (await tcr.registry.listing(nodeId)).challengeId;
    const salts = [hexlify(randomBytes(32)), hexlify(randomBytes(32))];
    const voters = [voter1, voter2];
    for (let i = 0; i < 2; i++) {
      const commitment = await tcr.voting.commitmentOf(challengeId, await voters[i].getAddress(), option, salts[i]);
      g[`commit${i + 1}`] = await gasOf(tcr.voting.connect(voters[i]).commitVote(challengeId, commitment));
    }
    await advance(p.commitStageLength);
    for (let i = 0; i < 2; i++) {
      g[`reveal${i + 1}`] = await gasOf(tcr.voting.connect(voters[i]).revealVote(challengeId, option, salts[i]));
    }
    await advance(p.revealStageLength);
    g.resolve = await gasOf(tcr.registry.updateStatus(nodeId));
    g.claim = await gasOf(tcr.registry.connect(voter1).claimReward(nodeId, challengeId));
    return g;
  }

  // Uncontested, on one fresh deployment:
  //   A: the first application ever (the registry's token balance and the enumeration slot are new),
  //   B: a second one (the registry already holds tokens, but B takes a new enumeration slot),
  //   C: after A exits, the steady state (C reuses the enumeration slot A's removal left behind).
  const tcr = await freshDeployment();
  const p = tcr.parameters.registry;
  const registry = await tcr.registry.getAddress();
  const u = {};
  const a = await apply(tcr, operator);
  u.apply = a.gas;
  await advance(p.applyStageLength);
  u.list = await gasOf(tcr.registry.updateStatus(a.nodeId));
  const b = await apply(tcr, challenger);
  await advance(p.applyStageLength);
  u.applyListB = b.gas + (await gasOf(tcr.registry.updateStatus(b.nodeId)));
  await (await tcr.token.connect(operator).approve(registry, 10n * UNIT)).wait();
  u.deposit = await gasOf(tcr.registry.connect(operator).deposit(a.nodeId, 10n * UNIT));
  u.withdraw = await gasOf(tcr.registry.connect(operator).withdraw(a.nodeId, 10n * UNIT));
  u.initExit = await gasOf(tcr.registry.connect(operator).initExit(a.nodeId));
  await advance(p.exitDelay);
  u.finalizeExit = await gasOf(tcr.registry.connect(operator).finalizeExit(a.nodeId));
  const c = await apply(tcr, voter1);
  await advance(p.applyStageLength);
  u.applyListC = c.gas + (await gasOf(tcr.registry.updateStatus(c.nodeId)));
  await (await tcr.token.connect(operator).approve(await tcr.governor.getAddress(), tcr.parameters.governance.minDeposit)).wait();
  u.propose = await gasOf(tcr.governor.connect(operator).propose(0, 150n * UNIT));
  // C is now the last enumerated id: its exit moves nothing.
  await (await tcr.registry.connect(voter1).initExit(c.nodeId)).wait();
  await advance(p.exitDelay);
  u.finalizeExitLast = await gasOf(tcr.registry.connect(voter1).finalizeExit(c.nodeId));
  // A second proposal of the same parameter, once the first is processed: the per-parameter slot of the
  // concurrent-proposal rule is no longer new.
  await advance(tcr.parameters.governance.applyStageLength);
  await (await tcr.governor.processProposal(1)).wait();
  await (await tcr.token.connect(operator).approve(await tcr.governor.getAddress(), tcr.parameters.governance.minDeposit)).wait();
  u.proposeAgain = await gasOf(tcr.governor.connect(operator).propose(0, 200n * UNIT));

  // The same operations by an owner who has delegated its votes to itself (a token holder who also votes): every
  // token movement to or from it writes a vote checkpoint. Fresh deployment; D is listed first, E after it, so D's
  // exit moves E into its place (the "id in the middle" case above).
  const dtcr = await freshDeployment();
  const dreg = await dtcr.registry.getAddress();
  await (await dtcr.token.connect(operator).delegate(await operator.getAddress())).wait();
  const d = await apply(dtcr, operator);
  const e = await apply(dtcr, challenger);
  await advance(p.applyStageLength);
  await (await dtcr.registry.updateStatus(d.nodeId)).wait();
  await (await dtcr.registry.updateStatus(e.nodeId)).wait();
  await (await dtcr.token.connect(operator).approve(dreg, 10n * UNIT)).wait();
  const dg = {};
  dg.apply = d.gas;
  dg.deposit = await gasOf(dtcr.registry.connect(operator).deposit(d.nodeId, 10n * UNIT));
  dg.withdraw = await gasOf(dtcr.registry.connect(operator).withdraw(d.nodeId, 10n * UNIT));
  await (await dtcr.registry.connect(operator).initExit(d.nodeId)).wait();
  await advance(p.exitDelay);
  dg.finalizeExit = await gasOf(dtcr.registry.connect(operator).finalizeExit(d.nodeId));

  const upheldApplication = await contested(1, "application");
  const rejectedApplication = await contested(0, "application");
  const upheldListing = await contested(1, "listing");
  const rejectedListing = await contested(0, "listing");
  const delegatedUpheld = await contested(1, "listing", true);

  const fmt = (n) => (n === undefined ? "" : n.toLocaleString("en-US"));
  const pct = (ours, ref) => (ref ? `${((100 * ours) / ref).toFixed(1)}%` : "");
  const rows = [];
  const row = (op, ref, ours, note = "") => rows.push([op, fmt(ref), fmt(ours), pct(ours, ref), note]);
  row("apply (incl. node-key proof)", REFERENCE.apply, u.apply, "first application on a fresh registry");
  row("updateStatus → listed", REFERENCE.list, u.list);
  row("apply + listing, first ever", REFERENCE.apply + REFERENCE.list, u.apply + u.list, "target ≤ 161,710; new registry");
  row("apply + listing, second", REFERENCE.apply + REFERENCE.list, u.applyListB, "registry holds tokens; new enumeration slot");
  row("apply + listing, steady state", REFERENCE.apply + REFERENCE.list, u.applyListC, "an enumeration slot is reused");
  row("challenge", REFERENCE.challenge, upheldApplication.challenge, "of an application");
  row("voter setup (delegate) #1", REFERENCE.voterSetup1, upheldApplication.voterSetup1, "reference: requestVotingRights");
  row("voter setup (delegate) #2", REFERENCE.voterSetup2, upheldApplication.voterSetup2);
  row("commitVote #1", REFERENCE.commit1, upheldApplication.commit1);
  row("commitVote #2", REFERENCE.commit2, upheldApplication.commit2);
  row("revealVote #1", REFERENCE.reveal1, upheldApplication.reveal1);
  row("revealVote #2", REFERENCE.reveal2, upheldApplication.reveal2);
  row("updateStatus → application challenge upheld", REFERENCE.resolve, upheldApplication.resolve, "application removed, challenger paid");
  row("updateStatus → application challenge rejected", REFERENCE.resolve, rejectedApplication.resolve, "reward to deposit, then listed");
  row("updateStatus → listing challenge upheld", REFERENCE.resolve, upheldListing.resolve, "listing removed, challenger paid");
  row("updateStatus → listing challenge rejected", REFERENCE.resolve, rejectedListing.resolve, "listing stays, reward to deposit");
  row("claimReward", REFERENCE.claim, upheldApplication.claim);
  row("deposit", REFERENCE.deposit, u.deposit);
  row("withdraw", REFERENCE.withdraw, u.withdraw);
  row("initExit", REFERENCE.initExit, u.initExit);
  row("finalizeExit, last enumerated id", REFERENCE.finalizeExit, u.finalizeExitLast);
  row("finalizeExit, id in the middle", REFERENCE.finalizeExit, u.finalizeExit, "the last id moves into its place");
  row("propose parameter", REFERENCE.propose, u.propose, "first of its parameter; reference: proposeReparameterization");
  row("propose parameter, again", REFERENCE.propose, u.proposeAgain, "after the last one of its parameter was processed");
  row("deposit, delegated owner", REFERENCE.deposit, dg.deposit, "owner self-delegated: + vote checkpoint");
  row("withdraw, delegated owner", REFERENCE.withdraw, dg.withdraw, "owner self-delegated: + vote checkpoint");
  row("finalizeExit, delegated owner", REFERENCE.finalizeExit, dg.finalizeExit, "id in the middle; + vote checkpoint");
  row("challenge, delegated challenger", REFERENCE.challenge, delegatedUpheld.challenge, "of a listing; + vote checkpoint");
  row("updateStatus → upheld, two delegated paid", REFERENCE.resolve, delegatedUpheld.resolve, "listing removed; challenger and owner paid");
  const refLifecycle = LIFECYCLE.reduce((s, k) => s + REFERENCE[k], 0);
  const sum = (g) => LIFECYCLE.reduce((s, k) => s + g[k], 0);
  row("contested lifecycle, challenge upheld", refLifecycle, sum(upheldApplication), "target ≤ 661,534; of an application");
  row("contested lifecycle, challenge rejected", refLifecycle, sum(rejectedApplication), "target ≤ 661,534; of an application");

  const header = ["operation", "reference", "TcrToolkit", "of reference", "note"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => "| " + cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
  const table = [line(header), "|" + widths.map((w, i) => (i === 0 || i === 4 ? "-" : "").padEnd(w + 1, "-") + (i === 0 || i === 4 ? "-" : ":")).join("|") + "|", ...rows.map(line)].join("\n");
  const meta = `Hardhat ${hardhatVersion} node (${hardfork} rules), solc ${(await import("solc/package.json", { with: { type: "json" } })).default.version} optimizer 10,000 runs, ` +
    `gasUsed from receipts (after refunds); token approvals are separate transactions in both columns and are not counted. ` +
    `"Delegated" rows: the owner or challenger has delegated its votes to itself (ERC20Votes), so each token movement ` +
    `to or from it also writes a vote checkpoint in the token.`;
  // One sentence per missed target, with this run's figures: where the gas goes.
  const notes = [];
  if (u.apply + u.list > 161_710) {
    notes.push(`*Apply + listing, first ever* (${fmt(u.apply + u.list)} against 161,710): the first application on a new ` +
      `registry writes three never-used slots (the registry's first token balance, the enumeration slot clients page the ` +
      `trusted set from, and the entry) and pays for the node-key proof (EIP-712 hash, ecrecover, 65 calldata bytes); ` +
      `from the second application on the pair costs ${fmt(u.applyListB)}, and ${fmt(u.applyListC)} once an enumeration slot is reused.`);
  }
  for (const [label, g] of [["upheld", upheldApplication], ["rejected", rejectedApplication]]) {
    if (sum(g) <= 661_534) continue;
    notes.push(`*Contested lifecycle, challenge ${label}* (${fmt(sum(g))} against 661,534): ten transactions pay 210,000 ` +
      `in base fees, and 15 storage slots are written for the first time (22,100 each, 331,500 in all) — the entry and the ` +
      `registry's first balance at apply, the challenge record and the poll's timing and tallies at challenge, three per ` +
      `voter for OpenZeppelin ERC20Votes delegation (the two \`delegate\` calls cost ${fmt(g.voterSetup1 + g.voterSetup2)}), ` +
      `one per commit, and the voter's first checkpoint when its reward arrives.`);
  }
  const notesText = notes.length ? "\n\n**Targets missed, and where the gas goes.**\n\n" + notes.map((n) => `- ${n}`).join("\n") : "";
  console.log(table);
  console.log("\n" + meta + notesText);
  const out = process.argv.includes("--out") ? process.argv[process.argv.indexOf("--out") + 1] : null;
  if (out) writeFileSync(out, `# Gas per operation\n\n${meta}\n\n${table}${notesText}\n`);
  // --readme FILE: replace the table between the gas-table markers, so the README always quotes the last run.
  const readme = process.argv.includes("--readme") ? process.argv[process.argv.indexOf("--readme") + 1] : null;
  if (readme) {
    const text = readFileSync(readme, "utf8");
    const start = "<!-- gas-table:start -->";
    const end = "<!-- gas-table:end -->";
    if (!text.includes(start) || !text.includes(end)) throw new Error(`${readme} has no ${start} … ${end} markers.`);
    writeFileSync(readme, text.slice(0, text.indexOf(start) + start.length) + `\n${meta}\n\n${table}${notesText}\n` + text.slice(text.indexOf(end)));
  }
  const failed = [];
  if (u.apply + u.list > 161_710) failed.push("apply + listing (first ever)");
  if (u.applyListB > 161_710 || u.applyListC > 161_710) failed.push("apply + listing (later)");
  if (sum(upheldApplication) > 661_534 || sum(rejectedApplication) > 661_534) failed.push("contested lifecycle");
  console.log(failed.length ? `targets missed: ${failed.join(", ")}` : "targets met");
} finally {
  provider.destroy();
  await node.stop();
}
