// Interop peer for TcrToolkit.Discovery: starts @chainsafe/discv5 nodes on 127.0.0.1 in this one Node process and
// answers line-delimited JSON commands on stdin with one JSON line each on stdout ({"id", "ok", ...}).
// Every node answers TALKREQ on any protocol with "chainsafe:" + the request (chainsafe has no default answer).
import { createSocket } from "node:dgram";
import { createInterface } from "node:readline";
import { Discv5, Lookup } from "@chainsafe/discv5";
import { ENR, SignableENR } from "@chainsafe/enr";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { multiaddr } from "@multiformats/multiaddr";

const nodes = [];
const hex = (bytes) => Buffer.from(bytes).toString("hex");
const fromHex = (text) => Uint8Array.from(Buffer.from(text.replace(/^0x/, ""), "hex"));

function freePort() {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

async function startNode() {
  const privateKey = await generateKeyPair("secp256k1");
  const port = await freePort();
  const enr = SignableENR.createFromPrivateKey(privateKey);
  enr.ip = "127.0.0.1";
  enr.udp = port;
  const discv5 = Discv5.create({
    enr,
    privateKey,
    bindAddrs: { ip4: multiaddr(`/ip4/127.0.0.1/udp/${port}`) },
    config: { enrUpdate: false, requestTimeout: 1000, lookupTimeout: 10000 },
  });
  discv5.on("talkReqReceived", (nodeAddr, _enr, message) => {
    const answer = Buffer.concat([Buffer.from("chainsafe:"), Buffer.from(message.request)]);
    discv5.sendTalkResp(nodeAddr, message.id, answer).catch(() => {});
  });
  await discv5.start();
  nodes.push(discv5);
  return { index: nodes.length - 1, enr: discv5.enr.encodeTxt(), nodeId: discv5.enr.nodeId };
}

const commands = {
  async start({ count = 1 }) {
    const started = [];
    for (let i = 0; i < count; i++) started.push(await startNode());
    return { nodes: started };
  },
  async addEnr({ node, enr }) {
    nodes[node].addEnr(enr);
    return {};
  },
  async ping({ node, enr }) {
    const pong = await nodes[node].sendPing(ENR.decodeTxt(enr));
    return { enrSeq: pong.enrSeq.toString(), addr: String(pong.addr?.ip?.host ?? "") , port: pong.addr?.port ?? 0 };
  },
  async findNode({ node, enr, distances }) {
    const records = await nodes[node].sendFindNode(ENR.decodeTxt(enr), distances);
    return { enrs: records.map((r) => r.encodeTxt()) };
  },
  async talk({ node, enr, protocol, payload }) {
    const response = await nodes[node].sendTalkReq(ENR.decodeTxt(enr), fromHex(payload), protocol);
    return { payload: hex(response) };
  },
  // chainsafe 11.0.0's lookup result is not the closest nodes: Lookup.closestPeersByDistance sorts with
  // (a, b) => (b - a ? -1 : 1), which V8 turns into "newest inserted first", and its finish counter never counts, so a
  // lookup walks every node it hears of and returns the 16 that answered last. So this command reports both its result
  // (enrs) and every verified record the walk received in NODES replies (met): "the lookup found X" means X is in met.
  async lookup({ node, target }) {
    const met = new Map();
    const onDiscovered = (enr) => met.set(enr.nodeId, enr);
    nodes[node].on("discovered", onDiscovered);
    try {
      const records = await nodes[node].findNode(target.replace(/^0x/, ""));
      return { enrs: records.map((r) => r.encodeTxt()), met: [...met.values()].map((r) => r.encodeTxt()) };
    } finally {
      nodes[node].off("discovered", onDiscovered);
    }
  },
  // Shows chainsafe's lookup ordering on its own: seeds in the given order, result order of closestPeersByDistance.
  async lookupOrder({ target, seeds }) {
    const lookup = new Lookup({ lookupNumResults: 16, lookupParallelism: 3, lookupTimeout: 1000, lookupRequestLimit: 3 },
      target.replace(/^0x/, ""), seeds.map((s) => s.replace(/^0x/, "")));
    return { order: lookup.closestPeersByDistance().map((p) => p.nodeId) };
  },
  async table({ node }) {
    return { enrs: nodes[node].kadValues().map((r) => r.encodeTxt()) };
  },
  async findEnr({ node, nodeId }) {
    const record = nodes[node].findEnr(nodeId.replace(/^0x/, ""));
    return { enr: record ? record.encodeTxt() : null };
  },
  async setEnr({ node, key, value }) {
    nodes[node].enr.set(key, fromHex(value));
    return { enr: nodes[node].enr.encodeTxt() };
  },
  async stop() {
    await Promise.all(nodes.map((n) => n.stop()));
    setTimeout(() => process.exit(0), 10);
    return {};
  },
};

const lines = createInterface({ input: process.stdin });
lines.on("line", async (line) => {
  let request;
  try {
    request = JSON.parse(line);
    const handler = commands[request.cmd];
    if (!handler) throw new Error(`unknown command ${request.cmd}`);
    const result = await handler(request);
    process.stdout.write(JSON.stringify({ id: request.id, ok: true, ...result }) + "\n");
  } catch (error) {
    process.stdout.write(JSON.stringify({ id: request?.id, ok: false, error: String(error?.message ?? error) }) + "\n");
  }
});
lines.on("close", () => process.exit(0));
process.stdout.write(JSON.stringify({ ready: true }) + "\n");
