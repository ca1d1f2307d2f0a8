using System.Diagnostics;
using Microsoft.Data.Sqlite;
using TcrToolkit.Ethereum;
using TcrToolkit.Votes;

namespace TcrToolkit.Tests.Votes;

/// <summary>
/// kill -9 between "commit requested" and "reveal done" never loses a salt: a child process reserves salts and prints
/// each one only once <see cref="SaltVault.Reserve"/> returned; it is killed with SIGKILL at random moments, and every
/// salt it printed must be in the vault, which must pass SQLite's integrity check.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SaltVaultCrashTests : IDisposable
{
    private static readonly Address Registry = Address.Parse("0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0");
    private static readonly Address Voter = Address.Parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");

    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-crash-").FullName;

    [Fact]
    public async Task Reserve_KilledAtRandomMoments_NeverLosesAPrintedSalt()
    {
        var seed = Environment.GetEnvironmentVariable("TCR_CRASH_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        var random = new Random(seed);
        var vault = Path.Combine(_directory, "salts.db");
        var printed = new Dictionary<ulong, Bytes32>();
        ulong nextPoll = 1;

        for (var round = 0; round < 8; round++)
        {
            // Half the rounds kill after a number of printed lines, half after a random delay (often mid-write).
            var killAfterLines = round % 2 == 0 ? random.Next(1, 60) : int.MaxValue;
            var killAfter = TimeSpan.FromMilliseconds(random.Next(20, 400));
            var lines = await RunAndKillAsync(vault, nextPoll, killAfterLines, killAfter);
            foreach (var line in lines)
            {
                var parts = line.Split(' ');
                var poll = ulong.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
                printed[poll] = Bytes32.Parse(parts[1]);
                nextPoll = Math.Max(nextPoll, poll + 1);
            }

            nextPoll += 1000; // the next child starts past anything the killed one may have stored unprinted
        }

        printed.Should().NotBeEmpty($"the children printed reservations before being killed (seed {seed})");
        IntegrityCheck(vault).Should().Be("ok", $"seed {seed}");
        using var reopened = SaltVault.Open(vault);
        foreach (var (poll, salt) in printed)
        {
            reopened.ForKey(new VoteKey(31337, Registry, poll, Voter)).Select(v => v.Salt)
                .Should().Contain(salt, $"poll {poll} was printed as reserved before the kill (seed {seed}; TCR_CRASH_SEED reproduces)");
        }
    }

    private static async Task<List<string>> RunAndKillAsync(string vault, ulong firstPoll, int killAfterLines, TimeSpan killAfter)
    {
        var writer = Path.Combine(AppContext.BaseDirectory, "TcrToolkit.Tests.SaltWriter.dll");
        using var child = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { writer, vault, firstPoll.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        child.Start();
        var lines = new List<string>();
        var started = Stopwatch.StartNew();
        var firstLine = TimeSpan.Zero;
        while (true)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var line = await child.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                throw new InvalidOperationException($"The salt writer exited early: {await child.StandardError.ReadToEndAsync()}");
            }

            lines.Add(line);
            if (lines.Count == 1)
            {
                firstLine = started.Elapsed; // startup is over: from here on every instant is inside the write loop
            }

            if (lines.Count >= killAfterLines || started.Elapsed - firstLine >= killAfter)
            {
                break;
            }
        }

        child.Kill(entireProcessTree: true); // SIGKILL on Unix: no finalizers, no flush, no journal cleanup
        await child.WaitForExitAsync();
        return lines;
    }

    /// Opens the file read-write, as a restarted process would: a kill in the middle of a write leaves a hot journal,
    /// which SQLite rolls back on this first open. Then checks the whole database.
    private static string IntegrityCheck(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadWrite;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)command.ExecuteScalar()!;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
