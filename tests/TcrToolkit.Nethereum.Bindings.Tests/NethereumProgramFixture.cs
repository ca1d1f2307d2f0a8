using System.Numerics;
using System.Text;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using TcrToolkit.Ethereum;
using RpcClient = TcrToolkit.Ethereum.Rpc.RpcClient;
using TcrToolkit.Events;
using TransactionReceipt = Nethereum.RPC.Eth.DTOs.TransactionReceipt;
using TcrToolkit.Generated.Nethereum.CommitRevealVoting;
using TcrToolkit.Generated.Nethereum.CommitRevealVoting.ContractDefinition;
using TcrToolkit.Generated.Nethereum.MailServerRegistry;
using TcrToolkit.Generated.Nethereum.MailServerRegistry.ContractDefinition;
using RegistryParameters = TcrToolkit.Generated.Nethereum.MailServerRegistry.ContractDefinition.Registry;
using GovernanceParameters = TcrToolkit.Generated.Nethereum.MailServerRegistry.ContractDefinition.Governance;
using TcrToolkit.Generated.Nethereum.TcrToken;
using TcrToolkit.Generated.Nethereum.TcrToken.ContractDefinition;
using TcrToolkit.Registry;
using TcrToolkit.Votes;

namespace TcrToolkit.NethereumBindings.Tests;

/// <summary>
/// "A team's Nethereum-only program": on a fresh Hardhat node, Nethereum's <see cref="Web3"/> and <see cref="Account"/>
/// with the generated Nethereum services deploy the token, voting and registry as <c>tcr devnet up</c> does (token,
/// then voting on the token, then the registry on both, which creates its governor), apply two nodes with node proofs
/// the toolkit signs (<see cref="NodeProof.Sign"/>), list them, challenge one to removal (upheld) and one in vain
/// (rejected), commit and reveal the votes, resolve and claim. Only time travel (<c>evm_increaseTime</c>) goes through
/// the toolkit's client. The tests then check what the program saw and what the toolkit sees of the same chain.
/// </summary>
public sealed class NethereumProgramFixture : IAsyncLifetime, IDisposable
{
    public static readonly BigInteger Ether = BigInteger.Pow(10, 18);
    public static readonly BigInteger MinDeposit = 100 * Ether;
    public static readonly BigInteger TopUp = 5 * Ether;
    public const uint StageSeconds = 60;

    private HardhatNode? _node;
    private readonly List<PrivateKey> _nodeKeys = [];
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tcr-nethereum-program-");
    private readonly CancellationTokenSource _stopMirror = new();
    private Task? _mirrorRun;

    public HardhatNode Node => _node ?? throw new InvalidOperationException("The node has not started.");

    /// <summary>The toolkit's client of the same node (time travel, the mirror, the toolkit's decoders).</summary>
    public RpcClient Client { get; private set; } = null!;

    public ulong ChainId { get; private set; }

    public IWeb3 Reader { get; private set; } = null!;

    public TcrTokenService Token { get; private set; } = null!;

    public CommitRevealVotingService Voting { get; private set; } = null!;

    public MailServerRegistryService Registry { get; private set; } = null!;

    public ulong DeploymentBlock { get; private set; }

    /// <summary>The toolkit's registry mirror, opened right after the registry's deployment and following the program's events.</summary>
    public RegistryMirror Mirror { get; private set; } = null!;

    /// <summary>The mirror's run; faulted if the mirror stopped with an error.</summary>
    public Task MirrorRun => _mirrorRun ?? Task.CompletedTask;

    public Account Owner { get; private set; } = null!;

    public Account Challenger { get; private set; } = null!;

    public IReadOnlyList<Account> Voters { get; private set; } = [];

    /// <summary>The node removed by the upheld challenge.</summary>
    public Bytes32 Removed { get; private set; }

    /// <summary>The node that survived the rejected challenge.</summary>
    public Bytes32 Kept { get; private set; }

