// The ethers v6 half of the side-by-side speed run: same inputs, same method as the C# half
// (warm up, five one-second rounds, median operations per second). Prints one JSON object.
import { readFileSync } from "node:fs";
import { Wallet, keccak256, getBytes, Interface, Transaction } from "ethers";

const inputs = JSON.parse(readFileSync(process.argv[2], "utf8"));

function spin(operation, seconds) {
  let count = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let i = 0; i < 64; i++) operation();
    count += 64;
    elapsed = process.hrtime.bigint() - start;
  }
  return count / (Number(elapsed) / 1e9);
}

function measure(operation) {
  spin(operation, 1);
  const rounds = [0, 1, 2, 3, 4].map(() => spin(operation, 1)).sort((a, b) => a - b);
  return rounds[2];
}

const keccakInput = getBytes(inputs.keccak32);
const wallet = new Wallet(inputs.privateKey);
const tx = {
  type: 2,
  chainId: inputs.chainId,
  nonce: inputs.nonce,
  maxPriorityFeePerGas: BigInt(inputs.maxPriorityFeePerGas),
  maxFeePerGas: BigInt(inputs.maxFeePerGas),
  gasLimit: inputs.gasLimit,
  to: inputs.to,
  value: BigInt(inputs.value),
  data: inputs.data,
};
// Wallet.signTransaction is async only in its API; the work (populate-free Transaction.from + sign + serialize) is
// synchronous, so measure that work directly.
const signEip1559 = () => {
  const t = Transaction.from(tx);
  t.signature = wallet.signingKey.sign(t.unsignedHash);
  return t.serialized;
};

const iface = new Interface([`event ${inputs.logEvent}`]);
const log = { topics: inputs.logTopics, data: inputs.logData };
const decodeLog = () => {
  const parsed = iface.parseLog(log);
  return [parsed.args.nodeId, parsed.args.owner, parsed.args.deposit, parsed.args.applicationEnd, parsed.args.enr];
};

console.log(JSON.stringify({
  decodeLog: measure(decodeLog),
  decodedLog: decodeLog()[4],
  keccak32: measure(() => keccak256(keccakInput)),
  signEip1559: measure(signEip1559),
  signedEip1559: signEip1559(),
}));
