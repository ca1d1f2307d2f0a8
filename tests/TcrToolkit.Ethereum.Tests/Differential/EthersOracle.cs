using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TcrToolkit.Ethereum.Tests.Differential;

/// <summary>
/// A long-lived <c>scripts/ethers-oracle/oracle.mjs</c> process (ethers v6 on the repository's pinned Node). Cases are
/// sent as JSON lines in pipelined batches; answers come back in order.
/// </summary>
public sealed class EthersOracle : IDisposable
{
    private const int BatchSize = 500;
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();
    private long _nextId;

    public EthersOracle()
    {
        RepositoryRoot = FindRepositoryRoot();
        var node = Path.Combine(RepositoryRoot, "node_modules", "node", "bin", "node");
        var script = Path.Combine(RepositoryRoot, "scripts", "ethers-oracle", "oracle.mjs");
        if (!File.Exists(node) || !Directory.Exists(Path.Combine(RepositoryRoot, "node_modules", "ethers")))
        {
            throw new InvalidOperationException(
                $"The ethers oracle needs Node and ethers from node_modules under {RepositoryRoot}; run 'npm ci' there first.");
        }

        var start = new ProcessStartInfo(node, [script])
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {node}.");
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        EthersVersion = Ask([new JsonObject { ["op"] = "version" }])[0].Result!.Value.GetProperty("ethers").GetString()!;
    }

    public string RepositoryRoot { get; }

    public string EthersVersion { get; }

    /// <summary>Sends the cases (each an object with an "op") and returns the answers in the same order.</summary>
    public IReadOnlyList<OracleAnswer> Ask(IReadOnlyList<JsonObject> cases)
    {
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
                var writer = Task.Run(() =>
                {
                    foreach (var line in lines)
                    {
                        _process.StandardInput.Write(line);
                        _process.StandardInput.Write('\n');
                    }

                    _process.StandardInput.Flush();
                });

                for (var i = 0; i < batch.Count; i++)
                {
                    var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException(
                        $"The ethers oracle exited unexpectedly. Its stderr:\n{Stderr()}");
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

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private string Stderr()
    {
        lock (_stderr)
        {
            return _stderr.ToString();
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "package.json")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No package.json found above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }
}

/// <summary>One oracle answer: a result, or the error ethers raised.</summary>
public sealed record OracleAnswer(JsonElement? Result, string? Error)
{
    public JsonElement Value => Result ?? throw new InvalidOperationException($"ethers rejected the case: {Error}");

    public string Get(string name) => Value.GetProperty(name).ToString();
}