    /// <summary>Each proof's digest as the toolkit computed it and as the registry's <c>nodeProofDigest</c> gave it.</summary>
    public List<(Bytes32 Toolkit, byte[] Contract)> ProofDigests { get; } = [];

    /// <summary>Each vote's commitment as the toolkit computed it and as the voting's <c>commitmentOf</c> gave it.</summary>
    public List<(Bytes32 Toolkit, byte[] Contract)> Commitments { get; } = [];

    public List<ChallengeSucceededEventDTO> Succeeded { get; } = [];

    public List<ChallengeFailedEventDTO> Failed { get; } = [];

    /// <summary>Per claim: <c>rewardOf</c> before it, the <c>RewardClaimed</c> event, and the voter's token balance change.</summary>
    public List<(BigInteger RewardOf, RewardClaimedEventDTO Claimed, BigInteger BalanceChange)> Claims { get; } = [];

    public async Task InitializeAsync()
    {
        _node = await HardhatNode.StartAsync();
        Client = RpcClient.CreateHttp(Node.HttpEndpoint);
        await RunProgramAsync();
    }

    public async Task DisposeAsync()
    {
        await _stopMirror.CancelAsync();
        await MirrorRun.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (Mirror is not null)
        {
            await Mirror.DisposeAsync();
        }

        foreach (var key in _nodeKeys)
        {
            key.Dispose();
        }

        if (Client is not null)
        {
            await Client.DisposeAsync();
        }

        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        _directory.Delete(recursive: true);
    }

    /// <summary>xunit calls this after <see cref="DisposeAsync"/>, which has stopped the mirror.</summary>
    public void Dispose() => _stopMirror.Dispose();

    /// <summary>A Web3 that signs with <paramref name="account"/>.</summary>
    public Web3 Web3Of(Account account) => new(account, Node.HttpEndpoint.ToString());

