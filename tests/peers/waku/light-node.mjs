// A js-waku light node (@waku/sdk 0.0.36) that dials a store node, pushes messages with LightPush and reads them back
// with Store: paging both ways, a time range, a topic filter and a hash lookup. Prints one JSON object on stdout.
// usage: node light-node.mjs <multiaddr of the store node> <pushes per topic> <page size>
import { createLightNode, Protocols } from "@waku/sdk";
import { multiaddr } from "@multiformats/multiaddr";

const [address, perTopicText, pageSizeText] = process.argv.slice(2);
const perTopic = Number(perTopicText ?? 12);
const pageSize = Number(pageSizeText ?? 5);
const topicA = "/tcr/1/interop-a/proto";
const topicB = "/tcr/1/interop-b/proto";

const node = await createLightNode({
  networkConfig: { clusterId: 1, numShardsInCluster: 8 },
  defaultBootstrap: false,
  libp2p: { filterMultiaddrs: false, hideWebSocketInfo: true },
});
await node.start();
const result = { pushed: [], failures: [] };
try {
  await node.dial(multiaddr(address));
  await node.waitForPeers([Protocols.LightPush, Protocols.Store], 20_000);
  const peerId = node.libp2p.getConnections()[0].remotePeer;
  const encoders = { a: node.createEncoder({ contentTopic: topicA }), b: node.createEncoder({ contentTopic: topicB }) };
  const decoders = { a: node.createDecoder({ contentTopic: topicA }), b: node.createDecoder({ contentTopic: topicB }) };
  result.pubsubTopic = encoders.a.pubsubTopic;
  result.pubsubTopicB = encoders.b.pubsubTopic;

  for (let i = 0; i < perTopic; i++) {
    for (const key of ["a", "b"]) {
      const payload = `${key}-${i}`;
      const sent = await node.lightPush.send(encoders[key], { payload: new TextEncoder().encode(payload) });
      if (sent.successes.length === 1) result.pushed.push(payload);
      else result.failures.push({ payload, failures: sent.failures.map((f) => String(f.error)) });
    }
  }

  const collect = async (decoderList, options) => {
    const pages = [];
    for await (const page of node.store.queryGenerator(decoderList, { peerId, paginationLimit: pageSize, ...options })) {
      const messages = (await Promise.all(page)).filter(Boolean);
      if (messages.length) pages.push(messages);
    }
    return pages;
  };
  const text = (m) => new TextDecoder().decode(m.payload);

  const forwardPages = await collect([decoders.a], { paginationForward: true });
  result.forwardPages = forwardPages.map((p) => p.map(text));
  const backwardPages = await collect([decoders.a], { paginationForward: false });
  result.backwardPages = backwardPages.map((p) => p.map(text));
  result.topicB = (await collect([decoders.b], { paginationForward: true })).flat().map(text);

  const all = forwardPages.flat();
  const start = all[2].timestamp;
  const end = all[Math.min(all.length - 1, 7)].timestamp;
  // js-waku puts the bounds on the wire as BigInt(ms * 1e6) computed in float64 (@waku/core store/rpc.js), which can
  // round a bound by up to 128 ns away from the message's own timestamp: report the exact nanoseconds it sends.
  const wire = (date) => String(BigInt(date.getTime() * 1_000_000));
  result.timeRange = { start: start.getTime(), end: end.getTime(), startNs: wire(start), endNs: wire(end) };
  result.inRange = (await collect([decoders.a], { paginationForward: true, timeStart: start, timeEnd: end })).flat().map(text);

  const wanted = [all[1], all[4]];
  result.lookupWanted = wanted.map((m) => ({ payload: text(m), hash: m.hashStr }));
  result.lookup = (await collect([decoders.a], { messageHashes: wanted.map((m) => m.hash) })).flat().map(text);
} catch (error) {
  result.error = String(error?.stack ?? error);
} finally {
  await node.stop();
}
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(0);
