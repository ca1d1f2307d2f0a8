import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
// The compiler is solc-js from npm, pinned by package.json: the build never downloads a compiler.
const solcVersion = require("solc/package.json").version;

export default {
  solidity: {
    version: solcVersion,
    path: require.resolve("solc/soljson.js"),
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      evmVersion: "prague",
      // NatSpec for the bindings generator (src/TcrToolkit.CodeGen); documentation output leaves the bytecode unchanged.
      outputSelection: { "*": { "*": ["devdoc", "userdoc"] } },
    },
  },
  test: {
    solidity: {
      profiles: {
        // Quick local runs.
        default: {
          fuzz: { runs: 256 },
          invariant: { runs: 256, depth: 25 },
        },
        // CI: at least 10,000 runs of every fuzz test and every invariant campaign.
        ci: {
          fuzz: { runs: 10_000 },
          invariant: { runs: 10_000, depth: 25 },
        },
      },
    },
  },
};
