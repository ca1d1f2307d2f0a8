// Deploys token, voting and registry (which deploys its governor) from the Hardhat artifacts with ethers v6.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ContractFactory, Contract, keccak256 } from "ethers";
import { repoRoot } from "./devnet.mjs";

// Coverage runs write instrumented bytecode into artifacts/; its probes call this marker address.
const COVERAGE_PROBE = "c0bec0bec0bec0bec0bec0bec0bec0bec0bec0be";

export function artifact(name) {
  const path = join(repoRoot, "artifacts", "contracts", `${name}.sol`, `${name}.json`);
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new Error(`Artifact ${path} is missing: run "npx hardhat build" first.`);
  }
  if (parsed.bytecode.includes(COVERAGE_PROBE)) {
    throw new Error(`Artifact ${path} holds coverage-instrumented bytecode: run "npx hardhat build" first.`);
  }
  return parsed;
}

/** Default parameters: short stages suit a devnet; production deployments choose their own. */
export const defaultParameters = {
  registry: {
    minDeposit: 100n * 10n ** 18n,
    applyStageLength: 600,
    commitStageLength: 600,
    revealStageLength: 600,
    dispensationPct: 50,
    voteQuorum: 10,
    passThreshold: 50,
    exitDelay: 600,
    exitWindow: 3600,
  },
  governance: {
    minDeposit: 200n * 10n ** 18n,
    applyStageLength: 600,
    commitStageLength: 600,
    revealStageLength: 600,
    processWindow: 3600,
    dispensationPct: 50,
    voteQuorum: 10,
    passThreshold: 50,
  },
};

async function deploy(name, signer, args) {
  const a = artifact(name);
  const factory = new ContractFactory(a.abi, a.bytecode, signer);
  const contract = await factory.deploy(...args);
  const receipt = await contract.deploymentTransaction().wait();
  return { contract, receipt };
}

/**
 * @param signer ethers signer paying for the deployment; receives the whole token supply.
 * @param {{ supply?: bigint, token?: string, parameters?: typeof defaultParameters }} options
 */
export async function deployTcr(signer, options = {}) {
  const parameters = options.parameters ?? defaultParameters;
  const steps = [];
  let token;
  if (options.token) {
    token = new Contract(options.token, artifact("TcrToken").abi, signer);
  } else {
    const supply = options.supply ?? 10_000_000n * 10n ** 18n;
    const d = await deploy("TcrToken", signer, ["Mail Server Token", "MST", await signer.getAddress(), supply]);
    token = d.contract;
    steps.push({ name: "TcrToken", receipt: d.receipt });
  }
  const voting = await deploy("CommitRevealVoting", signer, [await token.getAddress()]);
  steps.push({ name: "CommitRevealVoting", receipt: voting.receipt });
  const registry = await deploy("MailServerRegistry", signer, [
    await token.getAddress(),
    await voting.contract.getAddress(),
    parameters.registry,
    parameters.governance,
  ]);
  steps.push({ name: "MailServerRegistry", receipt: registry.receipt });
  const governor = new Contract(await registry.contract.governor(), artifact("ParameterGovernor").abi, signer);
  return { token, voting: voting.contract, registry: registry.contract, governor, steps, parameters };
}

/**
 * A deployment manifest, format 1 (read by TcrToolkit's DeploymentManifest): chain, and per contract its address,
 * creating transaction, block and runtime-code hash. The governor is created by the registry's constructor.
 */
export async function manifestOf(tcr, network, provider) {
  const { chainId } = await provider.getNetwork();
  const entry = async (contract, stepName) => {
    const address = await contract.getAddress();
    const step = tcr.steps.find((s) => s.name === stepName);
    return {
      address,
      ...(step ? { transactionHash: step.receipt.hash, blockNumber: step.receipt.blockNumber } : {}),
      codeHash: keccak256(await provider.getCode(address)),
    };
  };
  const bigints = (o) => JSON.parse(JSON.stringify(o, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
  return {
    format: 1,
    network,
    chainId: Number(chainId),
    contracts: {
      token: await entry(tcr.token, "TcrToken"),
      voting: await entry(tcr.voting, "CommitRevealVoting"),
      registry: await entry(tcr.registry, "MailServerRegistry"),
      governor: await entry(tcr.governor, "MailServerRegistry"),
    },
    parameters: bigints(tcr.parameters),
  };
}