    private async Task RunProgramAsync()
    {
        var url = Node.HttpEndpoint.ToString();
        Reader = new Web3(url);
        ChainId = (ulong)(await Reader.Eth.ChainId.SendRequestAsync()).Value;
        var deployer = new Account(HardhatNodeFixture.Account0Key, ChainId);
        var web3 = Web3Of(deployer);

        // Deploy as the toolkit's deployer does: token, voting on the token, registry on both (it creates the governor).
        Token = await TcrTokenService.DeployContractAndGetServiceAsync(web3, new TcrTokenDeployment
        {
            Name = "Mail Server Token",
            Symbol = "MST",
            Holder = deployer.Address,
            Supply = 10_000_000 * Ether,
        });
        Voting = await CommitRevealVotingService.DeployContractAndGetServiceAsync(web3, new CommitRevealVotingDeployment { Token = Token.ContractAddress });
        var registryReceipt = await MailServerRegistryService.DeployContractAndWaitForReceiptAsync(web3, new MailServerRegistryDeployment
        {
            Token = Token.ContractAddress,
            Voting = Voting.ContractAddress,
            Params = new RegistryParameters
            {
                MinDeposit = MinDeposit,
                ApplyStageLength = StageSeconds,
                CommitStageLength = StageSeconds,
                RevealStageLength = StageSeconds,
                DispensationPct = 50,
                VoteQuorum = 10,
                PassThreshold = 50,
                ExitDelay = 0,
                ExitWindow = StageSeconds,
            },
            Governance = new GovernanceParameters
            {
                MinDeposit = 200 * Ether,
                ApplyStageLength = StageSeconds,
                CommitStageLength = StageSeconds,
                RevealStageLength = StageSeconds,
                ProcessWindow = StageSeconds * 7,
                DispensationPct = 50,
                VoteQuorum = 10,
                PassThreshold = 50,
            },
        });
        registryReceipt.Succeeded().Should().BeTrue("the registry deploys");
        Registry = new MailServerRegistryService(web3, registryReceipt.ContractAddress);
        DeploymentBlock = (ulong)registryReceipt.BlockNumber.Value;
        Mirror = RegistryMirror.Open(Client, new RegistryMirrorOptions
        {
            Registry = Address.Parse(Registry.ContractAddress),
            DatabasePath = Path.Combine(_directory.FullName, "mirror.db"),
            ConfirmationDepth = 0,
            Stream = new RegistryEventsOptions { PollInterval = TimeSpan.FromMilliseconds(25), RetryDelay = TimeSpan.FromMilliseconds(25) },
        });
        _mirrorRun = Task.Run(() => Mirror.RunAsync(_stopMirror.Token));

        // Four new accounts with ether and a tenth of the supply each (two voters make the 10% quorum), approving the
        // registry and delegating to themselves.
        var actors = new List<Account>();
        for (var i = 0; i < 4; i++)
        {
            var actor = new Account(EthECKey.GenerateKey().GetPrivateKey(), ChainId);
            actors.Add(actor);
            (await web3.Eth.GetEtherTransferService().TransferEtherAndWaitForReceiptAsync(actor.Address, 10m)).Succeeded().Should().BeTrue();
            await SucceedsAsync(Token.TransferRequestAndWaitForReceiptAsync(actor.Address, 1_000_000 * Ether));
            var token = new TcrTokenService(Web3Of(actor), Token.ContractAddress);
            await SucceedsAsync(token.ApproveRequestAndWaitForReceiptAsync(Registry.ContractAddress, BigInteger.Pow(2, 256) - 1));
            await SucceedsAsync(token.DelegateRequestAndWaitForReceiptAsync(actor.Address));
        }

        (Owner, Challenger, Voters) = (actors[0], actors[1], [actors[2], actors[3]]);
        await Client.MineAsync(); // voting weight is read one block before a poll opens

        var owner = new MailServerRegistryService(Web3Of(Owner), Registry.ContractAddress);
        Removed = await ApplyAsync(owner, "enr:-removed");
        Kept = await ApplyAsync(owner, "enr:-kept");
        await AdvanceAsync();
        await SucceedsAsync(Registry.UpdateStatusRequestAndWaitForReceiptAsync(Removed.ToArray()));
        await SucceedsAsync(Registry.UpdateStatusRequestAndWaitForReceiptAsync(Kept.ToArray()));
        await SucceedsAsync(owner.DepositRequestAndWaitForReceiptAsync(Kept.ToArray(), TopUp));

        var upheld = await ChallengeAsync(Removed);
        await VoteAsync(upheld, VoteCommitment.Uphold);
        var resolved = await SucceedsAsync(Registry.UpdateStatusRequestAndWaitForReceiptAsync(Removed.ToArray()));
        Succeeded.AddRange(resolved.DecodeAllEvents<ChallengeSucceededEventDTO>().Select(e => e.Event));
        await ClaimAsync(Voters[0], Removed, upheld);

        var rejected = await ChallengeAsync(Kept);
        await VoteAsync(rejected, VoteCommitment.Reject);
        resolved = await SucceedsAsync(Registry.UpdateStatusRequestAndWaitForReceiptAsync(Kept.ToArray()));
        Failed.AddRange(resolved.DecodeAllEvents<ChallengeFailedEventDTO>().Select(e => e.Event));
        await ClaimAsync(Voters[1], Kept, rejected);
    }

