using System.Buffers;
using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>
/// A call result read piece by piece from a streamed response: <see cref="Read"/> is given the bytes that have arrived
/// and reads as far as they go, so the result is built while the answer is still arriving and the body is never held
/// whole.
/// </summary>
internal abstract class RpcStreamedResult
{
    /// <summary>
    /// Reads more of the result value; returns <c>true</c> once the whole value has been read. When it returns
    /// <c>false</c>, the reader stands after the last complete part, and reading resumes there with more data.
    /// </summary>
    /// <exception cref="FormatException">The value has an unexpected shape.</exception>
    /// <exception cref="JsonException">The bytes are not JSON.</exception>
    public abstract bool Read(ref Utf8JsonReader reader);
}

/// <summary>A streamed result of type <typeparamref name="T"/>.</summary>
internal abstract class RpcStreamedResult<T> : RpcStreamedResult
{
    /// <summary>The result, once <see cref="RpcStreamedResult.Read"/> has returned <c>true</c>.</summary>
    public abstract T Value { get; }
}

/// <summary>
/// A JSON array result whose items are read one at a time by <c>tryReadItem</c> and kept as <c>select</c> maps them
/// (<c>null</c> drops an item). An item is read only once all its bytes have arrived; a buffer holds at most one item
/// beyond what has been read.
/// </summary>
internal sealed class RpcStreamedArray<TItem, TResult>(RpcStreamedArray<TItem, TResult>.TryReadItem tryReadItem, Func<TItem, TResult?> select)
    : RpcStreamedResult<IReadOnlyList<TResult>>
    where TResult : class
{
    private readonly List<TResult> _items = [];
    private bool _started;
    private bool _done;

    /// <summary>Reads one item from a reader on its first token; <c>false</c> when the data ends inside it.</summary>
    public delegate bool TryReadItem(ref Utf8JsonReader reader, out TItem? item);

    /// <inheritdoc/>
    public override IReadOnlyList<TResult> Value => _done ? _items : throw new InvalidOperationException("The array has not been read to its end.");

    /// <inheritdoc/>
    public override bool Read(ref Utf8JsonReader reader)
    {
        if (!_started)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new FormatException($"Expected a JSON array but found {reader.TokenType}.");
            }

            _started = true;
        }

        while (true)
        {
            var itemStart = reader;
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndArray)
            {
                _done = true;
                return true;
            }

            if (!tryReadItem(ref reader, out var item))
            {
                reader = itemStart;
                return false;
            }

            TResult? selected;
            try
            {
                selected = select(item!);
            }
            catch (Exception ex)
            {
                throw new RpcResultSelectorException(ex);
            }

            if (selected is not null)
            {
                _items.Add(selected);
            }
        }
    }
}

/// <summary>Carries an exception of a caller's selector through the parser, so that it reaches the caller unchanged.</summary>
internal sealed class RpcResultSelectorException(Exception inner) : Exception(inner.Message, inner);

/// <summary>
/// Reads one JSON-RPC response object from a stream: its <c>id</c>, its <c>error</c>, and its <c>result</c> through an
/// <see cref="RpcStreamedResult"/>, in whatever order the members come.
/// </summary>
internal sealed class RpcStreamedResponse
{
    private const int InitialBufferSize = 64 * 1024;

    private readonly RpcStreamedResult _result;
    private State _state;

    public RpcStreamedResponse(RpcStreamedResult result) => _result = result;

    private enum State
    {
        BeforeObject,
        Members,
        InResult,
        Done,
    }

    /// <summary>Whether the response object has been read to its end.</summary>
    public bool IsComplete => _state == State.Done;

    /// <summary>The response's id, when it had a numeric (or numeric string) one.</summary>
    public long? Id { get; private set; }

    /// <summary>Whether a <c>result</c> member was read completely.</summary>
    public bool HasResult { get; private set; }

    /// <summary>The <c>error</c> object, when the response had one.</summary>
    public JsonDocument? Error { get; private set; }

