using System.Diagnostics;
using System.Text.Json;

namespace TcrToolkit.Cli.Tests;

/// <summary>What one run of tcr did.</summary>
public sealed record TcrRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Stdout parsed as the one JSON document tcr writes under --json.</summary>
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Stdout);
        return document.RootElement.Clone();
    }

    /// <summary>The error sentence without its "error: " prefix, after checking stderr holds exactly one line.</summary>
    public string ErrorSentence()
    {
        var lines = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle("an error is one line on stderr, but stderr was:\n{0}", Stderr);
        lines[0].Should().StartWith("error: ");
        var sentence = lines[0]["error: ".Length..].TrimEnd();
        sentence.Should().EndWith(".", "an error is a full sentence");
        sentence.Should().Contain("; ", "an error says what to do next after a semicolon");
        return sentence;
    }

    /// <inheritdoc/>
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs tcr as a child process in its own working directory and TCR_HOME, with no inherited TCR_* variables, stdin
/// redirected (never a terminal, as in CI), and a time limit.
/// </summary>
public sealed class TcrProcess : IDisposable
{
    public const string HardhatMnemonic = "test test test test test test test test test test test junk";
    public const string HardhatAccount0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    public const string HardhatAccount1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    public const string HardhatKey0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public TcrProcess()
    {
        Root = Directory.CreateTempSubdirectory("tcr-cli-test-").FullName;
        Home = Path.Combine(Root, "home");
        WorkingDirectory = Path.Combine(Root, "work");
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(WorkingDirectory);
    }

    public string Root { get; }

    /// <summary>TCR_HOME; keystores live in its keystore/ folder.</summary>
    public string Home { get; }

    public string KeystoreDirectory => Path.Combine(Home, "keystore");

    public string WorkingDirectory { get; }

    /// <summary>Runs tcr with <paramref name="args"/>; <paramref name="env"/> adds variables, <paramref name="stdin"/> is piped in.</summary>
    public Task<TcrRun> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, string? stdin = null) =>
        RunAsync(args, env, stdin, interruptWhen: null);

    /// <summary>
    /// Runs tcr and sends it SIGINT (as Ctrl-C does) once <paramref name="interruptWhen"/> answers true, polled every
    /// 100 ms while it runs.
    /// </summary>
    public Task<TcrRun> RunInterruptedAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env, Func<Task<bool>> interruptWhen) =>
        RunAsync(args, env, null, interruptWhen);

    /// <summary>Starts tcr and leaves it running (a server, a follower); stop it with <see cref="TcrBackground.InterruptAsync"/>.</summary>
    public TcrBackground Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var start = StartInfo(args, env);
        var process = Process.Start(start) ?? throw new InvalidOperationException("tcr did not start");
        process.StandardInput.Close();
        return new TcrBackground(process);
    }

    private ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env)
    {
        var start = new ProcessStartInfo
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var (program, prefix) = Executable();
        start.FileName = program;
        foreach (var arg in prefix.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("TCR_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["TCR_HOME"] = Home;
        start.Environment["TCR_SCRYPT"] = "light";
        foreach (var (name, value) in env ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private async Task<TcrRun> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env, string? stdin, Func<Task<bool>>? interruptWhen)
    {
        var start = StartInfo(args, env);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("tcr did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Timeout);
        if (interruptWhen is not null)
        {
            while (!process.HasExited && !await interruptWhen())
            {
                await Task.Delay(100, timeout.Token);
            }

            if (!process.HasExited)
            {
                using var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync(timeout.Token);
            }
        }

        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"tcr {string.Join(' ', args)} did not finish within {Timeout}.");
        }

        return new TcrRun(process.ExitCode, await stdout, await stderr);
    }

    public Task<TcrRun> RunAsync(params string[] args) => RunAsync(args, null, null);

    /// <summary>Writes a file under the test's root, owner-only as secrets should be (tcr warns about others), and returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }

    /// <summary>Writes a format-1 devnet manifest (chain 31337) whose token and registry are at made-up addresses.</summary>
    public string WriteManifest(string? rpc = null)
    {
        var rpcField = rpc is null ? string.Empty : $", \"rpc\": \"{rpc}\"";
        return WriteFile("devnet.json", $$"""
            { "format": 1, "network": "devnet", "chainId": 31337,
              "contracts": { "registry": { "address": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0" },
                             "token": { "address": "0x5FbDB2315678afecb367f032d93F642f64180aa3" } }{{rpcField}} }
            """);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    // TCR_CLI (a path to scripts/tcr or any tcr executable) wins; otherwise the apphost copied next to the tests.
    private static (string Program, string[] Prefix) Executable()
    {
        if (Environment.GetEnvironmentVariable("TCR_CLI") is { Length: > 0 } custom)
        {
            return (custom, []);
        }

        var apphost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "tcr.exe" : "tcr");
        return File.Exists(apphost) ? (apphost, []) : ("dotnet", [Path.Combine(AppContext.BaseDirectory, "tcr.dll")]);
    }
}
