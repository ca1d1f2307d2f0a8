using System.Text.Json;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Votes;

namespace TcrToolkit.Tests.Events;

/// <summary>
/// The token, voting and registry contracts deployed from the Hardhat artifacts on a fresh node, with funded,
/// self-delegated actors and drivers for the registry's lifecycle (apply, list, challenge, vote, resolve, exit).
/// </summary>
public sealed class RegistryTestbed : IAsyncDisposable
{
    /// <summary>Hardhat's default funded account 0 (a published development key).</summary>
    public const string Account0Key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    public static readonly UInt256 Unit = EthUnits.ParseEther("1");
    public static readonly UInt256 MinDeposit = EthUnits.ParseEther("100");
    public static readonly TimeSpan StageLength = TimeSpan.FromMinutes(1);

    private readonly PrivateKey _deployer = PrivateKey.ParseHex(Account0Key);
    private readonly List<PrivateKey> _actors = [];
    private readonly Dictionary<Address, TransactionSender> _senders = [];
    private readonly Dictionary<Bytes32, PrivateKey> _nodeKeys = [];
    private readonly List<RpcClient> _retiredClients = [];

    private RegistryTestbed(HardhatNode node)
    {
        Node = node;
        Client = NewClient();
    }

    public HardhatNode Node { get; }

    public RpcClient Client { get; private set; }

    public ulong ChainId { get; private set; }

    public ContractAbi TokenAbi { get; } = ContractAbi.Parse(File.ReadAllText(ArtifactPath("TcrToken")));

    public ContractAbi VotingAbi { get; } = ContractAbi.Parse(File.ReadAllText(ArtifactPath("CommitRevealVoting")));

    public ContractAbi RegistryAbi { get; } = ContractAbi.Parse(File.ReadAllText(ArtifactPath("MailServerRegistry")));

    public Address Token { get; private set; }

    public Address Voting { get; private set; }

    public Address Registry { get; private set; }

    /// <summary>The block the registry was deployed in.</summary>
    public ulong DeploymentBlock { get; private set; }

    public IReadOnlyList<PrivateKey> Actors => _actors;

    /// <summary>A fresh node with the contracts deployed; on <paramref name="port"/> when given (a node replacing one just stopped).</summary>
    public static async Task<RegistryTestbed> StartAsync(int actors = 6, int? port = null) =>
        await DeployOnAsync(await HardhatNode.StartAsync(port: port), actors);

    /// <summary>Deploys the contracts on a running node, which the testbed then owns.</summary>
    /// <remarks>The deployer's first transactions deploy the contracts, so on a fresh node they get the same addresses every time.</remarks>
    public static async Task<RegistryTestbed> DeployOnAsync(HardhatNode node, int actors = 6)
    {
        var testbed = new RegistryTestbed(node);
        try
        {
            await testbed.DeployAsync(actors);
            return testbed;
        }
        catch
        {
            await testbed.DisposeAsync();
            throw;
        }
    }

    public static string ArtifactPath(string contract) =>
        Path.Combine(Repository.Root, "artifacts", "contracts", contract + ".sol", contract + ".json");

    public async Task<string> SnapshotAsync() => await Client.SnapshotAsync();

    /// <summary>Restores a snapshot and starts over with new nonce trackers, since the chain forgot the later transactions.</summary>
    public async Task RevertAsync(string snapshot)
    {
        (await Client.RevertToSnapshotAsync(snapshot)).Should().BeTrue();
        // Streams under test may still read through the old client: keep it open until the testbed closes.
        _retiredClients.Add(Client);
        Client = NewClient();
        _senders.Clear();
    }

    public async Task MineAsync(int blocks = 1)
    {
        for (var i = 0; i < blocks; i++)
        {
            await Client.MineAsync();
        }
    }

    public async Task IncreaseTimeAsync(TimeSpan delta)
    {
        await Client.IncreaseTimeAsync(delta);
        await Client.MineAsync();
    }

    /// <summary>Applies for a new node id owned by <paramref name="owner"/>, with a node proof signed by a fresh node key.</summary>
    public async Task<Bytes32> ApplyAsync(PrivateKey owner, UInt256? deposit = null)
    {
        var nodeKey = PrivateKey.Generate();
        var nodeId = nodeKey.PublicKey.NodeId;
        _nodeKeys[nodeId] = nodeKey;
        var latest = await Client.GetBlockAsync(BlockTag.Latest) ?? throw new InvalidOperationException("No latest block.");
        var deadline = (UInt256)(latest.Timestamp + 3600);
        var listing = await CallAsync(RegistryAbi, Registry, "listing", nodeId);
        var nonce = listing[0].Items[8].AsUInt256();
        var proof = SignNodeProof(nodeKey, owner.Address, nodeId, nonce, deadline);
        await SendAsync(owner, Registry, RegistryAbi, "applyListing", nodeId, deposit ?? MinDeposit, deadline, proof, Array.Empty<byte>());
        return nodeId;
    }

