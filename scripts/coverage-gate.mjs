// Checks Solidity coverage of the production contracts (contracts/, without contracts/test/).
// Lines come from coverage/lcov.info (weighted total); statements from the per-file table Hardhat prints, which
// lcov does not carry. Usage: node scripts/coverage-gate.mjs <hardhat-output-file> [minimum-percent]
import { readFileSync } from "node:fs";

const [logFile, minimumArg] = process.argv.slice(2);
const minimum = Number(minimumArg ?? 95);
const isProduction = (file) => file.startsWith("contracts/") && !file.startsWith("contracts/test/");

let lcov;
try {
  lcov = readFileSync("coverage/lcov.info", "utf8");
} catch {
  console.error("coverage: coverage/lcov.info is missing; run the Solidity tests with --coverage.");
  process.exit(1);
}
let file = null;
let found = 0;
let hit = 0;
const files = new Set();
for (const line of lcov.split("\n")) {
  if (line.startsWith("SF:")) file = line.slice(3);
  else if (file && isProduction(file) && line.startsWith("LF:")) (found += Number(line.slice(3))), files.add(file);
  else if (file && isProduction(file) && line.startsWith("LH:")) hit += Number(line.slice(3));
}
const linePct = found ? (100 * hit) / found : 0;

// eslint-disable-next-line no-control-regex
const table = readFileSync(logFile, "utf8").replace(/\x1b\[[0-9;]*m/g, "");
const statements = [];
for (const row of table.split("\n")) {
  const cells = row.split(/[║│]/).map((c) => c.trim()).filter(Boolean);
  if (cells.length >= 3 && isProduction(cells[0]) && /^\d/.test(cells[2])) statements.push([cells[0], Number(cells[2])]);
}
const worstStatements = statements.reduce((w, s) => (s[1] < w[1] ? s : w), ["none", 100]);

console.log(
  `coverage: contracts/ (${files.size} files, tests excluded): lines ${linePct.toFixed(2)}% (${hit}/${found}), ` +
    `statements ≥ ${worstStatements[1].toFixed(2)}% per file (lowest: ${worstStatements[0]}); minimum ${minimum}%`,
);
if (files.size === 0 || statements.length === 0) {
  console.error("coverage: no production contract found in the coverage output.");
  process.exit(1);
}
if (linePct < minimum || worstStatements[1] < minimum) {
  console.error(`coverage: below the ${minimum}% minimum.`);
  process.exit(1);
}
