// Times js-waku's store client (@waku/sdk 0.0.36) paging every message of one content topic from a store node.
// usage: node store-bench.mjs <multiaddr> <pubsub topic is derived from> <content topic> <page size>
// Prints {count, ms} as JSON.
import { createLightNode, Protocols } from "@waku/sdk";
import { multiaddr } from "@multiformats/multiaddr";

const [address, contentTopic, pageSizeText] = process.argv.slice(2);
const node = await createLightNode({
  networkConfig: { clusterId: 1, numShardsInCluster: 8 },
  defaultBootstrap: false,
  libp2p: { filterMultiaddrs: false, hideWebSocketInfo: true },
});
await node.start();
await node.dial(multiaddr(address));
await node.waitForPeers([Protocols.Store], 20_000);
const peerId = node.libp2p.getConnections()[0].remotePeer;
const decoder = node.createDecoder({ contentTopic });
let count = 0;
const started = performance.now();
for await (const page of node.store.queryGenerator([decoder], { peerId, paginationLimit: Number(pageSizeText), paginationForward: true })) {
  for (const message of await Promise.all(page)) if (message) count++;
}
const ms = performance.now() - started;
await node.stop();
process.stdout.write(JSON.stringify({ count, ms, pubsubTopic: decoder.pubsubTopic }) + "\n");
process.exit(0);