    /// <summary>Applies and lists (waits out the application stage, then updates the status).</summary>
    public async Task<Bytes32> ListAsync(PrivateKey owner)
    {
        var nodeId = await ApplyAsync(owner);
        await IncreaseTimeAsync(StageLength);
        await UpdateStatusAsync(nodeId);
        return nodeId;
    }

    public Task UpdateStatusAsync(Bytes32 nodeId) => SendAsync(_actors[0], Registry, RegistryAbi, "updateStatus", nodeId);

    /// <summary>Challenges and returns the poll id (0 after a touch-and-remove).</summary>
    public async Task<UInt256> ChallengeAsync(PrivateKey challenger, Bytes32 nodeId)
    {
        var receipt = await SendAsync(challenger, Registry, RegistryAbi, "challenge", nodeId, Array.Empty<byte>());
        var challenged = receipt.Logs.Select(l => RegistryAbi.DecodeLog(l.Topics, l.Data.Span)).FirstOrDefault(e => e?.Name == "Challenged");
        return challenged?["challengeId"].AsUInt256() ?? UInt256.Zero;
    }

    /// <summary>Commits and reveals each voter's option, moving time through both stages.</summary>
    public async Task VoteAsync(UInt256 pollId, params (PrivateKey Voter, byte Option)[] votes)
    {
        var salts = new Dictionary<Address, Bytes32>();
        foreach (var (voter, option) in votes)
        {
            var salt = Keccak256.HashUtf8($"salt {voter.Address} {pollId}");
            salts[voter.Address] = salt;
            var commitment = VoteCommitment.Compute(ChainId, Voting, pollId, voter.Address, option, salt);
            await SendAsync(voter, Voting, VotingAbi, "commitVote", pollId, commitment);
        }

        await IncreaseTimeAsync(StageLength);
        foreach (var (voter, option) in votes)
        {
            await SendAsync(voter, Voting, VotingAbi, "revealVote", pollId, option, salts[voter.Address]);
        }

        await IncreaseTimeAsync(StageLength);
    }

    /// <summary>Gives <paramref name="account"/> ether for gas and tokens from the deployer, without approvals or delegation.</summary>
    public async Task FundAsync(Address account, UInt256 ether, UInt256 tokens)
    {
        await Sender(_deployer).SendAndWaitAsync(new TransactionRequest { To = account, Value = ether });
        if (!tokens.IsZero)
        {
            await SendAsync(_deployer, Token, TokenAbi, "transfer", account, tokens);
        }
    }

    /// <summary>The registry's deployment (every address known), as a manifest would give it.</summary>
    public TcrToolkit.Configuration.TcrDeployment Deployment => new(ChainId, Registry, Voting, Token, null);

    public Task InitExitAsync(PrivateKey owner, Bytes32 nodeId) => SendAsync(owner, Registry, RegistryAbi, "initExit", nodeId);

    /// <summary>Finalises an exit; the testbed's exit delay is zero, so right after <see cref="InitExitAsync"/> works.</summary>
    public Task FinalizeExitAsync(PrivateKey owner, Bytes32 nodeId) => SendAsync(owner, Registry, RegistryAbi, "finalizeExit", nodeId);

    public Task DepositAsync(PrivateKey owner, Bytes32 nodeId, UInt256 amount) =>
        SendAsync(owner, Registry, RegistryAbi, "deposit", nodeId, amount);

    /// <summary>The trusted node ids by the contract's enumeration view, at <paramref name="block"/>.</summary>
    public async Task<HashSet<Bytes32>> ListedOnChainAsync(BlockTag block = default)
    {
        var count = (ulong)(await CallAsync(RegistryAbi, Registry, "listedCount", block))[0].AsUInt256();
        var listed = new HashSet<Bytes32>();
        for (ulong offset = 0; offset < count; offset += 50)
        {
            var page = await CallAsync(RegistryAbi, Registry, "listedPage", block, (UInt256)offset, (UInt256)50UL);
            listed.UnionWith(page[0].Items.Select(v => v.AsBytes32()));
        }

        return listed;
    }

    public async Task<IReadOnlyList<AbiValue>> CallAsync(ContractAbi abi, Address to, string function, params object?[] arguments) =>
        await CallAsync(abi, to, function, BlockTag.Latest, arguments);

