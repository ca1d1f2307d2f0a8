using System.Globalization;
using System.Text;
using TcrToolkit.Libp2p.Muxing;
using TcrToolkit.Libp2p.Noise;

namespace TcrToolkit.Libp2p.Mplex;

/// <summary>
/// mplex 6.7.0: stream ids count up from 0 on each side and are told apart by who opened the stream; there is no flow
/// control, so each stream buffers at most <see cref="Libp2pHostOptions.MaxMplexStreamBuffer"/> unread bytes and a
/// remote that sends past it has the stream reset (as js-libp2p does).
/// </summary>
internal sealed class MplexMuxer : MuxerBase
{
    public const string Id = "/mplex/6.7.0";
    public const int MaxFrameData = NoiseSecureStream.MaxPlaintext - MplexFrame.MaxHeaderSize;

    private long _nextStreamId = -1;

    public MplexMuxer(Stream secured, PeerId remotePeer, bool isInitiator, Libp2pHostOptions options)
        : base(secured, remotePeer, isInitiator, options)
    {
    }

    public override string ProtocolId => Id;

    protected override ulong Key(MuxedStream stream) => KeyOf(stream.Id, stream.IsOutbound);

    private static ulong KeyOf(uint id, bool outbound) => ((ulong)id << 1) | (outbound ? 1u : 0u);

    public override async Task<MuxedStream> OpenStreamAsync(CancellationToken cancellationToken)
    {
        AdmitOutbound();
        var id = (uint)Interlocked.Increment(ref _nextStreamId);
        var stream = new MplexStream(this, id, outbound: true);
        Streams[KeyOf(id, true)] = stream;
        try
        {
            var name = Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture));
            await WriteFrameAsync(MplexFrame.Encode(id, MplexFlag.NewStream, name), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Release(stream);
            throw;
        }

        return stream;
    }

    protected override async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!await Reader.EnsureAsync(1, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            uint id;
            MplexFlag flag;
            int length;
            while (true)
            {
                var result = MplexFrame.TryReadHeader(Reader.Available, Options.MaxMplexMessageSize, out id, out flag, out length, out var headerSize, out var error);
                if (result == MplexFrame.Result.Done)
                {
                    Reader.Consume(headerSize);
                    break;
                }

                if (result == MplexFrame.Result.Invalid)
                {
                    throw new Libp2pProtocolException("Bad mplex frame: " + error);
                }

                if (!await Reader.EnsureAsync(Reader.Available.Length + 1, cancellationToken).ConfigureAwait(false))
                {
                    throw new Libp2pProtocolException("The connection ended inside an mplex header.");
                }
            }

            Touch();
            var payload = length > 0 ? await Reader.ReadPayloadAsync(length, cancellationToken).ConfigureAwait(false) : [];
            switch (flag)
            {
                case MplexFlag.NewStream:
                    OnNewStream(id);
                    break;
                case MplexFlag.MessageInitiator or MplexFlag.MessageReceiver:
                    if (Find(id, flag) is { } target && target.Deliver(payload) > Options.MaxMplexStreamBuffer)
                    {
                        target.Reset();
                    }

                    break;
                case MplexFlag.CloseInitiator or MplexFlag.CloseReceiver:
                    Find(id, flag)?.DeliverEnd();
                    break;
                default:
                    Find(id, flag)?.DeliverReset();
                    break;
            }
        }
    }

    /// <summary>Flags the initiator sends (2, 4, 6) address streams the remote opened; 1, 3, 5 address ours.</summary>
    private MuxedStream? Find(uint id, MplexFlag flag)
    {
        var outbound = flag is MplexFlag.MessageReceiver or MplexFlag.CloseReceiver or MplexFlag.ResetReceiver;
        return Streams.TryGetValue(KeyOf(id, outbound), out var stream) ? stream : null;
    }

    private void OnNewStream(uint id)
    {
        if (Streams.ContainsKey(KeyOf(id, false)))
        {
            throw new Libp2pProtocolException($"The remote opened mplex stream {id} twice.");
        }

        if (!AdmitInbound())
        {
            WriteFrameInBackground(MplexFrame.Encode(id, MplexFlag.ResetReceiver, []));
            return;
        }

        var stream = new MplexStream(this, id, outbound: false);
        Streams[KeyOf(id, false)] = stream;
        InboundStream?.Invoke(stream);
    }
}

/// <summary>An mplex stream; the frame flags depend on whether we opened it.</summary>
internal sealed class MplexStream : MuxedStream
{
    public MplexStream(MplexMuxer muxer, uint id, bool outbound)
        : base(muxer, id, outbound)
    {
    }

    private MplexFlag MessageFlag => IsOutbound ? MplexFlag.MessageInitiator : MplexFlag.MessageReceiver;

    protected override async ValueTask SendDataAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var take = Math.Min(data.Length, MplexMuxer.MaxFrameData);
            await Muxer.WriteFrameAsync(MplexFrame.Encode(Id, MessageFlag, data.Span[..take]), cancellationToken).ConfigureAwait(false);
            data = data[take..];
        }
    }

    protected override ValueTask SendCloseAsync(CancellationToken cancellationToken) =>
        Muxer.WriteFrameAsync(MplexFrame.Encode(Id, IsOutbound ? MplexFlag.CloseInitiator : MplexFlag.CloseReceiver, []), cancellationToken);

    protected override void SendReset() =>
        Muxer.WriteFrameInBackground(MplexFrame.Encode(Id, IsOutbound ? MplexFlag.ResetInitiator : MplexFlag.ResetReceiver, []));
}
