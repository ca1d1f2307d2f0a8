// Compiles RpcProbe.sol with the repository's pinned solc-js and prints the solc version, the selectors and the
// creation code. Run from the repository root:
//   node_modules/node/bin/node tests/TcrToolkit.Testing/Hardhat/Contracts/compile.cjs tests/TcrToolkit.Testing/Hardhat/Contracts/RpcProbe.sol
// Metadata is left out so that the bytecode depends on the source alone; paste the hex into RpcProbeContract.cs.
const solc = require(process.cwd() + "/node_modules/solc");
const fs = require("fs");
const src = fs.readFileSync(process.argv[2], "utf8");
const input = { language: "Solidity", sources: { "RpcProbe.sol": { content: src } },
  settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "prague", metadata: { bytecodeHash: "none", appendCBOR: false },
    outputSelection: { "*": { "*": ["evm.bytecode.object", "evm.methodIdentifiers", "abi"] } } } };
const out = JSON.parse(solc.compile(JSON.stringify(input)));
if (out.errors) for (const e of out.errors) console.error(e.formattedMessage);
const c = out.contracts["RpcProbe.sol"].RpcProbe;
console.log(solc.version());
console.log(JSON.stringify(c.evm.methodIdentifiers));
console.log(c.evm.bytecode.object);