    public async Task<IReadOnlyList<AbiValue>> CallAsync(ContractAbi abi, Address to, string function, BlockTag block, params object?[] arguments)
    {
        var f = abi.GetFunction(function);
        var output = await Client.CallAsync(new CallRequest { To = to, Data = f.EncodeCall(arguments) }, block);
        return f.DecodeOutput(output);
    }

    public async Task<TransactionReceipt> SendAsync(PrivateKey from, Address to, ContractAbi abi, string function, params object?[] arguments)
    {
        var receipt = await Sender(from).SendAndWaitAsync(new TransactionRequest { To = to, Data = abi.GetFunction(function).EncodeCall(arguments) });
        receipt.Succeeded.Should().BeTrue($"{function} should succeed");
        return receipt;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        foreach (var client in _retiredClients)
        {
            await client.DisposeAsync();
        }

        await Node.DisposeAsync();
        _deployer.Dispose();
        foreach (var key in _actors.Concat(_nodeKeys.Values))
        {
            key.Dispose();
        }
    }

    private byte[] SignNodeProof(PrivateKey nodeKey, Address applicant, Bytes32 nodeId, UInt256 nonce, UInt256 deadline)
    {
        var domain = new TypedDataDomain { Name = "MailServerRegistry", Version = "1", ChainId = ChainId, VerifyingContract = Registry };
        var types = new Dictionary<string, IReadOnlyList<TypedDataField>>
        {
            ["NodeProof"] = [new("applicant", "address"), new("nodeId", "bytes32"), new("nonce", "uint256"), new("deadline", "uint256")],
        };
        var message = JsonSerializer.SerializeToElement(new Dictionary<string, string>
        {
            ["applicant"] = applicant.ToString(),
            ["nodeId"] = nodeId.ToString(),
            ["nonce"] = nonce.ToString(),
            ["deadline"] = deadline.ToString(),
        });
        return new TypedData(domain, types, "NodeProof", message).Sign(nodeKey).ToBytes();
    }

    private async Task DeployAsync(int actorCount)
    {
        ChainId = await Client.GetChainIdAsync();
        var supply = EthUnits.ParseEther("10000000");
        Token = await DeployAsync("TcrToken", TokenAbi, "Mail Server Token", "MST", _deployer.Address, supply);
        Voting = await DeployAsync("CommitRevealVoting", VotingAbi, Token);
        var seconds = (uint)StageLength.TotalSeconds;
        object?[] registryParameters = [MinDeposit, seconds, seconds, seconds, 50, 10, 50, 0, seconds];
        object?[] governanceParameters = [EthUnits.ParseEther("200"), seconds, seconds, seconds, seconds * 7, 50, 10, 50];
        Registry = await DeployAsync("MailServerRegistry", RegistryAbi, Token, Voting, registryParameters, governanceParameters);
        DeploymentBlock = await Client.GetBlockNumberAsync();

        for (var i = 0; i < actorCount; i++)
        {
            var actor = PrivateKey.Generate();
            _actors.Add(actor);
            await Sender(_deployer).SendAndWaitAsync(new TransactionRequest { To = actor.Address, Value = EthUnits.ParseEther("10") });
            // A tenth of the supply each, so that two voters make the 10% quorum.
            await SendAsync(_deployer, Token, TokenAbi, "transfer", actor.Address, EthUnits.ParseEther("1000000"));
            await SendAsync(actor, Token, TokenAbi, "approve", Registry, UInt256.MaxValue);
            await SendAsync(actor, Token, TokenAbi, "delegate", actor.Address);
        }

        // Voting weight is read one block before a poll opens.
        await MineAsync();
    }

    private async Task<Address> DeployAsync(string contract, ContractAbi abi, params object?[] arguments)
    {
        using var artifact = JsonDocument.Parse(File.ReadAllText(ArtifactPath(contract)));
        var bytecode = Hex.Decode(artifact.RootElement.GetProperty("bytecode").GetString()!);
        var data = abi.Constructor!.EncodeDeployment(bytecode, arguments);
        var receipt = await Sender(_deployer).SendAndWaitAsync(new TransactionRequest { Data = data });
        return receipt.ContractAddress ?? throw new InvalidOperationException($"Deploying {contract} gave no contract address.");
    }

    private TransactionSender Sender(PrivateKey key)
    {
        if (!_senders.TryGetValue(key.Address, out var sender))
        {
            sender = new TransactionSender(Client, key, new TransactionSenderOptions
            {
                PollInterval = TimeSpan.FromMilliseconds(10),
                ReceiptTimeout = TimeSpan.FromSeconds(30),
            });
            _senders[key.Address] = sender;
        }

        return sender;
    }

    private RpcClient NewClient() => RpcClient.CreateHttp(Node.HttpEndpoint, new RpcClientOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(50) });
}
