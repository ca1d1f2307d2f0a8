using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Abi;
using TcrToolkit.Ethereum.Rpc;

namespace TcrToolkit.Tests.Events;

/// <summary>
/// Encoders of registry logs for scripted chains and decoding tests. The library decodes with the generated bindings
/// only; these signatures exist to make logs, and <c>RegistryEventDecodingTests</c> checks each topic against the
/// bindings' so that they cannot drift.
/// </summary>
internal static class TestRegistryAbi
{
    public static IReadOnlyDictionary<string, AbiEvent> Events { get; } = new[]
    {
        "Applied(bytes32 indexed nodeId, address indexed owner, uint256 deposit, uint256 applicationEnd, bytes data)",
        "Challenged(bytes32 indexed nodeId, uint256 indexed challengeId, address indexed challenger, uint256 stake, uint256 commitEnd, uint256 revealEnd, bytes evidence)",
        "Deposited(bytes32 indexed nodeId, address indexed owner, uint256 amount, uint256 newDeposit)",
        "Withdrawn(bytes32 indexed nodeId, address indexed owner, uint256 amount, uint256 newDeposit)",
        "Listed(bytes32 indexed nodeId, address indexed owner, uint256 deposit)",
        "ApplicationRemoved(bytes32 indexed nodeId, address indexed owner, uint256 indexed challengeId, uint256 refund)",
        "ListingRemoved(bytes32 indexed nodeId, address indexed owner, uint256 indexed challengeId, uint256 refund)",
        "ExitStarted(bytes32 indexed nodeId, address indexed owner, uint256 exitStart, uint256 exitEnd)",
        "Exited(bytes32 indexed nodeId, address indexed owner, uint256 refund)",
        "TouchedAndRemoved(bytes32 indexed nodeId, address indexed owner, uint256 deposit, uint256 minDeposit)",
        "ChallengeSucceeded(bytes32 indexed nodeId, uint256 indexed challengeId, uint256 challengerReward, uint256 voterRewardPool, uint256 votesFor, uint256 votesAgainst)",
        "ChallengeFailed(bytes32 indexed nodeId, uint256 indexed challengeId, uint256 ownerReward, bool rewardPaidOut, uint256 newDeposit, uint256 voterRewardPool, uint256 votesFor, uint256 votesAgainst, bool quorumReached)",
        "RewardClaimed(bytes32 indexed nodeId, uint256 indexed challengeId, address indexed voter, uint256 amount)",
        "ParameterSet(uint8 indexed name, uint256 value)",
    }.Select(s => AbiEvent.Parse(s)).ToDictionary(e => e.Name);

    /// <summary>A registry log of <paramref name="name"/> with <paramref name="arguments"/>, at the scripted registry.</summary>
    public static Log LogOf(string name, params object?[] arguments)
    {
        var (topics, data) = Events[name].EncodeLog(arguments);
        return new Log { Address = ScriptedChain.Registry, Topics = topics, Data = data, BlockNumber = 5, LogIndex = 3 };
    }
}
