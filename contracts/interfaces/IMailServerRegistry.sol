// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICommitRevealVoting} from "./ICommitRevealVoting.sol";
import {TcrParameters} from "../libraries/TcrParameters.sol";

/// @title Token-curated registry of chat mail servers.
/// @notice A listing is keyed by the server's discovery node id, `keccak256` of its 64-byte secp256k1 public key.
/// Applying needs a deposit of at least `minDeposit` and an EIP-712 `NodeProof` signed by the node key itself, so
/// nobody can list a server they do not control. Anyone may challenge an application or a listing by staking
/// `minDeposit`; token holders decide in a commit-reveal vote on `voting()`. The loser's stake pays the winner
/// (`dispensationPct` percent of it) and the voters on the winning side (the rest, pro rata to their weight).
///
/// Voting parameters (quorum, pass threshold, stage lengths) are fixed when a challenge opens; the split of the stakes
/// (`dispensationPct`) is the one in force when the challenge is resolved.
///
/// Clients follow the registry from events alone: every state change emits an event with `nodeId` indexed that
/// carries what a follower needs to keep its ledger (deposit after every change, challenge ids, stakes, pools and
/// payouts). Trust ends on any of `ListingRemoved`, `ApplicationRemoved`, `Exited` and `TouchedAndRemoved`. Cold
/// starts load the trusted set through `listedCount` and `listedPage`.
interface IMailServerRegistry {
    /// @notice Lifecycle of a listing. `Listed` and `Exiting` listings are trusted (`isListed`).
    enum Stage {
        Absent,
        Applied,
        Listed,
        Exiting
    }

    /// @notice Lifecycle of a challenge. `Succeeded`: the challenger won and the entry was removed.
    /// `Failed`: the challenge was rejected by the vote or did not reach quorum; the entry stays.
    enum ChallengeStatus {
        None,
        Open,
        Succeeded,
        Failed
    }

    /// @notice A listing as stored. Packing: `owner` and `deposit` share the first slot, the rest the second.
    struct Listing {
        address owner;
        uint96 deposit; //          tokens held for this entry, including any part at stake in a challenge
        Stage stage;
        uint40 applicationEnd; //   when an unchallenged application can be listed
        uint40 exitStart; //        earliest finalizeExit (0 when no exit is pending)
        uint40 exitEnd; //          latest finalizeExit
        uint32 index; //            1-based position in the enumeration of listed ids; 0 when not enumerated
        uint64 challengeId; //      open challenge (its poll id on `voting()`), 0 when none
        uint32 nonce; //            node-proof nonce: the next application must be signed over this value
    }

    /// @notice A challenge as stored, in one slot. `amount` is the challenger's stake while `Open` (the entry stakes
    /// the same amount of its deposit) and, once resolved, the reward pool of the voters on the winning side.
    struct Challenge {
        address challenger;
        uint88 amount;
        ChallengeStatus status;
    }

