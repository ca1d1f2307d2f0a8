using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery;

/// <summary>
/// A Node Discovery v5.1 node: one UDP socket, one service loop that owns every session, challenge, pending request
/// and the routing table, and an API that posts work to that loop. Start it with <see cref="StartAsync"/>, stop it with
/// <see cref="DisposeAsync"/>.
/// </summary>
public sealed class Discv5Node : IAsyncDisposable
{
    private const int MaxRecordBytesPerNodes = 1000;
    private const int FindNodeResultLimit = 16;
    private const int NodesTotalLimit = 5;
    private const int MaxChallenges = 10_000;
    private const int MaxPendingDatagrams = 4096;

    private readonly Discv5Options _options;
    private readonly PrivateKey _key;
    private readonly TimeProvider _time;
    private readonly byte[] _protocolId;
    private readonly Aes _localMasking;
    private readonly UdpTransport _transport;
    private readonly Channel<Action> _work = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly RoutingTable _table;
    private readonly SessionStore _sessions;
    private readonly Dictionary<SessionKey, Challenge> _challenges = [];
    private readonly Dictionary<SessionKey, HandshakeAttempt> _attempts = [];
    private readonly Dictionary<UInt128, PendingRequest> _requestsByNonce = [];
    private readonly Dictionary<ulong, PendingRequest> _pending = [];
    private readonly Dictionary<IPAddress, TokenBucket> _ipLimits = [];
    private readonly Dictionary<Bytes32, TokenBucket> _nodeLimits = [];
    private readonly Dictionary<IPEndPoint, HashSet<Bytes32>> _endpointVotes = [];
    private readonly ConcurrentDictionary<string, TalkHandler> _talkHandlers = new(StringComparer.Ordinal);
    private readonly Random _random = new();
    private readonly ITimer? _livenessTimer;
    private readonly ITimer? _refreshTimer;
    private Task _loop = Task.CompletedTask;
    private Task _receive = Task.CompletedTask;
    private int _pendingDatagrams;
    private volatile Enr _localRecord;
    private int _disposed;

    private Discv5Node(Discv5Options options, UdpTransport transport, Enr record)
    {
        _options = options;
        _key = options.PrivateKey!;
        _time = options.TimeProvider;
        _protocolId = options.ProtocolIdBytes;
        _transport = transport;
        _localRecord = record;
        NodeId = record.NodeId;
        _localMasking = V4Crypto.CreateAes(NodeId.AsSpan());
        _table = new RoutingTable(NodeId);
        _sessions = new SessionStore(options.SessionCapacity);
        if (options.LivenessCheckInterval != Timeout.InfiniteTimeSpan)
        {
            _livenessTimer = _time.CreateTimer(_ => Post(CheckLiveness), null, options.LivenessCheckInterval, options.LivenessCheckInterval);
        }

        if (options.RefreshInterval != Timeout.InfiniteTimeSpan)
        {
            _refreshTimer = _time.CreateTimer(_ => _ = RefreshAsync(), null, options.RefreshInterval, options.RefreshInterval);
        }
    }

    /// <summary>The node id (keccak256 of the public key).</summary>
    public Bytes32 NodeId { get; }

    /// <summary>The node's current record.</summary>
    public Enr LocalEnr => _localRecord;

    /// <summary>The bound UDP endpoint.</summary>
    public IPEndPoint LocalEndPoint => _transport.LocalEndPoint;

    internal NodeCounters Counters { get; } = new();

    /// <summary>
    /// Binds the socket, builds the record (ip and udp of the bound or advertised endpoint plus
    /// <see cref="Discv5Options.ConfigureRecord"/>), starts the loop and pings the bootnodes.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The endpoint cannot be bound.</exception>
    public static async Task<Discv5Node> StartAsync(Discv5Options options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var transport = new UdpTransport(options.BindEndPoint);
        try
        {
            var builder = new EnrBuilder { Sequence = options.PreviousSequence + 1 };
            var address = options.AdvertisedAddress
                ?? (transport.LocalEndPoint.Address.Equals(IPAddress.Any) || transport.LocalEndPoint.Address.Equals(IPAddress.IPv6Any)
                    ? null : transport.LocalEndPoint.Address);
            if (address is not null)
            {
                builder.SetIp(address);
                builder.SetUdp(transport.LocalEndPoint.Port, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6);
            }

            options.ConfigureRecord?.Invoke(builder);
            var node = new Discv5Node(options, transport, builder.Build(options.PrivateKey!));
            node._loop = Task.Run(node.RunLoopAsync, CancellationToken.None);
            node._receive = Task.Run(node.ReceiveLoopAsync, CancellationToken.None);
            foreach (var boot in options.Bootnodes)
            {
                _ = node.PingQuietlyAsync(boot, CancellationToken.None);
            }

            await Task.Yield();
            return node;
        }
        catch
        {
            transport.Dispose();
            throw;
        }
    }