    /// <summary>
    /// Reads the response from <paramref name="stream"/> to its end and completes <paramref name="call"/>: with the
    /// result, the node's error, or an <see cref="RpcProtocolException"/> when the answer is not a JSON-RPC response
    /// to it. Transport faults (<see cref="IOException"/>, cancellation) propagate to the caller.
    /// </summary>
    public static async Task CompleteAsync(RpcCall call, RpcStreamedResult result, Stream stream, string endpoint, CancellationToken cancellationToken)
    {
        var response = new RpcStreamedResponse(result);
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        try
        {
            var start = 0;
            var end = 0;
            var final = false;
            var state = default(JsonReaderState);
            while (true)
            {
                if (!final)
                {
                    if (end == buffer.Length)
                    {
                        buffer = MakeRoom(buffer, ref start, ref end);
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                    final = read == 0;
                    end += read;
                }

                try
                {
                    start += response.Read(buffer.AsSpan(start, end - start), final, ref state);
                }
                catch (JsonException ex)
                {
                    call.SetException(new RpcProtocolException($"The node at {endpoint} answered {call.Method} with invalid JSON: {ex.Message}", endpoint, call.Method, ex));
                    return;
                }
                catch (RpcResultSelectorException ex)
                {
                    call.SetException(ex.InnerException!);
                    return;
                }
                catch (Exception ex) when (ex is FormatException or InvalidOperationException or OverflowException or ArgumentException)
                {
                    call.SetException(new RpcProtocolException($"The result of {call.Method} from {endpoint} has an unexpected shape: {ex.Message}", endpoint, call.Method, ex));
                    return;
                }

                if (response.IsComplete)
                {
                    break;
                }

                if (final)
                {
                    call.SetException(new RpcProtocolException($"The answer to {call.Method} from {endpoint} ended inside its JSON.", endpoint, call.Method));
                    return;
                }
            }

            response.Complete(call, endpoint);
        }
        finally
        {
            response.Error?.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads as far as <paramref name="data"/> goes and returns how many bytes were consumed; the caller keeps the rest
    /// and calls again with it and more. <paramref name="final"/> says that no more data will come.
    /// </summary>
    public int Read(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state)
    {
        var reader = new Utf8JsonReader(data, final, state);
        Read(ref reader);
        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    /// <summary>Completes the call from what was read.</summary>
    public void Complete(RpcCall call, string endpoint)
    {
        if (Error is { } error)
        {
            call.SetException(RpcResponses.ToException(error.RootElement, endpoint, call.Method));
        }
        else if (Id is { } id && id != call.Id)
        {
            call.SetException(new RpcProtocolException($"The node at {endpoint} sent no response with id {call.Id} for {call.Method}.", endpoint, call.Method));
        }
        else if (HasResult)
        {
            call.SetStreamedResult(_result);
        }
        else
        {
            call.SetException(new RpcProtocolException($"The response to {call.Method} from {endpoint} has neither a result nor an error.", endpoint, call.Method));
        }
    }

    private void Read(ref Utf8JsonReader reader)
    {
        while (_state != State.Done)
        {
            switch (_state)
            {
                case State.BeforeObject:
                    if (!reader.Read())
                    {
                        return;
                    }

                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw new FormatException($"Expected a JSON-RPC response object but found {reader.TokenType}.");
                    }

                    _state = State.Members;
                    break;

                case State.Members:
                    var memberStart = reader;
                    if (!reader.Read())
                    {
                        return;
                    }

                    if (reader.TokenType == JsonTokenType.EndObject)
                    {
                        _state = State.Done;
                        break;
                    }

                    if (reader.ValueTextEquals("result"u8))
                    {
                        _state = State.InResult;
                        break;
                    }

                    // Every other member is read whole: rewind to its name until all of it has arrived.
                    var probe = reader;
                    if (!probe.TrySkip())
                    {
                        reader = memberStart;
                        return;
                    }

                    if (reader.ValueTextEquals("id"u8))
                    {
                        reader.Read();
                        Id = reader.TokenType switch
                        {
                            JsonTokenType.Number when reader.TryGetInt64(out var n) => n,
                            JsonTokenType.String when long.TryParse(reader.GetString(), out var n) => n,
                            _ => null,
                        };
                    }
                    else if (reader.ValueTextEquals("error"u8))
                    {
                        var error = JsonDocument.ParseValue(ref reader);
                        if (error.RootElement.ValueKind == JsonValueKind.Object && Error is null)
                        {
                            Error = error;
                        }
                        else
                        {
                            error.Dispose();
                        }
                    }
                    else
                    {
                        reader.TrySkip();
                    }

                    break;

                case State.InResult:
                    if (!_result.Read(ref reader))
                    {
                        return;
                    }

                    HasResult = true;
                    _state = State.Members;
                    break;
            }
        }
    }

    /// <summary>Moves the unread bytes to the front, or doubles the buffer when they fill it.</summary>
    private static byte[] MakeRoom(byte[] buffer, ref int start, ref int end)
    {
        var unread = end - start;
        var target = unread > buffer.Length / 2 ? ArrayPool<byte>.Shared.Rent(buffer.Length * 2) : buffer;
        buffer.AsSpan(start, unread).CopyTo(target);
        if (target != buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        start = 0;
        end = unread;
        return target;
    }
}
