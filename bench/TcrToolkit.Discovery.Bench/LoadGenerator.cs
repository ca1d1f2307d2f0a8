using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery.Bench;

/// <summary>
/// One load generator for both servers: workers with their own identity and socket drive (a) full handshakes carrying
/// a PING and (b) FINDNODE [0] over an established session, and count answers.
/// </summary>
internal sealed class LoadGenerator(Enr server, int workers)
{
    public async Task<long> HandshakePingsAsync(TimeSpan duration)
    {
        var deadline = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            using var worker = new Worker(server);
            long done = 0;
            while (deadline.Elapsed < duration)
            {
                if (await worker.HandshakeAsync(new PingMessage(worker.NextId(), 1)) is PongMessage)
                {
                    done++;
                }
            }

            return done;
        })).ToArray();
        return (await Task.WhenAll(tasks)).Sum();
    }

    public async Task<long> FindNodesAsync(TimeSpan duration)
    {
        var deadline = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            using var worker = new Worker(server);
            while (await worker.HandshakeAsync(new PingMessage(worker.NextId(), 1)) is not PongMessage)
            {
            }

            long done = 0;
            while (deadline.Elapsed < duration)
            {
                worker.Send(new FindNodeMessage(worker.NextId(), [0]), null);
                if (await worker.ReceiveAsync() is NodesMessage)
                {
                    done++;
                }
            }

            return done;
        })).ToArray();
        return (await Task.WhenAll(tasks)).Sum();
    }

    private sealed class Worker : IDisposable
    {
        private readonly Enr _server;
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly PrivateKey _key = PrivateKey.Generate();
        private readonly System.Security.Cryptography.Aes _masking;
        private readonly Enr _record;
        private readonly byte[] _buffer = new byte[1500];
        private byte[]? _write;
        private byte[]? _read;
        private ulong _id;

        public Worker(Enr server)
        {
            _server = server;
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var local = (IPEndPoint)_socket.LocalEndPoint!;
            _record = new EnrBuilder().SetIp(local.Address).SetUdp(local.Port).Build(_key);
            _masking = V4Crypto.CreateAes(_key.PublicKey.NodeId.AsSpan());
        }

        public byte[] NextId() => BitConverter.GetBytes(++_id);

        public async Task<object?> HandshakeAsync(DiscoveryMessage message)
        {
            _write = null;
            Send(message, null);
            var challenge = await ReceiveAsync();
            if (challenge is not DecodedPacket { Flag: PacketFlag.WhoAreYou } whoareyou)
            {
                return null;
            }

            Send(message, whoareyou);
            return await ReceiveAsync();
        }

        public void Send(DiscoveryMessage message, DecodedPacket? challenge)
        {
            var nonce = RandomNumberGenerator.GetBytes(12);
            var iv = RandomNumberGenerator.GetBytes(16);
            var id = _key.PublicKey.NodeId;
            byte[] packet;
            if (challenge is not null)
            {
                using var ephemeral = PrivateKey.Generate();
                var ephemeralPublic = ephemeral.PublicKey.ToCompressedBytes();
                var keys = HandshakeCrypto.DeriveKeys(V4Crypto.Ecdh(_server.PublicKey, ephemeral), challenge.AuthenticatedData, id.AsSpan(), _server.NodeId.AsSpan());
                var signature = HandshakeCrypto.SignIdProof(_key, challenge.AuthenticatedData, ephemeralPublic, _server.NodeId.AsSpan());
                (_write, _read) = keys;
                packet = PacketCodec.Encode(PacketFlag.Handshake, _server.NodeId.AsSpan(), iv, nonce,
                    PacketCodec.HandshakeAuthData(id.AsSpan(), signature, ephemeralPublic, challenge.EnrSeq < _record.Sequence ? _record.Encoded : []),
                    _write, MessageCodec.Encode(message), PacketCodec.DefaultProtocolId, out _);
            }
            else
            {
                packet = PacketCodec.Encode(PacketFlag.Message, _server.NodeId.AsSpan(), iv, nonce, id.AsSpan(),
                    _write ?? RandomNumberGenerator.GetBytes(16), MessageCodec.Encode(message), PacketCodec.DefaultProtocolId, out _);
            }

            _socket.SendTo(packet, _server.UdpEndPoint!);
        }

        public async Task<object?> ReceiveAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                var n = await _socket.ReceiveAsync(_buffer, SocketFlags.None, timeout.Token);
                if (!PacketCodec.TryDecode(_buffer.AsSpan(0, n), _masking, PacketCodec.DefaultProtocolId, out var packet, out _))
                {
                    return null;
                }

                if (packet!.Flag == PacketFlag.WhoAreYou)
                {
                    return packet;
                }

                return _read is not null && PacketCodec.TryDecryptMessage(packet, _read, out var plaintext)
                    && MessageCodec.TryDecode(plaintext, out var message, out _) ? message : null;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        public void Dispose()
        {
            _socket.Dispose();
            _masking.Dispose();
            _key.Dispose();
        }
    }
}

/// <summary>CPU time of a process from /proc (Linux), in seconds.</summary>
internal static class ProcessCpu
{
    public static double Seconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[11] = utime, fields[12] = stime (clock ticks, 100 per second on Linux)
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }
}
