// Differential-test oracle: answers Ethereum encoding questions with ethers v6, the trusted reference.
//
// Protocol: one JSON case per line on stdin, one JSON answer per line on stdout, in order, for as long as stdin stays
// open. A case is {"id": N, "op": "...", ...}; an answer is {"id": N, "ok": true, "result": ...} or
// {"id": N, "ok": false, "error": "..."}. Answers are written per input chunk, so a client may pipeline a batch.
// Ops: rlp, tx, sign, eip712, address, units, personal, keccak, abi, abi-event.
import {
  AbiCoder, FunctionFragment, Indexed, Interface, ParamType, Result, Signature, SigningKey, Transaction, TypedDataEncoder, computeAddress,
  decodeRlp, encodeRlp, formatUnits, getAddress, getBytes, hashMessage, keccak256, parseUnits, version,
} from "ethers";

const abiCoder = AbiCoder.defaultAbiCoder();

// ABI values travel as JSON: integers as decimal strings, bytes as 0x hex, arrays and tuples as arrays.
function toEthers(param, value) {
  if (param.isArray()) return value.map((v) => toEthers(param.arrayChildren, v));
  if (param.isTuple()) return value.map((v, i) => toEthers(param.components[i], v));
  if (param.baseType.startsWith("uint") || param.baseType.startsWith("int")) return BigInt(value);
  return value;
}

function fromEthers(value) {
  if (value instanceof Indexed) return { hash: value.hash };
  if (value instanceof Result || Array.isArray(value)) return Array.from(value, fromEthers);
  if (typeof value === "bigint") return value.toString();
  return value;
}

function attempt(f) {
  try {
    return f();
  } catch (error) {
    return { error: String(error?.shortMessage ?? error?.message ?? error) };
  }
}

function big(value) {
  return value === null || value === undefined ? undefined : BigInt(value);
}

const ops = {
  version: () => ({ ethers: version }),

  keccak: (c) => ({ hash: keccak256(c.data) }),

  rlp: (c) => {
    const encoded = encodeRlp(c.item);
    return { encoded, decoded: decodeRlp(encoded) };
  },

  address: (c) => ({ address: getAddress(c.input) }),

  units: (c) => ({
    formatted: formatUnits(BigInt(c.value), c.decimals),
    parsed: c.text === undefined ? null : parseUnits(c.text, c.decimals).toString(),
  }),

  personal: (c) => ({ hash: hashMessage(getBytes(c.message)) }),

  sign: (c) => {
    const key = new SigningKey(c.key);
    const sig = key.sign(c.digest);
    return {
      r: sig.r,
      s: sig.s,
      yParity: sig.yParity,
      serialized: sig.serialized,
      compressedPublicKey: key.compressedPublicKey,
      address: computeAddress(key.publicKey),
      recovered: SigningKey.recoverPublicKey(c.digest, sig),
    };
  },

  tx: (c) => {
    const t = c.tx;
    const fields = {
      type: t.type,
      chainId: t.chainId === null ? 0n : BigInt(t.chainId),
      nonce: Number(t.nonce),
      gasLimit: BigInt(t.gasLimit),
      to: t.to,
      value: BigInt(t.value),
      data: t.data,
    };
    if (t.type === 2) {
      fields.maxPriorityFeePerGas = big(t.maxPriorityFeePerGas);
      fields.maxFeePerGas = big(t.maxFeePerGas);
    } else {
      fields.gasPrice = big(t.gasPrice);
    }
    if (t.type !== 0) {
      fields.accessList = t.accessList;
    }
    const tx = Transaction.from(fields);
    const unsignedSerialized = tx.unsignedSerialized;
    const unsignedHash = tx.unsignedHash;
    tx.signature = Signature.from(new SigningKey(c.key).sign(unsignedHash));
    return {
      unsigned: unsignedSerialized,
      unsignedHash,
      signed: tx.serialized,
      hash: tx.hash,
      from: tx.from,
    };
  },

  // Encodes c.values as the tuple of c.types, decodes c.ours (our encoding of the same values), and gives the
  // canonical signature and selector of c.function (a JSON ABI fragment taking those types).
  abi: (c) => {
    const params = c.types.map((t) => ParamType.from(t));
    const fragment = FunctionFragment.from(c.function);
    return {
      encoded: abiCoder.encode(params, c.values.map((v, i) => toEthers(params[i], v))),
      decoded: attempt(() => fromEthers(abiCoder.decode(params, c.ours))),
      signature: fragment.format("sighash"),
      selector: fragment.selector,
    };
  },

  // Encodes a log of c.event (a JSON ABI fragment) for c.values, and decodes our log (c.topics, c.data).
  "abi-event": (c) => {
    const iface = new Interface([c.event]);
    const fragment = iface.fragments[0];
    const values = c.values.map((v, i) => toEthers(fragment.inputs[i], v));
    return {
      encoded: attempt(() => iface.encodeEventLog(fragment, values)),
      decoded: attempt(() => fromEthers(iface.decodeEventLog(fragment, c.data, c.topics))),
      topic: fragment.topicHash,
    };
  },

  eip712: (c) => {
    const encoder = TypedDataEncoder.from(c.types);
    return {
      primaryType: encoder.primaryType,
      encodedType: encoder.encodeType(c.primaryType),
      structHash: encoder.hash(c.message),
      domainSeparator: TypedDataEncoder.hashDomain(c.domain),
      digest: TypedDataEncoder.hash(c.domain, c.types, c.message),
    };
  },
};

import { walletOps } from "./wallet-ops.mjs";
Object.assign(ops, walletOps);

function answer(line) {
  let id = null;
  try {
    const c = JSON.parse(line);
    id = c.id;
    const op = ops[c.op];
    if (!op) throw new Error(`unknown op ${c.op}`);
    return JSON.stringify({ id, ok: true, result: op(c) });
  } catch (error) {
    return JSON.stringify({ id, ok: false, error: String(error?.shortMessage ?? error?.message ?? error) });
  }
}

let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  pending += chunk;
  const lines = pending.split("\n");
  pending = lines.pop();
  const out = [];
  for (const line of lines) {
    if (line.trim() !== "") out.push(answer(line));
  }
  if (out.length > 0) process.stdout.write(out.join("\n") + "\n");
});
process.stdin.on("end", () => {
  if (pending.trim() !== "") process.stdout.write(answer(pending) + "\n");
});
