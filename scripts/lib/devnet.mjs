// Starts a Hardhat node on a free loopback port as a child process and stops it again.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { openSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function rpc(url, method, params = []) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/**
 * Starts `hardhat node` bound to 127.0.0.1. Resolves once it answers eth_chainId.
 * @param {{ port?: number, logFile?: string, chainId?: number, timeoutMs?: number }} options
 */
export async function startNode(options = {}) {
  const port = options.port ?? (await freePort());
  const logFile = options.logFile ?? join(repoRoot, ".devnet", `node-${port}.log`);
  mkdirSync(dirname(logFile), { recursive: true });
  const log = openSync(logFile, "a");
  const cli = join(repoRoot, "node_modules", "hardhat", "dist", "src", "cli.js");
  const args = [cli, "node", "--hostname", "127.0.0.1", "--port", String(port)];
  if (options.chainId) args.push("--chain-id", String(options.chainId));
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ["ignore", log, log], detached: false });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let exited = null;
  child.on("exit", (code) => (exited = code));
  for (;;) {
    if (exited !== null) throw new Error(`hardhat node exited with code ${exited}; see ${logFile}`);
    try {
      await rpc(url, "eth_chainId");
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`hardhat node did not answer on ${url} within the timeout; see ${logFile}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    port,
    logFile,
    pid: child.pid,
    rpc: (method, params) => rpc(url, method, params),
    stop: () =>
      new Promise((resolve) => {
        if (exited !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