    /// @notice An application was made. `data` (e.g. the node's ENR) is emitted, never stored.
    /// @param nodeId The node id (keccak256 of the server's public key).
    /// @param owner The applicant, now the entry's owner.
    /// @param deposit The deposit paid in.
    /// @param applicationEnd When an unchallenged application can be listed.
    /// @param data The applicant's data, emitted and never stored.
    event Applied(bytes32 indexed nodeId, address indexed owner, uint256 deposit, uint256 applicationEnd, bytes data);
    /// @notice An application or listing was challenged; the vote runs as poll `challengeId` on `voting()`.
    /// The entry's deposit is unchanged: `stake` of it is now at stake, beside the challenger's equal stake.
    /// @param nodeId The challenged entry.
    /// @param challengeId The poll id of the vote on `voting()`.
    /// @param challenger The account that challenged and staked.
    /// @param stake The challenger's stake (`minDeposit`), matched by as much of the entry's deposit.
    /// @param commitEnd When the commit stage of the vote ends.
    /// @param revealEnd When the reveal stage ends and the challenge can be resolved.
    /// @param evidence The challenger's reason, emitted and never stored.
    event Challenged(
        bytes32 indexed nodeId,
        uint256 indexed challengeId,
        address indexed challenger,
        uint256 stake,
        uint256 commitEnd,
        uint256 revealEnd,
        bytes evidence
    );
    /// @notice The owner added tokens to the entry's deposit.
    /// @param nodeId The entry.
    /// @param owner Its owner, who paid.
    /// @param amount The tokens added.
    /// @param newDeposit The deposit after the change.
    event Deposited(bytes32 indexed nodeId, address indexed owner, uint256 amount, uint256 newDeposit);
    /// @notice The owner took tokens out of the entry's deposit.
    /// @param nodeId The entry.
    /// @param owner Its owner, who was paid.
    /// @param amount The tokens taken out.
    /// @param newDeposit The deposit after the change.
    event Withdrawn(bytes32 indexed nodeId, address indexed owner, uint256 amount, uint256 newDeposit);
    /// @notice An application became a trusted listing.
    /// @param nodeId The entry.
    /// @param owner Its owner.
    /// @param deposit Its deposit now (after any reward of a challenge it survived).
    event Listed(bytes32 indexed nodeId, address indexed owner, uint256 deposit);
    /// @notice An application was removed after losing challenge `challengeId`; the rest of its deposit (all of it
    /// but the stake) went back to the owner. Follows `ChallengeSucceeded`.
    /// @param nodeId The removed entry.
    /// @param owner Its former owner.
    /// @param challengeId The challenge it lost.
    /// @param refund The tokens paid back to the owner.
    event ApplicationRemoved(bytes32 indexed nodeId, address indexed owner, uint256 indexed challengeId, uint256 refund);
    /// @notice A listing was removed after losing challenge `challengeId`; the rest of its deposit (all of it but the
    /// stake) went back to the owner. Follows `ChallengeSucceeded`. Trust ends here.
    /// @param nodeId The removed entry.
    /// @param owner Its former owner.
    /// @param challengeId The challenge it lost.
    /// @param refund The tokens paid back to the owner.
    event ListingRemoved(bytes32 indexed nodeId, address indexed owner, uint256 indexed challengeId, uint256 refund);
    /// @notice The owner started leaving; `finalizeExit` is possible from `exitStart` to `exitEnd`.
    /// @param nodeId The entry, still trusted and challengeable until it exits.
    /// @param owner Its owner.
    /// @param exitStart The first second `finalizeExit` is possible.
    /// @param exitEnd The last second `finalizeExit` is possible.
    event ExitStarted(bytes32 indexed nodeId, address indexed owner, uint256 exitStart, uint256 exitEnd);
    /// @notice The owner left the registry and received its whole deposit. Trust ends here.
    /// @param nodeId The removed entry.
    /// @param owner Its former owner.
    /// @param refund The deposit paid back.
    event Exited(bytes32 indexed nodeId, address indexed owner, uint256 refund);
    /// @notice A challenge found the entry's deposit below `minDeposit`: the entry was removed, its whole deposit
    /// went back to the owner, no vote was held and nothing was taken from the challenger. Trust ends here.
    /// @param nodeId The removed entry.
    /// @param owner Its former owner.
    /// @param deposit The deposit paid back.
    /// @param minDeposit The minimum deposit it fell below.
    event TouchedAndRemoved(bytes32 indexed nodeId, address indexed owner, uint256 deposit, uint256 minDeposit);
    /// @notice The challenger won: it received `challengerReward` (its stake back plus the winner's share). The entry
    /// is removed by the `ApplicationRemoved` or `ListingRemoved` that follows.
    /// @param nodeId The challenged entry.
    /// @param challengeId The challenge.
    /// @param challengerReward The tokens paid to the challenger: its stake plus the winner's share of the entry's.
    /// @param voterRewardPool The rest of the entry's stake, for the voters who upheld the challenge.
    /// @param votesFor Revealed weight for upholding the challenge.
    /// @param votesAgainst Revealed weight against it.
    event ChallengeSucceeded(
        bytes32 indexed nodeId,
        uint256 indexed challengeId,
        uint256 challengerReward,
        uint256 voterRewardPool,
        uint256 votesFor,
        uint256 votesAgainst
    );
    /// @notice The challenge was rejected (or turnout was below quorum): the owner won `ownerReward`, which joined
    /// the entry's deposit — or, when the deposit's 96 bits could not hold it, was paid to the owner instead
    /// (`rewardPaidOut`). A challenged application is then listed (`Listed` follows).
    /// @param nodeId The challenged entry.
    /// @param challengeId The challenge.
    /// @param ownerReward The winner's share of the challenger's stake.
    /// @param rewardPaidOut Whether `ownerReward` was transferred to the owner instead of joining the deposit.
    /// @param newDeposit The entry's deposit after the resolution.
    /// @param voterRewardPool The rest of the challenger's stake, for the voters who rejected the challenge.
    /// @param votesFor Revealed weight for upholding the challenge.
    /// @param votesAgainst Revealed weight against it.
    /// @param quorumReached Whether turnout reached the quorum (if not, there is no voter pool).
    event ChallengeFailed(
        bytes32 indexed nodeId,
        uint256 indexed challengeId,
        uint256 ownerReward,
        bool rewardPaidOut,
        uint256 newDeposit,
        uint256 voterRewardPool,
        uint256 votesFor,
        uint256 votesAgainst,
        bool quorumReached
    );
    /// @notice A voter on the winning side claimed its share of the reward pool.
    /// @param nodeId The challenged entry.
    /// @param challengeId The challenge.
    /// @param voter The voter paid.
    /// @param amount The tokens paid; the challenge's pool (`challengeOf`) is not reduced, claims are settled votes.
    event RewardClaimed(bytes32 indexed nodeId, uint256 indexed challengeId, address indexed voter, uint256 amount);
    /// @notice The governor changed a registry parameter.
    /// @param name The parameter (`TcrParameters.Name`).
    /// @param value Its new value.
    event ParameterSet(uint8 indexed name, uint256 value);

