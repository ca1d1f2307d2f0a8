using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace TcrToolkit.Testing.Node;

/// <summary>
/// A Node script started from the repository's pinned Node 22 on a free loopback port, waited for until it prints its
/// ready line, and killed (with its children) on dispose. The one launcher behind the Hardhat node, the ethers oracle
/// and the interop peers under <c>tests/peers/&lt;name&gt;/</c>.
/// </summary>
public sealed class NodeScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly int _keptLines;
    private readonly Regex? _readyLine;
    private readonly TaskCompletionSource<Match> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<string>? _lines;
    private int _stopped;

    private NodeScript(Process process, NodeScriptOptions options, int port)
    {
        _process = process;
        _keptLines = options.KeptOutputLines;
        _readyLine = options.ReadyLine;
        Port = port;
        if (options.Piped)
        {
            _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        }
    }

    /// <summary>The reserved loopback port (0 with <see cref="LoopbackPortKind.None"/>).</summary>
    public int Port { get; }

    /// <summary>The process id, for tests that check what was left running.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The ready line's match (empty when no ready line was asked for).</summary>
    public Match Ready { get; private set; } = Match.Empty;

    /// <summary>The script's stdin (only with <see cref="NodeScriptOptions.Piped"/>).</summary>
    public StreamWriter StandardInput =>
        _lines is null ? throw new InvalidOperationException("StandardInput needs NodeScriptOptions.Piped.") : _process.StandardInput;

    /// <summary>Starts the script and waits for its ready line.</summary>
    /// <param name="options">What to start and how to tell it is ready.</param>
    /// <param name="cancellationToken">Stops waiting (and the script).</param>
    /// <returns>The running script; dispose it to stop it.</returns>
    /// <exception cref="InvalidOperationException">Node or a required path is missing, or the script exited or timed out before it was ready (the message carries its last output).</exception>
    public static async Task<NodeScript> StartAsync(NodeScriptOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var node = Repository.NodeBinary;
        var script = Path.Combine(Repository.Root, options.Script);
        foreach (var required in (string[])[node, script, .. options.RequiredPaths.Select(p => Path.Combine(Repository.Root, p))])
        {
            if (!File.Exists(required) && !Directory.Exists(required))
            {
                throw new InvalidOperationException($"{required} is missing; run scripts/bootstrap in {Repository.Root} first.");
            }
        }

        var port = options.ListenPort ?? options.Port switch
        {
            LoopbackPortKind.Tcp => LoopbackPorts.FreeTcpPort(),
            LoopbackPortKind.Udp => LoopbackPorts.FreeUdpPort(),
            _ => 0,
        };
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = options.WorkingDirectory ?? Repository.Root,
            RedirectStandardInput = options.Piped,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        if (options.Piped)
        {
            start.StandardInputEncoding = new UTF8Encoding(false);
        }

        start.ArgumentList.Add(script);
        foreach (var argument in options.Arguments)
        {
            start.ArgumentList.Add(argument.Replace(NodeScriptOptions.PortPlaceholder, portText, StringComparison.Ordinal));
        }

        foreach (var (name, value) in options.Environment)
        {
            start.Environment[name] = value.Replace(NodeScriptOptions.PortPlaceholder, portText, StringComparison.Ordinal);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {node}.");
        var launched = new NodeScript(process, options, port);
        process.OutputDataReceived += (_, e) => launched.OnStandardOutput(e.Data);
        process.ErrorDataReceived += (_, e) => launched.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (options.ReadyLine is null)
        {
            launched._ready.TrySetResult(Match.Empty);
        }

        try
        {
            launched.Ready = await launched.WaitUntilReadyAsync(options, cancellationToken);
            return launched;
        }
        catch
        {
            await launched.DisposeAsync();
            throw;
        }
    }

    /// <summary>The next stdout line (only with <see cref="NodeScriptOptions.Piped"/>); <see langword="null"/> once the script closed stdout.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        var lines = _lines ?? throw new InvalidOperationException("ReadLineAsync needs NodeScriptOptions.Piped.");
        return await lines.Reader.WaitToReadAsync(cancellationToken) && lines.Reader.TryRead(out var line) ? line : null;
    }

    /// <summary>The script's last output lines (stderr, and stdout unless piped), for failure messages.</summary>
    public string Output()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    /// <summary>Kills the script and its children and waits (up to ten seconds) for it to exit.</summary>
    /// <param name="cancellationToken">Stops waiting for the exit.</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (InvalidOperationException)
        {
            // It had already exited and been reaped.
        }
    }

    /// <summary>Closes stdin (a piped script then ends by itself) and waits for the exit up to <paramref name="grace"/>; kills it after that.</summary>
    /// <param name="grace">How long the script may take to finish.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task CloseInputAndStopAsync(TimeSpan grace, CancellationToken cancellationToken = default)
    {
        if (_lines is not null && Volatile.Read(ref _stopped) == 0)
        {
            _process.StandardInput.Close();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(grace);
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private async Task<Match> WaitUntilReadyAsync(NodeScriptOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StartTimeout);
        var exited = _process.WaitForExitAsync(timeout.Token);
        var finished = await Task.WhenAny(_ready.Task, exited);
        if (finished == _ready.Task)
        {
            return await _ready.Task;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var name = Path.GetFileName(options.Script);
        if (_process.HasExited)
        {
            // Let the output pumps drain, so the message shows why it stopped.
            await _process.WaitForExitAsync(CancellationToken.None);
            throw new InvalidOperationException($"{name} exited with code {_process.ExitCode} before it was ready. Its output:\n{Output()}");
        }

        throw new InvalidOperationException($"{name} printed no line matching /{_readyLine}/ within {options.StartTimeout.TotalSeconds:0} s. Its output:\n{Output()}");
    }

    private void OnStandardOutput(string? line)
    {
        if (_lines is null)
        {
            OnLine(line);
        }
        else if (line is null)
        {
            _lines.Writer.TryComplete();
        }
        else
        {
            _lines.Writer.TryWrite(line);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > _keptLines)
            {
                _output.Dequeue();
            }
        }

        if (_readyLine is not null && !_ready.Task.IsCompleted && _readyLine.Match(line) is { Success: true } match)
        {
            _ready.TrySetResult(match);
        }
    }
}
