using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>Matches JSON-RPC responses to calls by id and maps error objects to exceptions.</summary>
internal static class RpcResponses
{
    /// <summary>Completes every call from a parsed response body: one response object or a batch array in any order.</summary>
    public static void CompleteAll(IReadOnlyList<RpcCall> calls, JsonElement root, string endpoint)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            var byId = new Dictionary<long, RpcCall>(calls.Count);
            foreach (var call in calls)
            {
                byId[call.Id] = call;
            }

            foreach (var response in root.EnumerateArray())
            {
                if (response.ValueKind == JsonValueKind.Object && ReadId(response) is { } id && byId.Remove(id, out var call))
                {
                    Complete(call, response, endpoint);
                }
                else if (response.ValueKind == JsonValueKind.Object && ReadId(response) is null && IsError(response, out var error))
                {
                    FailAll(byId.Values, ToException(error, endpoint, null));
                    byId.Clear();
                }
            }

            FailAll(byId.Values, null, endpoint);
            return;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            FailAll(calls, new RpcProtocolException($"The node at {endpoint} answered with a JSON {root.ValueKind}, not a JSON-RPC response.", endpoint, null));
            return;
        }

        var rootId = ReadId(root);
        if (calls.Count == 1 && (rootId == calls[0].Id || (rootId is null && IsError(root, out _))))
        {
            Complete(calls[0], root, endpoint);
        }
        else if (rootId is null && IsError(root, out var batchError))
        {
            // A batch refused as a whole (for example, the node does not accept batches).
            FailAll(calls, ToException(batchError, endpoint, null));
        }
        else
        {
            var match = calls.FirstOrDefault(c => c.Id == rootId);
            if (match is not null)
            {
                Complete(match, root, endpoint);
            }

            FailAll(calls.Where(c => !c.IsCompleted), null, endpoint);
        }
    }

    /// <summary>Completes one call from its response object.</summary>
    public static void Complete(RpcCall call, JsonElement response, string endpoint)
    {
        if (IsError(response, out var error))
        {
            call.SetException(ToException(error, endpoint, call.Method));
        }
        else if (response.TryGetProperty("result"u8, out var result))
        {
            call.SetResult(result, endpoint);
        }
        else
        {
            call.SetException(new RpcProtocolException(
                $"The response to {call.Method} from {endpoint} has neither a result nor an error.", endpoint, call.Method));
        }
    }

    public static long? ReadId(JsonElement response)
    {
        if (!response.TryGetProperty("id"u8, out var id))
        {
            return null;
        }

        return id.ValueKind switch
        {
            JsonValueKind.Number when id.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(id.GetString(), out var n) => n,
            _ => null,
        };
    }

    public static RpcErrorException ToException(JsonElement error, string endpoint, string? method)
    {
        var code = error.TryGetProperty("code"u8, out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : 0;
        var message = error.TryGetProperty("message"u8, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "(no message)";
        string? data = null;
        byte[]? revertData = null;
        if (error.TryGetProperty("data"u8, out var d) && d.ValueKind != JsonValueKind.Null)
        {
            data = d.GetRawText();
            revertData = ExtractRevertData(d, depth: 0);
        }

        return new RpcErrorException(code, message, data, endpoint, method) { RevertData = revertData };
    }

    /// <summary>
    /// Finds revert data in an error's <c>data</c> member. Nodes differ: Geth and Hardhat send a hex string, others an
    /// object whose <c>data</c> field is the hex string (sometimes nested once more, or under <c>originalError</c>),
    /// and Nethermind prefixes the hex with <c>Reverted </c>.
    /// </summary>
    public static byte[]? ExtractRevertData(JsonElement data, int depth)
    {
        if (depth > 3)
        {
            return null;
        }

        switch (data.ValueKind)
        {
            case JsonValueKind.String:
                var text = data.GetString()!;
                if (text.StartsWith("Reverted ", StringComparison.Ordinal))
                {
                    text = text["Reverted ".Length..];
                }

                try
                {
                    return text.StartsWith("0x", StringComparison.Ordinal) ? Hex.Decode(text) : null;
                }
                catch (HexFormatException)
                {
                    return null;
                }

            case JsonValueKind.Object:
                if (data.TryGetProperty("data"u8, out var inner) && ExtractRevertData(inner, depth + 1) is { } found)
                {
                    return found;
                }

                return data.TryGetProperty("originalError"u8, out var original) ? ExtractRevertData(original, depth + 1) : null;

            default:
                return null;
        }
    }

    private static bool IsError(JsonElement response, out JsonElement error) =>
        response.TryGetProperty("error"u8, out error) && error.ValueKind == JsonValueKind.Object;

    private static void FailAll(IEnumerable<RpcCall> calls, Exception exception)
    {
        foreach (var call in calls)
        {
            call.SetException(exception);
        }
    }

    private static void FailAll(IEnumerable<RpcCall> calls, Exception? exception, string endpoint)
    {
        foreach (var call in calls.ToList())
        {
            call.SetException(exception ?? new RpcProtocolException(
                $"The node at {endpoint} sent no response with id {call.Id} for {call.Method}.", endpoint, call.Method));
        }
    }
}
