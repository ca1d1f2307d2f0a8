// A js-libp2p peer that TcrToolkit.Libp2p's interop tests and benchmarks drive.
// Usage: node peer.mjs --transport tcp|ws --muxer yamux|mplex [--key <hex PrivateKey protobuf>]
// Prints one JSON line {"peerId", "addrs"} when listening, then answers JSON-line commands on stdin with one JSON
// line each on stdout. It handles /test/echo/1.0.0 (echo until the remote closes) and /test/sink/1.0.0 (read all,
// answer the byte count as 8 bytes), besides identify and ping.
import { createLibp2p } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { mplex } from '@libp2p/mplex'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import * as filters from '@libp2p/websockets/filters'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { generateKeyPair, privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]])
  return pairs
}, []))
const transport = args.transport ?? 'tcp'
const muxer = args.muxer ?? 'yamux'
const privateKey = args.key != null
  ? privateKeyFromProtobuf(Buffer.from(args.key, 'hex'))
  : await generateKeyPair(args['key-type'] === 'secp256k1' ? 'secp256k1' : 'Ed25519')

const streamLimits = { maxInboundStreams: 4096, maxOutboundStreams: 4096 }
const node = await createLibp2p({
  privateKey,
  addresses: { listen: [transport === 'ws' ? '/ip4/127.0.0.1/tcp/0/ws' : '/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp(), webSockets({ filter: filters.all })],
  connectionEncrypters: [noise()],
  streamMuxers: [muxer === 'mplex' ? mplex({ maxInboundStreams: 4096, maxOutboundStreams: 4096 }) : yamux({ maxInboundStreams: 4096, maxOutboundStreams: 4096 })],
  services: { identify: identify({ agentVersion: 'js-libp2p-interop-peer' }), ping: ping() },
  connectionManager: { maxConnections: 1000, inboundConnectionThreshold: 1000, maxIncomingPendingConnections: 1000 }
})

await node.handle('/test/echo/1.0.0', async ({ stream }) => {
  try { await stream.sink(stream.source) } catch (err) { stream.abort(err) }
}, streamLimits)

await node.handle('/test/sink/1.0.0', async ({ stream }) => {
  let total = 0
  try {
    for await (const chunk of stream.source) total += chunk.byteLength
    const answer = Buffer.alloc(8)
    answer.writeBigUInt64BE(BigInt(total))
    await stream.sink([answer])
  } catch (err) { stream.abort(err) }
}, streamLimits)

const write = (value) => process.stdout.write(JSON.stringify(value) + '\n')
write({ peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })

const concat = (chunks) => Buffer.concat(chunks.map((c) => Buffer.from(c.subarray())))

async function echoOnce (connection, size) {
  const payload = randomBytes(size)
  const stream = await connection.newStream('/test/echo/1.0.0', { maxOutboundStreams: 4096 })
  const chunks = []
  await Promise.all([
    (async () => {
      const parts = []
      for (let i = 0; i < payload.length; i += 65536) parts.push(payload.subarray(i, i + 65536))
      await stream.sink(parts)
    })(),
    (async () => { for await (const chunk of stream.source) chunks.push(chunk) })()
  ])
  const echoed = concat(chunks)
  if (!echoed.equals(payload)) throw new Error(`echo of ${size} bytes came back as ${echoed.length} different bytes`)
}

const commands = {
  // Dials and waits for the identify exchange js-libp2p runs on every new connection.
  async dial ({ addr }) {
    const identified = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no identify result within 10 s')), 10000)
      node.addEventListener('peer:identify', (event) => { clearTimeout(timer); resolve(event.detail) }, { once: true })
    })
    const connection = await node.dial(multiaddr(addr))
    const info = await identified
    return { peerId: connection.remotePeer.toString(), agentVersion: info.agentVersion, protocolVersion: info.protocolVersion, protocols: info.protocols, muxer: connection.multiplexer, listenAddrs: info.listenAddrs.map(String) }
  },
  async ping ({ addr }) {
    const rtt = await node.services.ping.ping(multiaddr(addr))
    return { rtt }
  },
  async echo ({ addr, streams, size, bigSize }) {
    const connection = await node.dial(multiaddr(addr))
    const started = performance.now()
    const jobs = []
    for (let i = 0; i < streams; i++) jobs.push(echoOnce(connection, i === 0 && bigSize ? bigSize : size))
    await Promise.all(jobs)
    return { ms: performance.now() - started }
  },
  // Sends `bytes` on one stream to the remote's sink protocol and returns the time until its count came back.
  async throughput ({ addr, bytes, protocol }) {
    const connection = await node.dial(multiaddr(addr))
    const stream = await connection.newStream(protocol ?? '/test/sink/1.0.0')
    const chunk = randomBytes(65536)
    const started = performance.now()
    await stream.sink((function * () { for (let sent = 0; sent < bytes; sent += chunk.length) yield chunk })())
    const answer = []
    for await (const part of stream.source) answer.push(part)
    const ms = performance.now() - started
    const total = Number(concat(answer).readBigUInt64BE(0))
    return { ms, total }
  },
  // Opens `count` streams, `concurrency` at a time, each a 1-byte echo round trip.
  async streams ({ addr, count, concurrency }) {
    const connection = await node.dial(multiaddr(addr))
    const started = performance.now()
    let next = 0
    const worker = async () => { while (next++ < count) await echoOnce(connection, 1) }
    await Promise.all(Array.from({ length: concurrency }, worker))
    return { ms: performance.now() - started }
  },
  // Opens `count` echo streams at once and holds them open, then checks each still echoes.
  async hold ({ addr, count }) {
    const connection = await node.dial(multiaddr(addr))
    const started = performance.now()
    const streams = await Promise.all(Array.from({ length: count }, () => connection.newStream('/test/echo/1.0.0', { maxOutboundStreams: 8192 })))
    const opened = performance.now() - started
    await Promise.all(streams.map(async (stream) => {
      const payload = randomBytes(16)
      const iterator = stream.source[Symbol.asyncIterator]()
      await stream.sink([payload])
      const chunks = []
      let size = 0
      while (size < payload.length) { const { value, done } = await iterator.next(); if (done) break; chunks.push(value); size += value.byteLength }
      if (!concat(chunks).equals(payload)) throw new Error('held stream echoed other bytes')
    }))
    return { ms: opened, open: streams.length }
  },
  async stop () {
    await node.stop()
    setTimeout(() => process.exit(0), 50)
    return {}
  }
}

const lines = createInterface({ input: process.stdin })
lines.on('line', async (line) => {
  let request
  try { request = JSON.parse(line) } catch { return }
  try {
    write({ id: request.id, ok: true, ...(await commands[request.cmd](request)) })
  } catch (err) {
    write({ id: request.id, ok: false, error: String(err?.message ?? err), name: err?.name })
  }
})
lines.on('close', async () => { await node.stop(); process.exit(0) })
