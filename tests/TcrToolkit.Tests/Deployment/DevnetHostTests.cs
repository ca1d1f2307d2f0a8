using System.Diagnostics;
using System.Text.Json;
using TcrToolkit.Configuration;
using TcrToolkit.Devnet;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Tests.Events;
using Generated = TcrToolkit.Generated;

namespace TcrToolkit.Tests.Deployment;

[Trait("Category", "Integration")]
public sealed class DevnetHostTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-devnet-").FullName;
    private readonly DevnetHost _host;

    public DevnetHostTests() =>
        _host = new DevnetHost(new DevnetOptions { StateDirectory = _directory, RepositoryRoot = Repository.Root, FundedAccounts = 2 });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task UpStatusDown_StartsADetachedNodeWithTheTcrAndStopsIt()
    {
        var up = await _host.UpAsync();

        up.AlreadyRunning.Should().BeFalse();
        up.Deployment.IsComplete.Should().BeTrue();
        up.State.Accounts.Should().HaveCount(3);
        File.Exists(_host.StatePath).Should().BeTrue();
        DeploymentManifest.Load(_host.ManifestPath).Registry.Address.Should().Be(up.Deployment.Registry!.Address);
        File.ReadAllText(_host.LogPath).Should().Contain("127.0.0.1:" + up.State.Port);

        await using (var client = RpcClient.CreateHttp(up.State.RpcUrl))
        {
            var token = new Generated.TcrToken(client, up.Deployment.Token!.Address);
            (await token.BalanceOfAsync(up.State.Accounts[1])).Should().Be(EthUnits.ParseEther("1000000"));
            (await token.GetVotesAsync(up.State.Accounts[2])).Should().Be(EthUnits.ParseEther("1000000"), "test accounts delegate to themselves");
            (await token.DelegatesAsync(up.State.Accounts[0])).Should().Be(up.State.Accounts[0]);
        }

        var status = await _host.StatusAsync();
        status.Running.Should().BeTrue();
        status.ChainId.Should().Be(31337UL);
        status.Registry.Should().Be(up.Deployment.Registry.Address);
        status.ListingCount.Should().Be(UInt256.Zero);
        status.BlockNumber.Should().BeGreaterThan(3UL);

        var again = await _host.UpAsync();
        again.AlreadyRunning.Should().BeTrue();
        again.State.Should().BeEquivalentTo(up.State);

        (await _host.StopAsync()).Should().BeTrue();
        IsRunning(up.State.ProcessId).Should().BeFalse();
        File.Exists(_host.StatePath).Should().BeFalse();
        (await _host.StopAsync()).Should().BeFalse("stopping twice is harmless");
        (await _host.StatusAsync()).Running.Should().BeFalse();
    }

    [Fact]
    public async Task Status_StateOfAProcessThatIsGone_IsStaleAndRemoved()
    {
        using var gone = Process.Start("/bin/true")!;
        await gone.WaitForExitAsync();
        var stale = new DevnetState(gone.Id, 1, new Uri("http://127.0.0.1:1"), 31337, _host.LogPath, _host.ManifestPath, DateTimeOffset.UtcNow, []);
        await File.WriteAllTextAsync(_host.StatePath, JsonSerializer.Serialize(stale));

        var status = await _host.StatusAsync();

        status.Running.Should().BeFalse();
        status.Message.Should().Contain("no longer running");
        File.Exists(_host.StatePath).Should().BeFalse();
        (await _host.StopAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task Stop_StateNamingAProcessThatIsNoHardhatNode_LeavesThatProcessAlone()
    {
        var stale = new DevnetState(Environment.ProcessId, 1, new Uri("http://127.0.0.1:1"), 31337, _host.LogPath, _host.ManifestPath, DateTimeOffset.UtcNow, []);
        await File.WriteAllTextAsync(_host.StatePath, JsonSerializer.Serialize(stale));

        var stopped = await _host.StopAsync();

        stopped.Should().BeFalse("a reused pid belongs to another program");
        File.Exists(_host.StatePath).Should().BeFalse();
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
