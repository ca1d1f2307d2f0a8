using System.Text.Json;
using System.Text.Json.Nodes;
using TcrToolkit.Testing.Node;

namespace TcrToolkit.Testing.Differential;

/// <summary>
/// A long-lived <c>scripts/ethers-oracle/oracle.mjs</c> process (ethers v6 on the repository's pinned Node), started
/// with <see cref="NodeScript"/>. Cases are sent as JSON lines in pipelined batches; answers come back in order.
/// Use it as a class fixture.
/// </summary>
public sealed class EthersOracle : IAsyncLifetime
{
    /// <summary>The oracle script below the repository root.</summary>
    public const string Script = "scripts/ethers-oracle/oracle.mjs";

    private const int BatchSize = 500;
    private readonly Lock _gate = new();
    private NodeScript? _script;
    private long _nextId;

    /// <summary>The version of ethers answering.</summary>
    public string EthersVersion { get; private set; } = "";

    private NodeScript Process => _script ?? throw new InvalidOperationException("The ethers oracle has not started.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _script = await NodeScript.StartAsync(new NodeScriptOptions
        {
            Script = Script,
            Piped = true,
            RequiredPaths = ["node_modules/ethers"],
        });
        EthersVersion = Ask([new JsonObject { ["op"] = "version" }])[0].Value.GetProperty("ethers").GetString()!;
    }

    /// <summary>Sends the cases (each an object with an "op") and returns the answers in the same order.</summary>
    /// <param name="cases">The cases; each is copied and given an id.</param>
    public IReadOnlyList<OracleAnswer> Ask(IReadOnlyList<JsonObject> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var answers = new List<OracleAnswer>(cases.Count);
        lock (_gate)
        {
            for (var offset = 0; offset < cases.Count; offset += BatchSize)
            {
                var batch = cases.Skip(offset).Take(BatchSize).ToList();
                var firstId = _nextId;
                var lines = new List<string>(batch.Count);
                foreach (var c in batch)
                {
                    var copy = (JsonObject)c.DeepClone();
                    copy["id"] = _nextId++;
                    lines.Add(copy.ToJsonString());
                }

                // Write on another thread while reading here, so neither pipe can fill up and deadlock.
                var input = Process.StandardInput;
                var writer = Task.Run(() =>
                {
                    foreach (var line in lines)
                    {
                        input.Write(line);
                        input.Write('\n');
                    }

                    input.Flush();
                });

                for (var i = 0; i < batch.Count; i++)
                {
                    var line = Process.ReadLineAsync().AsTask().GetAwaiter().GetResult() ?? throw new InvalidOperationException(
                        $"The ethers oracle exited unexpectedly. Its stderr:\n{Process.Output()}");
                    using var document = JsonDocument.Parse(line);
                    var root = document.RootElement;
                    var id = root.GetProperty("id").GetInt64();
                    if (id != firstId + i)
                    {
                        throw new InvalidOperationException($"The ethers oracle answered case {id} where {firstId + i} was expected.");
                    }

                    answers.Add(root.GetProperty("ok").GetBoolean()
                        ? new OracleAnswer(root.GetProperty("result").Clone(), null)
                        : new OracleAnswer(null, root.GetProperty("error").GetString()));
                }

                writer.GetAwaiter().GetResult();
            }
        }

        return answers;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_script is not null)
        {
            await _script.CloseInputAndStopAsync(TimeSpan.FromSeconds(5));
            await _script.DisposeAsync();
        }
    }
}

/// <summary>One oracle answer: a result, or the error ethers raised.</summary>
/// <param name="Result">The result, when ethers accepted the case.</param>
/// <param name="Error">The error ethers raised, when it refused the case.</param>
public sealed record OracleAnswer(JsonElement? Result, string? Error)
{
    /// <summary>The result; throws when ethers refused the case.</summary>
    public JsonElement Value => Result ?? throw new InvalidOperationException($"ethers rejected the case: {Error}");

    /// <summary>A property of the result, as text.</summary>
    /// <param name="name">The property's name.</param>
    public string Get(string name) => Value.GetProperty(name).ToString();
}