    /// @notice The action needs the entry in another stage.
    /// @param nodeId The entry.
    /// @param current Its stage now.
    /// @param required The stage the action needs (`initExit` also accepts an `Exiting` entry whose window passed).
    error RegistryWrongStage(bytes32 nodeId, Stage current, Stage required);
    /// @notice The entry is `Absent`, and the action needs an application or listing.
    /// @param nodeId The node id asked for.
    error RegistryNotFound(bytes32 nodeId);
    /// @notice Only the entry's owner may do this.
    /// @param nodeId The entry.
    /// @param caller The account that called.
    /// @param owner The entry's owner.
    error RegistryNotOwner(bytes32 nodeId, address caller, address owner);
    /// @notice The deposit would be below the minimum deposit.
    /// @param deposit The deposit offered.
    /// @param minDeposit The minimum.
    error RegistryDepositTooLow(uint256 deposit, uint256 minDeposit);
    /// @notice An amount is zero or does not fit the stored width (96 bits).
    /// @param amount The amount given.
    error RegistryInvalidAmount(uint256 amount);
    /// @notice The withdrawal exceeds what is free: the deposit less the larger of `minDeposit` and any stake.
    /// @param nodeId The entry.
    /// @param amount The amount asked for.
    /// @param available The most that can be withdrawn now.
    error RegistryWithdrawTooLarge(bytes32 nodeId, uint256 amount, uint256 available);
    /// @notice The node-key proof's deadline has passed.
    /// @param deadline The proof's deadline.
    /// @param timestamp The current block time.
    error RegistryProofExpired(uint256 deadline, uint256 timestamp);
    /// @notice The node-key proof is malformed, high-S, or not signed by the node key over this application.
    /// @param nodeId The node id applied for.
    /// @param recovered The signer recovered from the proof (zero when none).
    error RegistryInvalidNodeProof(bytes32 nodeId, address recovered);
    /// @notice The entry already has an open challenge.
    /// @param nodeId The entry.
    /// @param challengeId The open challenge.
    error RegistryChallengeOpen(bytes32 nodeId, uint256 challengeId);
    /// @notice No challenge with this id exists for this node id.
    /// @param nodeId The entry.
    /// @param challengeId The challenge asked for.
    error RegistryChallengeNotFound(bytes32 nodeId, uint256 challengeId);
    /// @notice The challenge is not resolved yet.
    /// @param nodeId The entry.
    /// @param challengeId The open challenge.
    error RegistryChallengeNotResolved(bytes32 nodeId, uint256 challengeId);
    /// @notice Nothing can change for this entry now; `readyAt` is when something can (0: never by waiting).
    /// @param nodeId The entry.
    /// @param current Its stage now.
    /// @param readyAt When the application stage or the open vote ends; 0 when waiting changes nothing.
    error RegistryNothingToUpdate(bytes32 nodeId, Stage current, uint256 readyAt);
    /// @notice finalizeExit outside its window; a missed window needs a new initExit.
    /// @param nodeId The entry.
    /// @param exitStart The first second of the window.
    /// @param exitEnd The last second of the window.
    /// @param timestamp The current block time.
    error RegistryExitNotReady(bytes32 nodeId, uint256 exitStart, uint256 exitEnd, uint256 timestamp);
    /// @notice The challenge's voter pool is empty (no quorum, or no weight on the winning side).
    /// @param nodeId The entry.
    /// @param challengeId The challenge.
    error RegistryNoRewardPool(bytes32 nodeId, uint256 challengeId);
    /// @notice Only the parameter governor may change parameters.
    /// @param caller The account that called.
    error RegistryNotGovernor(address caller);
    /// @notice Two arrays of one batch differ in length.
    /// @param a The first array's length.
    /// @param b The second array's length.
    error RegistryLengthMismatch(uint256 a, uint256 b);
    /// @notice The voting contract weighs votes with another token than the registry's.
    /// @param registryToken The registry's token.
    /// @param votingToken The voting contract's token.
    error RegistryTokenMismatch(address registryToken, address votingToken);

    /// @notice The deposit token (also the voting token).
    function token() external view returns (IERC20);

    /// @notice The commit-reveal voting contract that holds challenge polls.
    function voting() external view returns (ICommitRevealVoting);

    /// @notice The parameter governor, the only account that can change the parameters.
    function governor() external view returns (address);

    /// @notice The current parameters.
    function parameters() external view returns (TcrParameters.Registry memory);

