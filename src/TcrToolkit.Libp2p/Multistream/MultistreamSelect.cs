using System.Text;

namespace TcrToolkit.Libp2p.Multistream;

/// <summary>
/// multistream-select 1.0 (libp2p/specs connections/README.md): every message is a varint length, the UTF-8
/// protocol id and a newline. Both sides send <c>/multistream/1.0.0</c>; the dialler proposes a protocol, the listener
/// echoes it to accept or answers <c>na</c>. The dialler pipelines its header and first proposal in one write.
/// </summary>
internal static class MultistreamSelect
{
    public const string Header = "/multistream/1.0.0";
    public const string NotAvailable = "na";
    public const int MaxMessageLength = 1024;
    public const int MaxProposals = 32;

    /// <summary>Encodes one multistream message (varint length, text, newline).</summary>
    public static byte[] Encode(string text)
    {
        var body = Encoding.UTF8.GetBytes(text + "\n");
        return LengthPrefixedMessage.Encode(body);
    }

    /// <summary>Decodes the body of one message (without its length prefix): UTF-8 ending in a newline.</summary>
    /// <exception cref="Libp2pProtocolException">No trailing newline, or not UTF-8.</exception>
    public static string DecodeBody(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || body[^1] != (byte)'\n')
        {
            throw new Libp2pProtocolException("A multistream message does not end in a newline.");
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(body[..^1]);
        }
        catch (DecoderFallbackException ex)
        {
            throw new Libp2pProtocolException("A multistream message is not UTF-8.", ex);
        }
    }

    public static async Task<string> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var body = await LengthPrefixedMessage.ReadAsync(stream, MaxMessageLength, cancellationToken).ConfigureAwait(false)
            ?? throw new Libp2pProtocolException("The stream ended during multistream-select.");
        return DecodeBody(body);
    }

    /// <summary>Proposes <paramref name="protocols"/> in order and returns the one the listener accepted.</summary>
    /// <exception cref="ProtocolNotSupportedException">The listener refused every protocol.</exception>
    public static async Task<string> SelectAsync(Stream stream, IReadOnlyList<string> protocols, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(protocols.Count);
        await stream.WriteAsync((byte[])[.. Encode(Header), .. Encode(protocols[0])], cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        var header = await ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        if (header != Header)
        {
            throw new Libp2pProtocolException($"The remote speaks '{Truncate(header)}', not {Header}.");
        }

        for (var i = 0; i < protocols.Count; i++)
        {
            if (i > 0)
            {
                await stream.WriteAsync(Encode(protocols[i]), cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            var answer = await ReadAsync(stream, cancellationToken).ConfigureAwait(false);
            if (answer == protocols[i])
            {
                return answer;
            }

            if (answer != NotAvailable)
            {
                throw new Libp2pProtocolException($"The remote answered '{Truncate(answer)}' to a proposal of {protocols[i]}.");
            }
        }

        throw new ProtocolNotSupportedException(protocols);
    }

    /// <summary>Answers proposals until one is in <paramref name="isSupported"/>; returns it.</summary>
    /// <exception cref="Libp2pProtocolException">Bad header, bad message, or more than 32 proposals.</exception>
    public static async Task<string> ListenAsync(Stream stream, Func<string, bool> isSupported, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encode(Header), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        var header = await ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        if (header != Header)
        {
            throw new Libp2pProtocolException($"The remote speaks '{Truncate(header)}', not {Header}.");
        }

        for (var i = 0; i < MaxProposals; i++)
        {
            var proposal = await ReadAsync(stream, cancellationToken).ConfigureAwait(false);
            if (proposal != "ls" && isSupported(proposal))
            {
                await stream.WriteAsync(Encode(proposal), cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                return proposal;
            }

            await stream.WriteAsync(Encode(NotAvailable), cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        throw new Libp2pProtocolException($"The remote proposed more than {MaxProposals} protocols.");
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
