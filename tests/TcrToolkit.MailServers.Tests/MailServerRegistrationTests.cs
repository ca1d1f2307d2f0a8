using TcrToolkit.Ethereum;
using TcrToolkit.Generated;
using TcrToolkit.MailServers.Client;
using TcrToolkit.MailServers.Pool;
using TcrToolkit.MailServers.Server;
using TcrToolkit.Registry;
using TcrToolkit.Tests.Events;

namespace TcrToolkit.MailServers.Tests;

/// <summary>The server kit's registry steps for its operator, against a Hardhat devnet and the real mirror.</summary>
[Trait("Category", "Integration")]
public sealed class MailServerRegistrationTests
{
    [Fact]
    public async Task Registration_ApplyTopUpExit_ListsWithTheServersRecordAndTheMirrorFollows()
    {
        await using var bed = await RegistryBed.StartAsync();
        var store = Path.Combine(bed.Directory, "server.db");
        var options = new MailServerHostOptions { NodeKey = PrivateKey.Generate(), StorePath = store };
        await using var server = await MailServerHost.StartAsync(options);
        var connection = await TcrConnection.ConnectAsync(bed.Testbed.Client, bed.Testbed.Deployment);
        var registration = server.Registration(connection.Account(bed.Testbed.Actors[0]));

        var applied = await registration.ApplyAsync(RegistryTestbed.MinDeposit);

        applied.NodeId.Should().Be(server.NodeId, "the listing key is the server's discovery node id");
        var data = applied.Receipt.Logs.Select(MailServerRegistry.AppliedEvent.TryDecode).Single(e => e is not null)!.Data;
        var hint = MailServerHints.FromAppliedData(server.NodeId, data);
        hint.Should().NotBeNull("the application publishes the server's own signed record");
        hint!.Addresses.Should().BeEquivalentTo(MailServerRecords.ToCandidate(server.Record, CandidateSource.Static)!.Addresses);

        var again = () => registration.ApplyAsync(RegistryTestbed.MinDeposit);
        await again.Should().ThrowAsync<PreflightException>("the node id is taken; pre-flight says so and sends nothing");

        await bed.Testbed.IncreaseTimeAsync(RegistryTestbed.StageLength);
        await bed.Testbed.UpdateStatusAsync(server.NodeId);
        await Eventually.HoldsAsync(() => bed.Mirror.IsTrusted(server.NodeId), "the mirror trusts the listed server");

        await registration.TopUpAsync(RegistryTestbed.Unit);
        var listing = await new RegistryReader(connection).GetListingStateAsync(server.NodeId);
        listing.Deposit.Should().Be(RegistryTestbed.MinDeposit + RegistryTestbed.Unit);

        await registration.InitExitAsync();
        await registration.FinalizeExitAsync();
        await Eventually.HoldsAsync(() => !bed.Mirror.IsTrusted(server.NodeId), "the exit withdraws trust");
    }
}
