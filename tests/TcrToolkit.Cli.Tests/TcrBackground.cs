using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace TcrToolkit.Cli.Tests;

/// <summary>
/// A tcr process left running (a mail server, a follower): its stdout lines are collected as they come, and
/// <see cref="InterruptAsync"/> sends SIGINT as Ctrl-C does and returns how it ended.
/// </summary>
public sealed class TcrBackground : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly Task _reading;
    private readonly Task _readingErrors;

    internal TcrBackground(Process process)
    {
        _process = process;
        _reading = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_lines)
                {
                    _lines.Add(line);
                }
            }
        });
        _readingErrors = Task.Run(async () =>
        {
            var text = await process.StandardError.ReadToEndAsync();
            lock (_stderr)
            {
                _stderr.Append(text);
            }
        });
    }

    /// <summary>The stdout lines so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Waits for a stdout line holding JSON that <paramref name="match"/> accepts, and returns it.</summary>
    public async Task<JsonElement> WaitForJsonAsync(Func<JsonElement, bool> match, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            foreach (var line in Lines.Where(l => l.StartsWith('{')))
            {
                using var document = JsonDocument.Parse(line);
                if (match(document.RootElement))
                {
                    return document.RootElement.Clone();
                }
            }

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(100);
        }

        string errors;
        lock (_stderr)
        {
            errors = _stderr.ToString();
        }

        throw new TimeoutException($"No matching line within {timeout} (exited: {_process.HasExited}).\n--- stdout\n{string.Join('\n', Lines)}\n--- stderr\n{errors}");
    }

    /// <summary>Sends SIGINT and waits for the exit; returns the exit code and stderr.</summary>
    public async Task<(int ExitCode, string Stderr)> InterruptAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        await _reading;
        await _readingErrors;
        return (_process.ExitCode, _stderr.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