    /// <summary>Applies for a fresh node id owned by <see cref="Owner"/>, with a node proof the toolkit signs.</summary>
    private async Task<Bytes32> ApplyAsync(MailServerRegistryService registry, string enr)
    {
        var nodeKey = PrivateKey.Generate();
        _nodeKeys.Add(nodeKey);
        var nodeId = nodeKey.PublicKey.NodeId;
        var nonce = (await registry.ListingQueryAsync(nodeId.ToArray())).ReturnValue1.Nonce;
        var latest = await Reader.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest());
        var deadline = (ulong)latest.Timestamp.Value + 3600;
        var proof = NodeProof.Sign(nodeKey, ChainId, Address.Parse(Registry.ContractAddress), Address.Parse(Owner.Address), nonce, DateTimeOffset.FromUnixTimeSeconds((long)deadline));
        ProofDigests.Add((
            NodeProof.Digest(proof.ChainId, proof.Registry, proof.Applicant, proof.NodeId, proof.Nonce, proof.Deadline),
            await registry.NodeProofDigestQueryAsync(Owner.Address, nodeId.ToArray(), deadline)));
        await SucceedsAsync(registry.ApplyListingRequestAndWaitForReceiptAsync(nodeId.ToArray(), MinDeposit, deadline, proof.Signature.ToBytes(), Encoding.UTF8.GetBytes(enr)));
        return nodeId;
    }

    private async Task<BigInteger> ChallengeAsync(Bytes32 nodeId)
    {
        var registry = new MailServerRegistryService(Web3Of(Challenger), Registry.ContractAddress);
        var receipt = await SucceedsAsync(registry.ChallengeRequestAndWaitForReceiptAsync(nodeId.ToArray(), Encoding.UTF8.GetBytes("does not serve history")));
        return receipt.DecodeAllEvents<ChallengedEventDTO>().Single().Event.ChallengeId;
    }

    /// <summary>Both voters commit <paramref name="option"/> (the commitment from the contract's <c>commitmentOf</c>), then reveal.</summary>
    private async Task VoteAsync(BigInteger pollId, byte option)
    {
        var salts = new List<byte[]>();
        foreach (var voter in Voters)
        {
            var salt = Keccak256.HashUtf8($"salt {voter.Address} {pollId}").ToArray();
            salts.Add(salt);
            var voting = new CommitRevealVotingService(Web3Of(voter), Voting.ContractAddress);
            var commitment = await voting.CommitmentOfQueryAsync(pollId, voter.Address, option, salt);
            Commitments.Add((VoteCommitment.Compute(ChainId, Address.Parse(Voting.ContractAddress), (UInt256)pollId, Address.Parse(voter.Address), option, new Bytes32(salt)), commitment));
            await SucceedsAsync(voting.CommitVoteRequestAndWaitForReceiptAsync(pollId, commitment));
        }

        await AdvanceAsync();
        for (var i = 0; i < Voters.Count; i++)
        {
            var voting = new CommitRevealVotingService(Web3Of(Voters[i]), Voting.ContractAddress);
            await SucceedsAsync(voting.RevealVoteRequestAndWaitForReceiptAsync(pollId, option, salts[i]));
        }

        await AdvanceAsync();
    }

    private async Task ClaimAsync(Account voter, Bytes32 nodeId, BigInteger challengeId)
    {
        var reward = await Registry.RewardOfQueryAsync(nodeId.ToArray(), challengeId, voter.Address);
        var before = await Token.BalanceOfQueryAsync(voter.Address);
        var registry = new MailServerRegistryService(Web3Of(voter), Registry.ContractAddress);
        var receipt = await SucceedsAsync(registry.ClaimRewardRequestAndWaitForReceiptAsync(nodeId.ToArray(), challengeId));
        var after = await Token.BalanceOfQueryAsync(voter.Address);
        Claims.Add((reward, receipt.DecodeAllEvents<RewardClaimedEventDTO>().Single().Event, after - before));
    }

    private async Task AdvanceAsync()
    {
        await Client.IncreaseTimeAsync(TimeSpan.FromSeconds(StageSeconds));
        await Client.MineAsync();
    }

    private static async Task<TransactionReceipt> SucceedsAsync(Task<TransactionReceipt> send)
    {
        var receipt = await send;
        receipt.Succeeded().Should().BeTrue($"transaction {receipt.TransactionHash} should succeed");
        return receipt;
    }
}

[CollectionDefinition(Name)]
public sealed class NethereumProgramGroup : ICollectionFixture<NethereumProgramFixture>
{
    public const string Name = "Nethereum program";
}
