using System.Net;
using System.Security.Cryptography;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Discovery;

/// <summary>The (node id, UDP endpoint) pair sessions and challenges are keyed by.</summary>
internal readonly record struct SessionKey(Bytes32 NodeId, IPEndPoint EndPoint);

/// <summary>An established session: the two AES-GCM keys from the handshake and the peer's record.</summary>
internal sealed class Session : IDisposable
{
    private readonly AesGcm _write;
    private readonly AesGcm _read;

    public Session(SessionKey key, byte[] writeKey, byte[] readKey, Enr record)
    {
        Key = key;
        WriteKey = writeKey;
        _write = new AesGcm(writeKey, PacketCodec.TagSize);
        _read = new AesGcm(readKey, PacketCodec.TagSize);
        Record = record;
    }

    public SessionKey Key { get; }

    public byte[] WriteKey { get; }

    public Enr Record { get; set; }

    public bool TryDecrypt(DecodedPacket packet, out byte[] plaintext)
    {
        plaintext = new byte[packet.MessageCiphertext.Length - PacketCodec.TagSize];
        try
        {
            _read.Decrypt(packet.Nonce, packet.MessageCiphertext.AsSpan(0, plaintext.Length),
                packet.MessageCiphertext.AsSpan(plaintext.Length), plaintext, packet.AuthenticatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _write.Dispose();
        _read.Dispose();
    }
}

/// <summary>A bounded least-recently-used map of sessions.</summary>
internal sealed class SessionStore(int capacity)
{
    private readonly Dictionary<SessionKey, LinkedListNode<Session>> _map = [];
    private readonly LinkedList<Session> _order = new();

    public int Count => _map.Count;

    public Session? Get(SessionKey key)
    {
        if (!_map.TryGetValue(key, out var node))
        {
            return null;
        }

        _order.Remove(node);
        _order.AddFirst(node);
        return node.Value;
    }

    public void Put(Session session)
    {
        Remove(session.Key);
        _map[session.Key] = _order.AddFirst(session);
        while (_map.Count > capacity)
        {
            var last = _order.Last!;
            _order.RemoveLast();
            _map.Remove(last.Value.Key);
            last.Value.Dispose();
        }
    }

    public void Remove(SessionKey key)
    {
        if (_map.Remove(key, out var node))
        {
            _order.Remove(node);
            node.Value.Dispose();
        }
    }

    public IEnumerable<Session> ForNode(Bytes32 nodeId) => _order.Where(s => s.Key.NodeId == nodeId);

    public void Clear()
    {
        foreach (var s in _order)
        {
            s.Dispose();
        }

        _order.Clear();
        _map.Clear();
    }
}
