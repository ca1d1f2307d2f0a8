// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICommitRevealVoting} from "./ICommitRevealVoting.sol";
import {IMailServerRegistry} from "./IMailServerRegistry.sol";
import {TcrParameters} from "../libraries/TcrParameters.sol";

/// @title Parameter governance of the mail-server registry, run as a token-curated registry of proposals.
/// @notice Anyone may propose a new value for a known parameter (`TcrParameters.Name`) with a deposit of
/// `GovMinDeposit`. During the proposal's challenge stage anyone may challenge it by staking the same amount; token
/// holders then decide on `voting()` exactly as for registry challenges (option 1 upholds the challenge, rejecting
/// the proposal). An unchallenged proposal, or one whose challenge failed, takes effect when processed — from the
/// end of its challenge stage (or of its vote) for `GovProcessWindow` seconds. Processed later, it expires: stakes
/// are settled and deposits returned, but the value is not applied. Proposals for the same parameter do not exclude
/// each other: whichever is applied last sets the value.
interface IParameterGovernor {
    /// @notice Lifecycle of a proposal.
    enum ProposalStatus {
        None,
        Pending, //     challengeable, then processable
        Challenged, //  a vote is running or awaits processing
        Applied, //     the value took effect
        Rejected, //    a challenge succeeded
        Expired //      processed too late; not applied
    }

    /// @notice A proposal as stored. Packing: proposer, deposit and status share the first slot.
    struct Proposal {
        address proposer;
        uint88 deposit;
        ProposalStatus status;
        uint8 name;
        uint88 value;
        uint40 challengeEnd;
        uint40 processBy; //        latest time it can take effect; moved to the vote's end + window if challenged
        uint64 challengeId; //      poll id of its challenge on `voting()`, 0 when never challenged
    }

    /// @notice A proposal was made.
    event ProposalCreated(
        uint256 indexed proposalId,
        address indexed proposer,
        uint8 indexed name,
        uint256 value,
        uint256 deposit,
        uint256 challengeEnd
    );
    /// @notice A proposal was challenged; the vote runs as poll `challengeId`.
    event ProposalChallenged(
        uint256 indexed proposalId,
        uint256 indexed challengeId,
        address indexed challenger,
        uint256 stake,
        uint256 commitEnd,
        uint256 revealEnd,
        bytes evidence
    );
    /// @notice A proposal's challenge was decided. `winnerReward` went to the winner on top of its own stake.
    event ProposalChallengeResolved(
        uint256 indexed proposalId,
        uint256 indexed challengeId,
        bool succeeded,
        uint256 winnerReward,
        uint256 voterRewardPool,
        uint256 votesFor,
        uint256 votesAgainst,
        bool quorumReached
    );
    /// @notice A proposal took effect.
    event ProposalApplied(uint256 indexed proposalId, uint8 indexed name, uint256 value);
    /// @notice A proposal lost its challenge and was not applied.
    event ProposalRejected(uint256 indexed proposalId, uint8 indexed name, uint256 value);
    /// @notice A proposal was processed after its process window and was not applied.
    event ProposalExpired(uint256 indexed proposalId, uint8 indexed name, uint256 value);
    /// @notice A winning voter claimed its reward from a proposal challenge.
    event RewardClaimed(uint256 indexed proposalId, uint256 indexed challengeId, address indexed voter, uint256 amount);
    /// @notice A governance parameter changed.
    event ParameterSet(uint8 indexed name, uint256 value);

    /// @notice No proposal has this id.
    error GovernorProposalNotFound(uint256 proposalId);
    /// @notice The action needs the proposal in another status.
    error GovernorWrongStatus(uint256 proposalId, ProposalStatus current);
    /// @notice The proposal's challenge stage is over; it can no longer be challenged.
    error GovernorChallengeStageOver(uint256 proposalId, uint256 challengeEnd, uint256 timestamp);
    /// @notice The proposal cannot be processed yet; `readyAt` is when it can.
    error GovernorNotProcessable(uint256 proposalId, uint256 readyAt, uint256 timestamp);
    /// @notice The proposal's challenge is not resolved, or it has no voter reward pool.
    error GovernorNoReward(uint256 proposalId);

    /// @notice The registry whose parameters this contract governs.
    function registry() external view returns (IMailServerRegistry);

    /// @notice The deposit and voting token.
    function token() external view returns (IERC20);

    /// @notice The voting contract holding proposal-challenge polls.
    function voting() external view returns (ICommitRevealVoting);

    /// @notice The current governance parameters.
    function parameters() external view returns (TcrParameters.Governance memory);

    /// @notice The current value of any known parameter, registry or governance.
    function get(uint8 name) external view returns (uint256);

    /// @notice Number of proposals made; ids run from 1.
    function proposalCount() external view returns (uint256);

    /// @notice Proposes `value` for parameter `name`, moving `GovMinDeposit` tokens from the caller (approve first).
    /// Reverts with `TcrParameters.ParameterUnknown` or `TcrParameters.ParameterOutOfBounds` on a bad name or value.
    function propose(uint8 name, uint256 value) external returns (uint256 proposalId);

    /// @notice Challenges a pending proposal during its challenge stage, staking its deposit (approve first).
    function challengeProposal(uint256 proposalId, bytes calldata evidence) external returns (uint256 challengeId);

    /// @notice Applies an unchallenged proposal after its challenge stage, or resolves its challenge after the vote
    /// (applying it if the challenge failed). Within the process window the value takes effect; later it expires.
    function processProposal(uint256 proposalId) external;

    /// @notice Pays the caller's share of a resolved proposal challenge's voter pool.
    function claimReward(uint256 proposalId) external;

    /// @notice `claimReward` for each id, in one transfer.
    function claimRewards(uint256[] calldata proposalIds) external;

    /// @notice The stored proposal.
    function proposal(uint256 proposalId) external view returns (Proposal memory);

    /// @notice The challenge of a proposal (all zero if never challenged). As in the registry, `amount` is the stake
    /// while the vote runs and the voters' reward pool once resolved.
    function proposalChallenge(uint256 proposalId) external view returns (IMailServerRegistry.Challenge memory);

    /// @notice Whether `processProposal(proposalId)` would succeed now.
    function canProcess(uint256 proposalId) external view returns (bool);
}