    /// <summary>Registers the handler for TALKREQs of <paramref name="protocol"/>; unknown protocols get an empty TALKRESP.</summary>
    public void RegisterTalkHandler(string protocol, TalkHandler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        ArgumentNullException.ThrowIfNull(handler);
        _talkHandlers[protocol] = handler;
    }

    /// <summary>Adds a record as a contact for lookups (it enters the table once it answers).</summary>
    public Task<bool> AddNodeAsync(Enr record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return PingQuietlyAsync(record, cancellationToken);
    }

    /// <summary>Pings a node (handshaking first when there is no session).</summary>
    /// <exception cref="DiscoveryTimeoutException">No PONG in time.</exception>
    public async Task<PongResult> PingAsync(Enr node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        var pong = (PongMessage)await RequestAsync(node, id => new PingMessage(id, _localRecord.Sequence), cancellationToken).ConfigureAwait(false);
        return new PongResult(pong.EnrSeq, new IPEndPoint(pong.RecipientIp, pong.RecipientPort));
    }

    /// <summary>Asks a node for the records at the given log distances (0 = its own record); each record is verified.</summary>
    /// <exception cref="DiscoveryTimeoutException">No complete answer in time.</exception>
    public async Task<IReadOnlyList<Enr>> FindNodeAsync(Enr node, IReadOnlyList<int> distances, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(distances);
        if (distances.Count == 0 || distances.Any(d => d is < 0 or > 256))
        {
            throw new ArgumentException("Distances are 0 to 256, at least one.", nameof(distances));
        }

        var result = await RequestAsync(node, id => new FindNodeMessage(id, [.. distances]), cancellationToken).ConfigureAwait(false);
        return ((NodesResult)result).Records;
    }

    /// <summary>Sends a TALKREQ and returns the TALKRESP payload (empty when the peer does not serve the protocol).</summary>
    /// <exception cref="DiscoveryTimeoutException">No TALKRESP in time.</exception>
    public async Task<byte[]> TalkAsync(Enr node, string protocol, byte[] request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(request);
        var protocolBytes = System.Text.Encoding.UTF8.GetBytes(protocol);
        var result = await RequestAsync(node, id => new TalkRequestMessage(id, protocolBytes, request), cancellationToken).ConfigureAwait(false);
        return ((TalkResponseMessage)result).Response;
    }

    /// <summary>An iterative lookup (α = 3): the up to 16 live records closest to <paramref name="target"/>.</summary>
    public async Task<IReadOnlyList<Enr>> LookupAsync(Bytes32 target, CancellationToken cancellationToken = default)
    {
        var lookup = await RunLookupAsync(target, null, null, cancellationToken).ConfigureAwait(false);
        return lookup.Result;
    }

    /// <summary>
    /// Finds the newest record of <paramref name="nodeId"/>: a lookup toward it (tried twice), then FINDNODE [0] to the
    /// node itself. Null when the network does not know the node.
    /// </summary>
    public async Task<Enr?> ResolveAsync(Bytes32 nodeId, CancellationToken cancellationToken = default)
    {
        var known = await OnLoopAsync(() => KnownRecord(nodeId), cancellationToken).ConfigureAwait(false);
        // A lookup is probabilistic (timeouts, full buckets); the first one also refreshes the table, so a second try
        // starts from closer nodes.
        for (var attempt = 0; known is null && attempt < 2; attempt++)
        {
            var lookup = await RunLookupAsync(nodeId, r => r.NodeId == nodeId, null, cancellationToken).ConfigureAwait(false);
            known = lookup.Seen(nodeId);
        }

        if (known is null)
        {
            return null;
        }

        try
        {
            var own = await FindNodeAsync(known, [0], cancellationToken).ConfigureAwait(false);
            var newest = own.Where(r => r.NodeId == nodeId).MaxBy(r => r.Sequence);
            return newest is not null && newest.Sequence > known.Sequence ? newest : known;
        }
        catch (DiscoveryTimeoutException)
        {
            return known;
        }
    }

