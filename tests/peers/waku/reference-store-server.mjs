// A reference Store v3 server built from js-libp2p (WebSocket, Noise, mplex, identify) and @waku/proto, serving a fixed,
// generated message set. Written only from the spec; its transport is js-libp2p's, not ours.
// usage: node reference-store-server.mjs <message count> <mode: honest|reorder|badhash|outofrange>
// Prints one JSON line {address, pubsubTopic, contentTopic, hashes:[hex in store order], timestamps:[...]} and serves
// until stdin closes.
import { createLibp2p } from "libp2p";
import { webSockets } from "@libp2p/websockets";
import { all as allAddresses } from "@libp2p/websockets/filters";
import { noise } from "@chainsafe/libp2p-noise";
import { mplex } from "@libp2p/mplex";
import { identify } from "@libp2p/identify";
import { proto_store } from "@waku/proto";
import { messageHash } from "@waku/core";
import * as lp from "it-length-prefixed";

const count = Number(process.argv[2] ?? 250);
const mode = process.argv[3] ?? "honest";
const pubsubTopic = "/waku/2/rs/1/3";
const contentTopic = "/tcr/1/reference/proto";
const base = 1_750_000_000_000_000_000n;

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const compare = (a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : Buffer.compare(a.hash, b.hash));

// Timestamps repeat in fours so a cursor has to break ties by hash.
const entries = [];
for (let i = 0; i < count; i++) {
  const message = {
    payload: new TextEncoder().encode(`reference-${i}`),
    contentTopic: i % 5 === 4 ? "/tcr/1/other/proto" : contentTopic,
    version: 0,
    timestamp: base + BigInt(Math.floor(i / 4)) * 1_000_000n,
    meta: i % 3 === 0 ? new Uint8Array([i & 0xff]) : undefined,
    ephemeral: false,
    rateLimitProof: undefined,
  };
  entries.push({ message, timestamp: message.timestamp, hash: Buffer.from(messageHash(pubsubTopic, message)) });
}
entries.sort(compare);

function answer(request) {
  const response = { requestId: request.requestId, statusCode: 200, statusDesc: "OK", messages: [], paginationCursor: undefined };
  const hashes = new Set((request.messageHashes ?? []).map(hex));
  let matching = entries.filter((e) =>
    (hashes.size === 0 || hashes.has(hex(e.hash))) &&
    (!request.pubsubTopic || request.pubsubTopic === pubsubTopic) &&
    (!request.contentTopics?.length || request.contentTopics.includes(e.message.contentTopic)) &&
    (request.timeStart === undefined || e.timestamp >= request.timeStart) &&
    (request.timeEnd === undefined || e.timestamp < request.timeEnd));
  const limit = Math.min(Number(request.paginationLimit ?? 20n) || 20, 100);
  if (!request.paginationForward) matching = matching.reverse();
  if (request.paginationCursor) {
    const at = matching.findIndex((e) => Buffer.compare(e.hash, Buffer.from(request.paginationCursor)) === 0);
    if (at < 0) return { ...response, statusCode: 400, statusDesc: "cursor not found" };
    matching = matching.slice(at + 1);
  }
  let page = matching.slice(0, limit);
  if (matching.length > limit) response.paginationCursor = page[page.length - 1].hash;
  if (!request.paginationForward) page = page.reverse();
  response.messages = page.map((e) => ({
    messageHash: e.hash,
    message: request.includeData ? e.message : undefined,
    pubsubTopic: request.includeData ? pubsubTopic : undefined,
  }));
  if (mode === "reorder" && response.messages.length > 1) {
    [response.messages[0], response.messages[1]] = [response.messages[1], response.messages[0]];
  }
  if (mode === "badhash" && response.messages.length > 0) {
    const bad = Buffer.from(response.messages[0].messageHash);
    bad[0] ^= 1;
    response.messages[0].messageHash = bad;
  }
  if (mode === "outofrange" && response.messages.length > 0 && request.timeStart !== undefined) {
    const early = entries.find((e) => e.timestamp < request.timeStart);
    if (early) response.messages[0] = { messageHash: early.hash, message: early.message, pubsubTopic };
  }
  return response;
}

const node = await createLibp2p({
  addresses: { listen: ["/ip4/127.0.0.1/tcp/0/ws"] },
  transports: [webSockets({ filter: allAddresses })],
  connectionEncrypters: [noise()],
  streamMuxers: [mplex()],
  services: { identify: identify() },
});
await node.handle("/vac/waku/store-query/3.0.0", async ({ stream }) => {
  try {
    const source = lp.decode(stream.source, { maxDataLength: 64 * 1024 });
    const first = await source.next();
    if (first.done) return stream.close();
    const request = proto_store.StoreQueryRequest.decode(first.value.subarray());
    const bytes = proto_store.StoreQueryResponse.encode(answer(request));
    await stream.sink(lp.encode([bytes]));
  } catch (error) {
    process.stderr.write(`store handler: ${error}\n`);
    stream.abort(error);
  }
});

const address = node.getMultiaddrs()[0].toString();
const served = entries.filter((e) => e.message.contentTopic === contentTopic);
process.stdout.write(JSON.stringify({
  address,
  pubsubTopic,
  contentTopic,
  hashes: served.map((e) => hex(e.hash)),
  timestamps: served.map((e) => e.timestamp.toString()),
}) + "\n");
process.stdin.resume();
process.stdin.on("end", async () => { await node.stop(); process.exit(0); });
process.stdin.on("close", async () => { await node.stop(); process.exit(0); });