    /// @notice Applies to list `nodeId`, moving `amount` tokens from the caller (approve first).
    /// @param nodeId keccak256 of the server's 64-byte public key.
    /// @param amount The deposit; at least `minDeposit`.
    /// @param deadline Last second at which the node-key proof is valid.
    /// @param nodeProof 65-byte (r, s, v) EIP-712 signature of `NodeProof` by the node key (see `nodeProofDigest`).
    /// @param data Emitted with `Applied`, never stored (e.g. the node's ENR).
    function applyListing(
        bytes32 nodeId,
        uint256 amount,
        uint256 deadline,
        bytes calldata nodeProof,
        bytes calldata data
    ) external;

    /// @notice As `applyListing`, approving the deposit with an EIP-2612 permit in the same transaction.
    /// @dev A permit front-run by someone else still lets the application through when the allowance suffices.
    function applyListingWithPermit(
        bytes32 nodeId,
        uint256 amount,
        uint256 deadline,
        bytes calldata nodeProof,
        bytes calldata data,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Adds `amount` tokens to the deposit of the caller's entry.
    function deposit(bytes32 nodeId, uint256 amount) external;

    /// @notice Takes `amount` tokens out of the deposit of the caller's entry, never below `minDeposit` nor into
    /// the part at stake in an open challenge.
    function withdraw(bytes32 nodeId, uint256 amount) external;

    /// @notice Challenges an application or listing, staking `minDeposit` from the caller (approve first).
    /// If the entry's deposit is already below `minDeposit`, it is removed instead (touch-and-remove), nothing is
    /// taken from the caller, and 0 is returned.
    /// @param evidence Emitted with `Challenged`, never stored (e.g. a link to the reason).
    /// @return challengeId The poll id of the vote on `voting()`, or 0 after touch-and-remove.
    function challenge(bytes32 nodeId, bytes calldata evidence) external returns (uint256 challengeId);

    /// @notice Lists an unchallenged application whose application stage has ended, or resolves a challenge whose
    /// vote has ended. Anyone may call it.
    function updateStatus(bytes32 nodeId) external;

    /// @notice `updateStatus` for each id; reverts as a whole if any of them cannot be updated.
    function updateStatuses(bytes32[] calldata nodeIds) external;

    /// @notice Pays the caller's share of a resolved challenge's voter pool (the caller revealed the winning option).
    function claimReward(bytes32 nodeId, uint256 challengeId) external;

    /// @notice `claimReward` for each (nodeId, challengeId) pair, in one transfer.
    function claimRewards(bytes32[] calldata nodeIds, uint256[] calldata challengeIds) external;

    /// @notice Starts leaving the registry. The listing stays trusted and challengeable until it exits.
    function initExit(bytes32 nodeId) external;

    /// @notice Leaves the registry and refunds the deposit, between `exitStart` and `exitEnd` and with no challenge open.
    function finalizeExit(bytes32 nodeId) external;

    /// @notice Sets a registry parameter. Governor only; the governor checks bounds before a proposal exists.
    function setParameter(uint8 name, uint256 value) external;

    /// @notice Whether `nodeId` is trusted now (stage Listed or Exiting).
    function isListed(bytes32 nodeId) external view returns (bool);

    /// @notice `isListed` for each id.
    function areListed(bytes32[] calldata nodeIds) external view returns (bool[] memory);

    /// @notice The stored listing (all zero when absent, except a nonce that survives removal).
    function listing(bytes32 nodeId) external view returns (Listing memory);

    /// @notice A challenge of `nodeId`.
    function challengeOf(bytes32 nodeId, uint256 challengeId) external view returns (Challenge memory);

    /// @notice The reward `voter` could claim now for a challenge (0 if none).
    function rewardOf(bytes32 nodeId, uint256 challengeId, address voter) external view returns (uint256);

    /// @notice Whether `updateStatus(nodeId)` would do something now.
    function canUpdateStatus(bytes32 nodeId) external view returns (bool);

    /// @notice The EIP-712 digest the node key signs for an application by `applicant`, over the current nonce.
    /// @dev Typed data `NodeProof(address applicant,bytes32 nodeId,uint256 nonce,uint256 deadline)`, domain name
    /// "MailServerRegistry", version "1", this chain, this contract. The nonce (`listing(nodeId).nonce`) grows with
    /// every application, so a proof cannot be replayed after the entry is removed.
    function nodeProofDigest(address applicant, bytes32 nodeId, uint256 deadline) external view returns (bytes32);

    /// @notice Number of trusted (Listed or Exiting) node ids.
    function listedCount() external view returns (uint256);

    /// @notice Up to `limit` trusted node ids from position `offset`. Order changes when entries leave.
    function listedPage(uint256 offset, uint256 limit) external view returns (bytes32[] memory nodeIds);
}