    /// <summary>
    /// Random walks: lookups of random targets, one after another, yielding each verified record the first time it is
    /// met (and again when a newer sequence number shows up) until cancelled.
    /// </summary>
    public async IAsyncEnumerable<Enr> RandomWalkAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var yielded = new Dictionary<Bytes32, ulong>();
        var found = Channel.CreateUnbounded<Enr>();
        var walker = Task.Run(async () =>
        {
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var target = new Bytes32(RandomNumberGenerator.GetBytes(32));
                    var before = found.Reader.Count;
                    await RunLookupAsync(target, null, r => found.Writer.TryWrite(r), cancellationToken).ConfigureAwait(false);
                    if (found.Reader.Count == before)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                found.Writer.TryComplete();
            }
        }, CancellationToken.None);

        await foreach (var record in found.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (record.NodeId == NodeId || (yielded.TryGetValue(record.NodeId, out var seq) && seq >= record.Sequence))
            {
                continue;
            }

            yielded[record.NodeId] = record.Sequence;
            yield return record;
        }

        await walker.ConfigureAwait(false);
    }

    /// <summary>
    /// Changes the local record (sequence number + 1) and pings the table's nodes so they refetch it with FINDNODE [0].
    /// </summary>
    public async Task<Enr> UpdateLocalEnrAsync(Action<EnrBuilder> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var (record, peers) = await OnLoopAsync(() =>
        {
            var builder = EnrBuilder.From(_localRecord);
            change(builder);
            _localRecord = builder.Build(_key);
            return (_localRecord, _table.All().ToList());
        }, cancellationToken).ConfigureAwait(false);
        foreach (var peer in peers)
        {
            _ = PingQuietlyAsync(peer, cancellationToken);
        }

        return record;
    }

    /// <summary>The records in the routing table (verified nodes that answered).</summary>
    public Task<IReadOnlyList<Enr>> GetTableAsync(CancellationToken cancellationToken = default) =>
        OnLoopAsync<IReadOnlyList<Enr>>(() => [.. _table.All()], cancellationToken);

    /// <summary>Stops the loop, fails outstanding requests and closes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _livenessTimer?.Dispose();
        _refreshTimer?.Dispose();
        await _stopping.CancelAsync().ConfigureAwait(false);
        _transport.Dispose();
        _work.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_loop, _receive).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var request in _pending.Values.Concat(_attempts.Values.SelectMany(a => a.Queued)).Distinct())
        {
            request.Completion.TrySetException(new ObjectDisposedException(nameof(Discv5Node)));
            request.Timer?.Dispose();
        }

        _sessions.Clear();
        _localMasking.Dispose();
        _stopping.Dispose();
    }

    // ---------------------------------------------------------------- loop plumbing

    private void Post(Action action)
    {
        if (!_work.Writer.TryWrite(action))
        {
            // The node is stopping; the action's awaiter (if any) is failed by DisposeAsync.
        }
    }

    private Task<T> OnLoopAsync<T>(Func<T> func, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                tcs.TrySetResult(func());
            }
            catch (Exception ex)
            {
                tcs.TrySetException(ex);
            }
        });
        return tcs.Task.WaitAsync(cancellationToken);
    }

    private async Task RunLoopAsync()
    {
        await foreach (var action in _work.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                action();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Nothing a peer sends may stop the loop: count and carry on.
                Counters.LoopFaults++;
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            var buffer = new byte[PacketCodec.MaxPacketSize + 1];
            var received = await _transport.ReceiveAsync(buffer, token).ConfigureAwait(false);
            if (received is not { } r)
            {
                return;
            }

            if (Interlocked.Increment(ref _pendingDatagrams) > MaxPendingDatagrams)
            {
                Interlocked.Decrement(ref _pendingDatagrams);
                Counters.DatagramsDropped++;
                continue;
            }

            Post(() =>
            {
                Interlocked.Decrement(ref _pendingDatagrams);
                HandleDatagram(buffer.AsSpan(0, r.Length), r.From);
            });
        }
    }

    // ---------------------------------------------------------------- requests (loop side)

    private async Task<object> RequestAsync(Enr node, Func<byte[], DiscoveryMessage> create, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (node.NodeId == NodeId)
        {
            throw new ArgumentException("A node does not send requests to itself.", nameof(node));
        }

        var endpoint = node.UdpEndPoint ?? throw new ArgumentException($"The record of {node.NodeId} has no UDP endpoint.", nameof(node));
        var request = new PendingRequest(node, new SessionKey(node.NodeId, endpoint));
        var id = RandomNumberGenerator.GetBytes(8);
        request.Id = BinaryPrimitives.ReadUInt64BigEndian(id);
        request.Message = create(id);
        Post(() => StartRequest(request));
        using var registration = cancellationToken.Register(() => Post(() => FailRequest(request, new OperationCanceledException(cancellationToken))));
        return await request.Completion.Task.ConfigureAwait(false);
    }

    private void StartRequest(PendingRequest request)
    {
        if (request.Completion.Task.IsCompleted)
        {
            return;
        }

        _pending[request.Id] = request;
        request.Timer = _time.CreateTimer(_ => Post(() => FailRequest(request, new DiscoveryTimeoutException(
            $"Node {request.Key.NodeId} at {request.Key.EndPoint} did not answer {request.Message.GetType().Name.Replace("Message", "", StringComparison.Ordinal).ToUpperInvariant()} within {_options.RequestTimeout.TotalMilliseconds} ms."))),
            null, _options.RequestTimeout, Timeout.InfiniteTimeSpan);

        var session = _sessions.Get(request.Key);
        if (session is not null)
        {
            SendOverSession(session, request);
            return;
        }

        if (_attempts.TryGetValue(request.Key, out var attempt))
        {
            attempt.Queued.Add(request);
            return;
        }

        // No session: send the request under a random key; the peer answers WHOAREYOU with our nonce.
        _attempts[request.Key] = new HandshakeAttempt(request);
        var nonce = NewNonce();
        var packet = PacketCodec.Encode(PacketFlag.Message, request.Key.NodeId.AsSpan(), RandomNumberGenerator.GetBytes(16), nonce,
            NodeId.AsSpan(), RandomNumberGenerator.GetBytes(16), MessageCodec.Encode(request.Message), _protocolId, out _);
        TrackNonce(request, nonce);
        _transport.Send(packet, request.Key.EndPoint);
    }

    private void SendOverSession(Session session, PendingRequest request)
    {
        var nonce = NewNonce();
        TrackNonce(request, nonce);
        Send(session, request.Message, nonce);
    }

    private void Send(Session session, DiscoveryMessage message, byte[]? nonce = null)
    {
        nonce ??= NewNonce();
        Span<byte> iv = stackalloc byte[PacketCodec.MaskingIvSize];
        RandomNumberGenerator.Fill(iv);
        var packet = PacketCodec.Encode(PacketFlag.Message, session.Key.NodeId.AsSpan(), iv, nonce,
            NodeId.AsSpan(), session.WriteKey, MessageCodec.Encode(message), _protocolId, out _, session.WriteCipher, session.Masking);
        _transport.Send(packet, session.Key.EndPoint);
    }

    private void TrackNonce(PendingRequest request, byte[] nonce)
    {
        if (request.Nonce is { } old)
        {
            _requestsByNonce.Remove(old);
        }

        request.Nonce = NonceKey(nonce);
        _requestsByNonce[request.Nonce.Value] = request;
    }

    private void FailRequest(PendingRequest request, Exception error)
    {
        if (!Complete(request))
        {
            return;
        }

        if (_attempts.TryGetValue(request.Key, out var attempt) && attempt.First == request)
        {
            _attempts.Remove(request.Key);
            foreach (var queued in attempt.Queued)
            {
                if (Complete(queued))
                {
                    queued.Completion.TrySetException(new DiscoveryTimeoutException($"The handshake with {request.Key.NodeId} at {request.Key.EndPoint} did not complete."));
                }
            }
        }

        request.Completion.TrySetException(error);
    }

    private bool Complete(PendingRequest request)
    {
        if (request.Done)
        {
            return false;
        }

        request.Done = true;
        request.Timer?.Dispose();
        _pending.Remove(request.Id);
        if (request.Nonce is { } nonce)
        {
            _requestsByNonce.Remove(nonce);
        }

        if (_attempts.TryGetValue(request.Key, out var attempt))
        {
            attempt.Queued.Remove(request);
        }

        return true;
    }

    // ---------------------------------------------------------------- receive path

    private void HandleDatagram(ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        Counters.PacketsReceived++;
        if (!Allow(_ipLimits, from.Address, _options.PacketsPerSecondPerIp))
        {
            Counters.RateLimited++;
            return;
        }

        if (!PacketCodec.TryDecode(datagram, _localMasking, _protocolId, out var packet, out _))
        {
            Counters.Malformed++;
            return;
        }

        switch (packet!.Flag)
        {
            case PacketFlag.Message:
                HandleMessagePacket(packet, from);
                break;
            case PacketFlag.WhoAreYou:
                HandleWhoAreYou(packet, from);
                break;
            case PacketFlag.Handshake:
                HandleHandshake(packet, from);
                break;
        }
    }

    private void HandleMessagePacket(DecodedPacket packet, IPEndPoint from)
    {
        var source = new Bytes32(packet.SourceId);
        if (source == NodeId)
        {
            return;
        }

        var key = new SessionKey(source, from);
        var session = _sessions.Get(key);
        byte[]? plaintext = null;
        if (session is not null && !session.TryDecrypt(packet, out plaintext))
        {
            session = session.Previous is { } previous && previous.TryDecrypt(packet, out plaintext) ? previous : null;
        }

        if (session is not null && plaintext is not null)
        {
            if (MessageCodec.TryDecode(plaintext, out var message, out _))
            {
                HandleMessage(session, message!, from);
            }
            else
            {
                Counters.Malformed++;
            }

            return;
        }

        SendWhoAreYou(key, packet.Nonce);
    }

    private void SendWhoAreYou(SessionKey key, byte[] nonce)
    {
        var now = _time.GetTimestamp();
        if (_challenges.TryGetValue(key, out var existing) && _time.GetElapsedTime(existing.CreatedAt) < _options.ChallengeLifetime)
        {
            // One handshake at a time per peer: repeat the challenge still in flight (as geth does).
            _transport.Send(existing.Packet, key.EndPoint);
            Counters.WhoAreYouSent++;
            return;
        }

        if (_challenges.Count >= MaxChallenges)
        {
            PurgeChallenges();
            if (_challenges.Count >= MaxChallenges)
            {
                return;
            }
        }

        var known = KnownRecord(key.NodeId);
        var packet = PacketCodec.Encode(PacketFlag.WhoAreYou, key.NodeId.AsSpan(), RandomNumberGenerator.GetBytes(16), nonce,
            PacketCodec.WhoAreYouAuthData(RandomNumberGenerator.GetBytes(16), known?.Sequence ?? 0), [], [], _protocolId, out var challengeData);
        _challenges[key] = new Challenge(challengeData, packet, known, now);
        _transport.Send(packet, key.EndPoint);
        Counters.WhoAreYouSent++;
    }

    private void PurgeChallenges()
    {
        foreach (var (key, challenge) in _challenges.ToList())
        {
            if (_time.GetElapsedTime(challenge.CreatedAt) >= _options.ChallengeLifetime)
            {
                _challenges.Remove(key);
            }
        }
    }

    private void HandleWhoAreYou(DecodedPacket packet, IPEndPoint from)
    {
        if (!_requestsByNonce.TryGetValue(NonceKey(packet.Nonce), out var request) || request.Done
            || !request.Key.EndPoint.Equals(from) || request.HandshakeAnswered)
        {
            Counters.UnsolicitedWhoAreYou++;
            return;
        }

        request.HandshakeAnswered = true;
        var target = request.Target;
        using var ephemeral = PrivateKey.Generate();
        var ephemeralPublic = ephemeral.PublicKey.ToCompressedBytes();
        var shared = V4Crypto.Ecdh(target.PublicKey, ephemeral);
        var (initiatorKey, recipientKey) = HandshakeCrypto.DeriveKeys(shared, packet.AuthenticatedData, NodeId.AsSpan(), target.NodeId.AsSpan());
        var signature = HandshakeCrypto.SignIdProof(_key, packet.AuthenticatedData, ephemeralPublic, target.NodeId.AsSpan());
        var record = packet.EnrSeq < _localRecord.Sequence ? _localRecord.Encoded : [];
        var nonce = NewNonce();
        var handshake = PacketCodec.Encode(PacketFlag.Handshake, target.NodeId.AsSpan(), RandomNumberGenerator.GetBytes(16), nonce,
            PacketCodec.HandshakeAuthData(NodeId.AsSpan(), signature, ephemeralPublic, record), initiatorKey,
            MessageCodec.Encode(request.Message), _protocolId, out _);
        var session = new Session(request.Key, initiatorKey, recipientKey, target);
        _sessions.Put(session);
        TrackNonce(request, nonce);
        _transport.Send(handshake, request.Key.EndPoint);
        Counters.HandshakesInitiated++;

        if (_attempts.Remove(request.Key, out var attempt))
        {
            foreach (var queued in attempt.Queued.ToList())
            {
                if (!queued.Done)
                {
                    SendOverSession(session, queued);
                }
            }
        }
    }

    private void HandleHandshake(DecodedPacket packet, IPEndPoint from)
    {
        var source = new Bytes32(packet.SourceId);
        var key = new SessionKey(source, from);
        if (!_challenges.Remove(key, out var challenge) || _time.GetElapsedTime(challenge.CreatedAt) >= _options.ChallengeLifetime)
        {
            Counters.UnsolicitedHandshake++;
            return;
        }

        if (packet.IdSignature.Length != V4Crypto.SignatureSize || packet.EphemeralPublicKey.Length != PublicKey.CompressedSize)
        {
            Counters.HandshakeFailures++;
            return;
        }

        var record = challenge.KnownRecord;
        if (packet.Record.Length > 0)
        {
            if (!Enr.TryDecode(packet.Record, out var sent, out _) || sent.NodeId != source)
            {
                Counters.HandshakeFailures++;
                return;
            }

            if (record is null || sent.Sequence > record.Sequence)
            {
                record = sent;
            }
        }

        if (record is null || record.NodeId != source
            || !HandshakeCrypto.VerifyIdProof(record.PublicKey, packet.IdSignature, challenge.Data, packet.EphemeralPublicKey, NodeId.AsSpan()))
        {
            Counters.HandshakeFailures++;
            return;
        }

        PublicKey ephemeral;
        try
        {
            ephemeral = PublicKey.FromBytes(packet.EphemeralPublicKey);
        }
        catch (KeyFormatException)
        {
            Counters.HandshakeFailures++;
            return;
        }

        var shared = V4Crypto.Ecdh(ephemeral, _key);
        var (initiatorKey, recipientKey) = HandshakeCrypto.DeriveKeys(shared, challenge.Data, source.AsSpan(), NodeId.AsSpan());
        if (!PacketCodec.TryDecryptMessage(packet, initiatorKey, out var plaintext))
        {
            Counters.HandshakeFailures++;
            return;
        }

        var session = new Session(key, recipientKey, initiatorKey, record);
        _sessions.Put(session);
        Counters.HandshakesCompleted++;
        if (from.Equals(record.UdpEndPoint))
        {
            _table.TryAdd(record, _time.GetTimestamp());
        }

        if (MessageCodec.TryDecode(plaintext, out var message, out _))
        {
            HandleMessage(session, message!, from);
        }
        else
        {
            Counters.Malformed++;
        }
    }

    private void HandleMessage(Session session, DiscoveryMessage message, IPEndPoint from)
    {
        switch (message)
        {
            case PingMessage or FindNodeMessage or TalkRequestMessage:
                if (!Allow(_nodeLimits, session.Key.NodeId, _options.RequestsPerSecondPerNode))
                {
                    Counters.RateLimited++;
                    return;
                }

                Counters.RequestsServed++;
                break;
        }

        switch (message)
        {
            case PingMessage ping:
                Send(session, new PongMessage(ping.RequestId, _localRecord.Sequence, from.Address, from.Port));
                if (ping.EnrSeq > session.Record.Sequence)
                {
                    _ = RefreshRecordAsync(session.Record);
                }

                break;

            case FindNodeMessage find:
                AnswerFindNode(session, find);
                break;

            case TalkRequestMessage talk:
                AnswerTalk(session, talk, from);
                break;

            case PongMessage pong:
                if (TakeResponse(session, pong, out var pingRequest))
                {
                    Answered(session);
                    // Vote first, so a caller of PingAsync sees the record the PONG led to.
                    VoteEndpoint(session.Key.NodeId, new IPEndPoint(pong.RecipientIp, pong.RecipientPort));
                    pingRequest.Completion.TrySetResult(pong);
                    if (pong.EnrSeq > session.Record.Sequence)
                    {
                        _ = RefreshRecordAsync(session.Record);
                    }
                }

                break;

            case NodesMessage nodes:
                HandleNodes(session, nodes);
                break;

            case TalkResponseMessage talkResponse:
                if (TakeResponse(session, talkResponse, out var talkRequest))
                {
                    talkRequest.Completion.TrySetResult(talkResponse);
                }

                break;
        }
    }

    private bool TakeResponse(Session session, DiscoveryMessage response, out PendingRequest request)
    {
        request = null!;
        if (response.RequestId.Length != 8 || !_pending.TryGetValue(BinaryPrimitives.ReadUInt64BigEndian(response.RequestId), out var found)
            || found.Key.NodeId != session.Key.NodeId)
        {
            Counters.UnsolicitedResponses++;
            return false;
        }

        var matches = (found.Message, response) switch
        {
            (PingMessage, PongMessage) => true,
            (FindNodeMessage, NodesMessage) => true,
            (TalkRequestMessage, TalkResponseMessage) => true,
            _ => false,
        };
        if (!matches)
        {
            Counters.UnsolicitedResponses++;
            return false;
        }

        request = found;
        if (response is not NodesMessage)
        {
            Complete(found);
        }

        return true;
    }

    private void HandleNodes(Session session, NodesMessage nodes)
    {
        if (!TakeResponse(session, nodes, out var request))
        {
            return;
        }

        var distances = ((FindNodeMessage)request.Message).Distances;
        foreach (var raw in nodes.Records)
        {
            if (!Enr.TryDecode(raw, out var record, out _))
            {
                continue;
            }

            var d = NodeDistance.Log(record.NodeId, session.Key.NodeId);
            if (Array.IndexOf(distances, d) < 0 || request.Collected.Count >= FindNodeResultLimit * NodesTotalLimit)
            {
                continue;
            }

            request.Collected.Add(record);
            if (d == 0 && record.Sequence > session.Record.Sequence)
            {
                session.Record = record;
                if (_table.Find(record.NodeId) is not null)
                {
                    _table.TryAdd(record, _time.GetTimestamp());
                }
            }
        }

        request.Responses++;
        if (request.Responses >= Math.Clamp(nodes.Total, 1, NodesTotalLimit))
        {
            Complete(request);
            Answered(session);
            request.Completion.TrySetResult(new NodesResult(request.Collected));
        }
    }

    private void AnswerFindNode(Session session, FindNodeMessage find)
    {
        var records = new List<Enr>();
        foreach (var d in find.Distances.Distinct())
        {
            if (records.Count >= FindNodeResultLimit)
            {
                break;
            }

            if (d == 0)
            {
                records.Add(_localRecord);
            }
            else
            {
                records.AddRange(_table.AtDistance(d, FindNodeResultLimit - records.Count));
            }
        }

        var chunks = new List<List<byte[]>>();
        var current = new List<byte[]>();
        var size = 0;
        foreach (var record in records)
        {
            if (current.Count > 0 && size + record.Encoded.Length > MaxRecordBytesPerNodes)
            {
                chunks.Add(current);
                current = [];
                size = 0;
            }

            current.Add(record.Encoded.ToArray());
            size += record.Encoded.Length;
        }

        chunks.Add(current);
        foreach (var chunk in chunks)
        {
            Send(session, new NodesMessage(find.RequestId, chunks.Count, [.. chunk]));
        }
    }

    private void AnswerTalk(Session session, TalkRequestMessage talk, IPEndPoint from)
    {
        var protocol = System.Text.Encoding.UTF8.GetString(talk.Protocol);
        if (!_talkHandlers.TryGetValue(protocol, out var handler))
        {
            Send(session, new TalkResponseMessage(talk.RequestId, []));
            return;
        }

        var request = new TalkRequest(session.Key.NodeId, from, talk.Protocol, talk.Request);
        var token = _stopping.Token;
        _ = Task.Run(async () =>
        {
            byte[] response;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                timeout.CancelAfter(_options.RequestTimeout);
                response = await handler(request, timeout.Token).ConfigureAwait(false) ?? [];
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                response = [];
            }

            if (response.Length > 1000)
            {
                response = [];
            }

            Post(() =>
            {
                if (_sessions.Get(session.Key) is { } current)
                {
                    Send(current, new TalkResponseMessage(talk.RequestId, response));
                }
            });
        }, CancellationToken.None);
    }

    // ---------------------------------------------------------------- table upkeep (loop side)

    private void Answered(Session session)
    {
        var entry = _table.Find(session.Key.NodeId);
        if (entry is not null)
        {
            entry.LastChecked = _time.GetTimestamp();
            entry.LivenessChecks++;
            return;
        }

        if (session.Key.EndPoint.Equals(session.Record.UdpEndPoint))
        {
            _table.TryAdd(session.Record, _time.GetTimestamp());
        }
    }

    private void CheckLiveness()
    {
        var entry = _table.NextToCheck(_random);
        if (entry is null)
        {
            return;
        }

        entry.LastChecked = _time.GetTimestamp();
        var record = entry.Record;
        _ = Task.Run(async () =>
        {
            try
            {
                await PingAsync(record, _stopping.Token).ConfigureAwait(false);
            }
            catch (DiscoveryTimeoutException)
            {
                Post(() => _table.Remove(record.NodeId));
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
            }
        });
    }

    private async Task RefreshAsync()
    {
        try
        {
            await RunLookupAsync(new Bytes32(RandomNumberGenerator.GetBytes(32)), null, null, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task RefreshRecordAsync(Enr known)
    {
        try
        {
            await FindNodeAsync(known, [0], _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DiscoveryException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task<bool> PingQuietlyAsync(Enr node, CancellationToken cancellationToken = default)
    {
        try
        {
            await PingAsync(node, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is DiscoveryException or OperationCanceledException or ObjectDisposedException or ArgumentException)
        {
            return false;
        }
    }

    private void VoteEndpoint(Bytes32 voter, IPEndPoint observed)
    {
        if (!_options.UpdateEndpointFromPongs || observed.Equals(_localRecord.UdpEndPoint))
        {
            return;
        }

        if (_endpointVotes.Count > 64)
        {
            _endpointVotes.Clear();
        }

        if (!_endpointVotes.TryGetValue(observed, out var voters))
        {
            _endpointVotes[observed] = voters = [];
        }

        voters.Add(voter);
        if (voters.Count >= _options.EndpointVotes)
        {
            _endpointVotes.Clear();
            var builder = EnrBuilder.From(_localRecord).SetIp(observed.Address);
            builder.SetUdp(observed.Port, observed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);
            _localRecord = builder.Build(_key);
            Counters.EndpointUpdates++;
        }
    }

    private Enr? KnownRecord(Bytes32 nodeId)
    {
        var fromTable = _table.Find(nodeId)?.Record;
        var fromSession = _sessions.ForNode(nodeId).Select(s => s.Record).MaxBy(r => r.Sequence);
        return fromSession is not null && (fromTable is null || fromSession.Sequence > fromTable.Sequence) ? fromSession : fromTable;
    }

    // ---------------------------------------------------------------- lookups (off the loop)

    private async Task<Lookup> RunLookupAsync(Bytes32 target, Func<Enr, bool>? stopWhen, Action<Enr>? onMet, CancellationToken cancellationToken)
    {
        var seeds = await OnLoopAsync(() =>
        {
            var closest = _table.Closest(target, RoutingTable.BucketSize);
            return closest.Count > 0 ? closest : [.. _options.Bootnodes];
        }, cancellationToken).ConfigureAwait(false);
        var lookup = new Lookup(target, NodeId, seeds);
        var reported = 0;
        var inFlight = new Dictionary<Task<IReadOnlyList<Enr>>, Enr>();
        while (true)
        {
            for (; reported < lookup.Met.Count; reported++)
            {
                onMet?.Invoke(lookup.Met[reported]);
                if (stopWhen?.Invoke(lookup.Met[reported]) == true)
                {
                    return lookup;
                }
            }

            foreach (var node in lookup.Next(_options.LookupParallelism))
            {
                inFlight[FindNodeAsync(node, NodeDistance.LookupDistances(target, node.NodeId), cancellationToken)] = node;
            }

            if (inFlight.Count == 0 || lookup.IsFinished)
            {
                return lookup;
            }

            var done = await Task.WhenAny(inFlight.Keys).ConfigureAwait(false);
            var from = inFlight[done];
            inFlight.Remove(done);
            if (done.IsCompletedSuccessfully)
            {
                lookup.OnAnswer(from.NodeId, done.Result);
            }
            else
            {
                cancellationToken.ThrowIfCancellationRequested();
                lookup.OnFailure(from.NodeId);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private bool Allow<TKey>(Dictionary<TKey, TokenBucket> buckets, TKey key, int perSecond)
        where TKey : notnull
    {
        if (!buckets.TryGetValue(key, out var bucket))
        {
            if (buckets.Count > 100_000)
            {
                buckets.Clear();
            }

            buckets[key] = bucket = new TokenBucket(perSecond, _time.GetTimestamp());
        }

        return bucket.TryTake(_time);
    }

    private static byte[] NewNonce() => RandomNumberGenerator.GetBytes(PacketCodec.NonceSize);

    private static UInt128 NonceKey(ReadOnlySpan<byte> nonce) =>
        new(BinaryPrimitives.ReadUInt32BigEndian(nonce), BinaryPrimitives.ReadUInt64BigEndian(nonce[4..]));

    private sealed record Challenge(byte[] Data, byte[] Packet, Enr? KnownRecord, long CreatedAt);

    private sealed class HandshakeAttempt(PendingRequest first)
    {
        public PendingRequest First { get; } = first;

        public List<PendingRequest> Queued { get; } = [];
    }

    private sealed class PendingRequest(Enr target, SessionKey key)
    {
        public Enr Target { get; } = target;

        public SessionKey Key { get; } = key;

        public ulong Id { get; set; }

        public DiscoveryMessage Message { get; set; } = null!;

        public UInt128? Nonce { get; set; }

        public bool HandshakeAnswered { get; set; }

        public bool Done { get; set; }

        public ITimer? Timer { get; set; }

        public List<Enr> Collected { get; } = [];

        public int Responses { get; set; }

        public TaskCompletionSource<object> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record NodesResult(IReadOnlyList<Enr> Records);

    private sealed class TokenBucket(int perSecond, long now)
    {
        private double _tokens = perSecond;
        private long _last = now;

        public bool TryTake(TimeProvider time)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(perSecond, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * perSecond));
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }
}

/// <summary>What the node has seen, for tests and the benchmark.</summary>
internal sealed class NodeCounters
{
    public long PacketsReceived;
    public long Malformed;
    public long RateLimited;
    public long DatagramsDropped;
    public long WhoAreYouSent;
    public long UnsolicitedWhoAreYou;
    public long UnsolicitedHandshake;
    public long UnsolicitedResponses;
    public long HandshakeFailures;
    public long HandshakesInitiated;
    public long HandshakesCompleted;
    public long RequestsServed;
    public long EndpointUpdates;
    public long LoopFaults;
}
