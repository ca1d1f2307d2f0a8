using System.Text.Json;
using TcrToolkit.Discovery;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Tests.Devnet;

/// <summary>
/// The seed's loop through the command line, against real processes on loopback: three `tcr server run` mail servers
/// (discovery, libp2p, Waku), two listed on the devnet; `tcr servers` trusts the two and discards the third,
/// `tcr message send` stores through both, `tcr history` merges both; a challenge removes one and a `tcr servers --watch`
/// follower evicts it; history then comes from the other alone. Ctrl-C stops each server with exit 0.
/// </summary>
public sealed class MailServerCommandTests(DevnetFixture devnet) : DevnetTest(devnet)
{
    private const string Topic = "/tcr/1/cli-test/proto";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<TcrBackground> _running = [];

    [Fact]
    public async Task Loop_TwoListedOneNot_TrustsTwoMergesHistoryAndEvictsTheRemovedOne()
    {
        var servers = new List<JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            var args = new List<string>
            {
                "server", "run", "--node-key", NodeKeyFile(), "--store", Path.Combine(Tcr.Root, $"store{i}.db"),
                "--discovery", "127.0.0.1:0", "--listen", "/ip4/127.0.0.1/tcp/0", "--network", "devnet", "--json",
            };
            if (i > 0)
            {
                args.AddRange(["--bootnode", servers[0].GetProperty("enr").GetString()!]);
            }

            var server = Start(args);
            servers.Add(await server.WaitForJsonAsync(j => j.TryGetProperty("enr", out _), StartTimeout));
        }

        var ids = servers.Select(s => s.GetProperty("nodeId").GetString()!).ToList();
        servers.Should().OnlyContain(s => s.GetProperty("registry").GetProperty("checked").GetBoolean() && !s.GetProperty("registry").GetProperty("listed").GetBoolean());
        servers.Should().OnlyContain(s => s.GetProperty("peerId").GetString()!.StartsWith("16Uiu2", StringComparison.Ordinal));
        Enr.Parse(servers[0].GetProperty("enr").GetString()!).NodeId.ToString().Should().Be(ids[0], "the record's key is the listing's key");

        await OkAsync("listing", "apply", "--node-key", KeyFiles[0], "--account", "mnemonic:1");
        await OkAsync("listing", "apply", "--node-key", KeyFiles[1], "--account", "mnemonic:2");
        await IncreaseTimeAsync(TimeSpan.FromMinutes(11));
        await OkAsync("challenge", "resolve", ids[0], ids[1], "--account", "mnemonic:3");
        string[] client = ["--bootnode", servers[0].GetProperty("enr").GetString()!, "--network", "devnet", "--json"];

        var found = (await OkAsync(["servers", .. client])).Json().GetProperty("candidates").EnumerateArray().ToList();

        found.Select(c => c.GetProperty("nodeId").GetString()).Should().BeEquivalentTo(ids, "all three advertise themselves");
        found.Where(c => c.GetProperty("verdict").GetString() == "trusted").Select(c => c.GetProperty("nodeId").GetString())
            .Should().BeEquivalentTo([ids[0], ids[1]]);
        var discarded = found.Single(c => c.GetProperty("nodeId").GetString() == ids[2]);
        discarded.GetProperty("verdict").GetString().Should().Be("discarded");
        discarded.GetProperty("reason").GetString().Should().Be("not in the registry");
        found.Where(c => c.GetProperty("verdict").GetString() == "trusted").Should().OnlyContain(c => c.GetProperty("roundTripMs").GetDouble() > 0);

        var sent = (await OkAsync(["message", "send", "--topic", Topic, .. client, "hello"])).Json();
        sent.GetProperty("acceptedBy").EnumerateArray().Select(e => e.GetString()).Should().BeEquivalentTo([ids[0], ids[1]]);

