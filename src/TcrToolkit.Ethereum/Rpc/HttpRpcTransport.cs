using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace TcrToolkit.Ethereum.Rpc;

/// <summary>Settings for <see cref="HttpRpcTransport"/>.</summary>
public sealed class HttpRpcTransportOptions
{
    /// <summary>How long one HTTP request (a single call or a whole batch) may take; a call's own timeout can raise it.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for timeouts; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

/// <summary>
/// JSON-RPC over HTTP POST. Several calls go out as one batch array; answers are matched by id in any order. User
/// info in the endpoint URL becomes a Basic authorization header and never appears in messages.
/// </summary>
public sealed class HttpRpcTransport : IRpcTransport
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly Uri _address;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeProvider _timeProvider;
    private long _nextId;

    /// <summary>Creates a transport.</summary>
    /// <param name="endpoint">The node's HTTP(S) URL, optionally with user info for Basic authentication.</param>
    /// <param name="httpClient">The client to send with (for example from <c>IHttpClientFactory</c>); <c>null</c> creates one that this transport disposes.</param>
    /// <param name="options">Timeouts and clock; <c>null</c> for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute http or https URL.</exception>
    public HttpRpcTransport(Uri endpoint, HttpClient? httpClient = null, HttpRpcTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The endpoint must be an absolute http or https URL; got {RpcEndpoint.Redact(endpoint)}.", nameof(endpoint));
        }

        options ??= new HttpRpcTransportOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RequestTimeout, TimeSpan.Zero, nameof(options));
        (_address, _authorization) = RpcEndpoint.SplitCredentials(endpoint);
        Endpoint = RpcEndpoint.Redact(endpoint);
        _ownsHttpClient = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _requestTimeout = options.RequestTimeout;
        _timeProvider = options.TimeProvider;
    }

    /// <inheritdoc/>
    public string Endpoint { get; }

    /// <inheritdoc/>
    public async Task SendAsync(IReadOnlyList<RpcCall> calls, CancellationToken cancellationToken = default)
    {
        if (RpcRequestWriter.Begin(calls, ref _nextId, _requestTimeout) is not (var body, var method, var timeout))
        {
            return;
        }

        using var timeoutSource = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _address)
            {
                Content = new ReadOnlyMemoryContent(body.WrittenMemory),
            };
            request.Content.Headers.ContentType = JsonContentType;
            request.Headers.Authorization = _authorization;
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            // A single call that can read its result as it arrives (eth_getLogs) never holds the body whole. Error
            // statuses are read whole: their body may be a proxy's page rather than JSON-RPC.
            if (calls.Count == 1 && response.IsSuccessStatusCode && calls[0].CreateStreamedResult() is { } streamed)
            {
                var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    await RpcStreamedResponse.CompleteAsync(calls[0], streamed, stream, Endpoint, linked.Token).ConfigureAwait(false);
                }

                return;
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            Complete(calls, response.StatusCode, bytes, method);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            foreach (var call in calls)
            {
                call.SetCanceled(cancellationToken);
            }
        }
        catch (OperationCanceledException ex) when (timeoutSource.IsCancellationRequested)
        {
            Fail(calls, new RpcUnavailableException(
                $"{method ?? $"A batch of {calls.Count} calls"} to {Endpoint} got no answer within {timeout.TotalSeconds:0.###} s.",
                Endpoint, method, ex, isTimeout: true));
        }
        catch (OperationCanceledException ex)
        {
            // The HttpClient's own Timeout fired (an injected client may keep its 100 s default).
            Fail(calls, new RpcUnavailableException(
                $"{method ?? $"A batch of {calls.Count} calls"} to {Endpoint} was cut off by the HttpClient's timeout.",
                Endpoint, method, ex, isTimeout: true));
        }
        catch (HttpRequestException ex)
        {
            Fail(calls, new RpcUnavailableException(
                $"Could not reach the node at {Endpoint} ({ex.HttpRequestError}); check that it is running and reachable.",
                Endpoint, method, ex));
        }
        catch (IOException ex)
        {
            Fail(calls, new RpcUnavailableException($"The connection to {Endpoint} failed while reading the answer.", Endpoint, method, ex));
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private void Complete(IReadOnlyList<RpcCall> calls, HttpStatusCode status, byte[] body, string? method)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            var statusCode = (int)status;
            Fail(calls, statusCode is >= 200 and < 300
                ? new RpcProtocolException($"The node at {Endpoint} answered with invalid JSON: {ex.Message}", Endpoint, method, ex)
                : new RpcUnavailableException($"The node at {Endpoint} answered HTTP {statusCode} ({status}) without a JSON-RPC body.", Endpoint, method) { HttpStatus = statusCode });
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            var looksLikeRpc = root.ValueKind == JsonValueKind.Array ||
                (root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("result"u8, out _) || root.TryGetProperty("error"u8, out _)));
            if (!looksLikeRpc && (int)status is < 200 or >= 300)
            {
                Fail(calls, new RpcUnavailableException(
                    $"The node at {Endpoint} answered HTTP {(int)status} ({status}) without a JSON-RPC body.", Endpoint, method) { HttpStatus = (int)status });
                return;
            }

            RpcResponses.CompleteAll(calls, root, Endpoint);
        }
    }

    private static void Fail(IReadOnlyList<RpcCall> calls, Exception exception)
    {
        foreach (var call in calls)
        {
            call.SetException(exception);
        }
    }
}
