import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const solcVersion = require("solc/package.json").version;
export default {
  solidity: {
    version: solcVersion,
    path: require.resolve("solc/soljson.js"),
    settings: { optimizer: { enabled: true, runs: 10000 }, evmVersion: "prague" },
  },
};