        var history = (await OkAsync(["history", "--topic", Topic, .. client])).Json();
        history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("payload").GetString()).Should().Equal("hello");
        history.GetProperty("servers").EnumerateArray().Select(s => (s.GetProperty("nodeId").GetString(), s.GetProperty("returned").GetInt32(), s.GetProperty("disagreed").GetBoolean()))
            .Should().BeEquivalentTo([(ids[0], 1, false), (ids[1], 1, false)]);

        var follower = Start(["servers", .. client, "--watch"]);
        await follower.WaitForJsonAsync(j => j.TryGetProperty("verdict", out _), StartTimeout);
        await RemoveAsync(ids[1]);
        var evicted = await follower.WaitForJsonAsync(j => j.TryGetProperty("event", out var e) && e.GetString() == "evicted", TimeSpan.FromSeconds(30));
        var stopped = await follower.InterruptAsync();

        evicted.GetProperty("nodeId").GetString().Should().Be(ids[1]);
        evicted.GetProperty("reason").GetString().Should().StartWith("ListingRemoved at block ");
        var removedAt = ulong.Parse(evicted.GetProperty("reason").GetString()!["ListingRemoved at block ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        evicted.GetProperty("block").GetUInt64().Should().BeInRange(removedAt, removedAt + 1, "the follower evicts within a block of the removal");
        stopped.ExitCode.Should().Be(130, "a follower stops on Ctrl-C like `tcr watch`");

        await OkAsync(["message", "send", "--topic", Topic, .. client, "after removal"]);
        var after = (await OkAsync(["history", "--topic", Topic, .. client])).Json();
        after.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("nodeId").GetString()).Should().Equal(ids[0]);
        after.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("payload").GetString()).Should().Equal("hello", "after removal");

        foreach (var server in _running.Take(3))
        {
            var (exitCode, stderr) = await server.InterruptAsync();
            exitCode.Should().Be(0, "Ctrl-C stops a mail server cleanly: {0}", stderr);
        }
    }

    [Fact]
    public async Task History_NoMailServerKnown_RefusesInOneSentence()
    {
        var run = await RunAsync("history", "--topic", Topic, "--walk", "0", "--network", "devnet");

        run.ExitCode.Should().Be(5, run.ToString());
        run.ErrorSentence().Should().Contain("No trusted mail server");
    }

    private List<string> KeyFiles { get; } = [];

    private string NodeKeyFile()
    {
        using var key = PrivateKey.Generate();
        Span<byte> secret = stackalloc byte[32];
        key.ExportSecret(secret);
        var path = Tcr.WriteFile($"node{KeyFiles.Count}.key", Convert.ToHexStringLower(secret));
        KeyFiles.Add(path);
        return path;
    }

    private TcrBackground Start(IEnumerable<string> args)
    {
        var process = Tcr.Start(args, new Dictionary<string, string> { ["TCR_MNEMONIC"] = TcrProcess.HardhatMnemonic });
        _running.Add(process);
        return process;
    }

    /// <summary>Challenge, two upholding votes, reveals, resolve: the listing is removed (ListingRemoved).</summary>
    private async Task RemoveAsync(string nodeId)
    {
        var poll = (await OkAsync("challenge", "open", nodeId, "--account", "mnemonic:3", "--json")).Json().GetProperty("challengeId").ToString();
        // Two voters make the devnet's 10% quorum.
        await OkAsync("vote", "commit", poll, "--uphold", "--account", "mnemonic:4");
        await OkAsync("vote", "commit", poll, "--uphold", "--account", "mnemonic:5");
        await IncreaseTimeAsync(TimeSpan.FromMinutes(11));
        await OkAsync("vote", "reveal", poll, "--account", "mnemonic:4");
        await OkAsync("vote", "reveal", poll, "--account", "mnemonic:5");
        await IncreaseTimeAsync(TimeSpan.FromMinutes(11));
        await OkAsync("challenge", "resolve", nodeId, "--account", "mnemonic:3");
    }

    public override async Task DisposeAsync()
    {
        foreach (var process in _running)
        {
            await process.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
