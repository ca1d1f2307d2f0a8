using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Events;
using TcrToolkit.MailServers.Pool;
using TcrToolkit.Registry;
using TcrToolkit.Tests.Events;

namespace TcrToolkit.MailServers.Tests;

/// <summary>
/// The registry on a real Hardhat devnet (contracts deployed by <see cref="RegistryTestbed"/>), a real
/// <see cref="RegistryMirror"/> following it over its own RPC client, and the mirror as the pool's trust
/// (<see cref="RegistryMirrorTrust"/>). Listings are made for given node keys (a mail server's), with the
/// <c>Applied</c> data the applicant chooses.
/// </summary>
public sealed class RegistryBed : IAsyncDisposable
{
    public static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(25);

    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("tcr-ms-bed-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;
    private bool _nodeGone;

    private RegistryBed(RegistryTestbed testbed) => Testbed = testbed;

    public RegistryTestbed Testbed { get; private set; }

    public RpcClient MirrorClient { get; private set; } = null!;

    public RegistryMirror Mirror { get; private set; } = null!;

    public RegistryMirrorTrust Trust { get; private set; } = null!;

    public string MirrorPath => Path.Combine(_directory, "mirror.db");

    public string Directory => _directory;

    /// <summary>A devnet with the registry and a running mirror (HTTP polling unless <paramref name="webSocket"/>).</summary>
    public static async Task<RegistryBed> StartAsync(int actors = 2, TimeSpan? maxStaleness = null, int reorgWindow = 256, bool webSocket = false, TimeSpan? pollInterval = null)
    {
        var bed = new RegistryBed(await RegistryTestbed.StartAsync(actors));
        bed.MirrorClient = RpcClient.CreateHttp(bed.Testbed.Node.HttpEndpoint, new RpcClientOptions { MaxReadRetries = 0 },
            new HttpRpcTransportOptions { RequestTimeout = TimeSpan.FromSeconds(2) });
        bed.Mirror = RegistryMirror.Open(bed.MirrorClient, new RegistryMirrorOptions
        {
            Registry = bed.Testbed.Registry,
            DatabasePath = bed.MirrorPath,
            ConfirmationDepth = 0,
            MaxStaleness = maxStaleness ?? TimeSpan.FromSeconds(30),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
            Stream = new RegistryEventsOptions
            {
                PollInterval = pollInterval ?? Fast, RetryDelay = Fast, ReorgWindow = reorgWindow,
                WebSocketEndpoint = webSocket ? bed.Testbed.Node.WebSocketEndpoint : null,
            },
        });
        bed.Trust = new RegistryMirrorTrust(bed.Mirror, watchInterval: TimeSpan.FromMilliseconds(20));
        bed._run = bed.Mirror.RunAsync(bed._stop.Token);
        await Eventually.HoldsAsync(() => bed.Mirror.IsTrusting, "the mirror trusts its first state");
        return bed;
    }

    /// <summary>Applies for <paramref name="nodeKey"/>'s node id from <paramref name="owner"/>, publishing <paramref name="data"/> with <c>Applied</c>.</summary>
    public async Task<Bytes32> ApplyAsync(PrivateKey owner, PrivateKey nodeKey, byte[]? data = null)
    {
        var tb = Testbed;
        var nodeId = nodeKey.PublicKey.NodeId;
        var latest = await tb.Client.GetBlockAsync(BlockTag.Latest) ?? throw new InvalidOperationException("No latest block.");
        var deadline = DateTimeOffset.FromUnixTimeSeconds((long)latest.Timestamp + 3600);
        var listing = await tb.CallAsync(tb.RegistryAbi, tb.Registry, "listing", nodeId);
        var nonce = listing[0].Items[8].AsUInt256();
        var proof = NodeProof.Sign(nodeKey, tb.ChainId, tb.Registry, owner.Address, nonce, deadline);
        await tb.SendAsync(owner, tb.Registry, tb.RegistryAbi, "applyListing", nodeId, RegistryTestbed.MinDeposit,
            (UInt256)(ulong)deadline.ToUnixTimeSeconds(), proof.Signature.ToBytes(), data ?? []);
        return nodeId;
    }

    /// <summary>Applies and lists <paramref name="nodeKey"/>'s node id, then waits until the mirror trusts it.</summary>
    public async Task<Bytes32> ListAsync(PrivateKey owner, PrivateKey nodeKey, byte[]? data = null)
    {
        var nodeId = await ApplyAsync(owner, nodeKey, data);
        await Testbed.IncreaseTimeAsync(RegistryTestbed.StageLength);
        await Testbed.UpdateStatusAsync(nodeId);
        await Eventually.HoldsAsync(() => Mirror.IsTrusted(nodeId), "the mirror trusts the new listing");
        return nodeId;
    }

    /// <summary>Removes a listing by its owner's exit (the testbed's exit delay is zero).</summary>
    public async Task ExitAsync(PrivateKey owner, Bytes32 nodeId)
    {
        await Testbed.InitExitAsync(owner, nodeId);
        await Testbed.FinalizeExitAsync(owner, nodeId);
    }

    /// <summary>Kills the node (the mirror keeps its own client, which now fails).</summary>
    public async Task KillNodeAsync()
    {
        _nodeGone = true;
        await Testbed.DisposeAsync();
    }

    /// <summary>A fresh chain (new genesis) with the registry redeployed, on the same port.</summary>
    public async Task ReplaceChainAsync()
    {
        var port = Testbed.Node.Port;
        await KillNodeAsync();
        Testbed = await RegistryTestbed.StartAsync(actors: 1, port: port);
        _nodeGone = false;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Trust.Dispose();
        await Mirror.DisposeAsync();
        await MirrorClient.DisposeAsync();
        if (!_nodeGone)
        {
            await Testbed.DisposeAsync();
        }

        _stop.Dispose();
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Waits for a condition on a real clock (processes and sockets run at their own pace).</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(10);
        }
    }
}
