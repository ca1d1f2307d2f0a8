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
/// are settled and deposits returned, but the value is not applied.
///
/// One live proposal per parameter: a proposal is live from `propose` until it is processed or its process window
/// ends (`processBy`), and while it is live no other proposal of the same parameter is accepted
/// (`GovernorProposalLive`). So nothing changes a parameter between a proposal and its processing except that
/// proposal itself: no processed proposal can undo a change applied after it was made. Proposing the current value
/// is refused (`GovernorValueUnchanged`). A live proposal that nobody wants is challenged, or simply left to pass its
/// window; it blocks its parameter for at most the challenge stage, the vote and `GovProcessWindow`.
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
    /// @param proposalId The new proposal's id.
    /// @param proposer The account that proposed and paid the deposit.
    /// @param name The parameter (`TcrParameters.Name`).
    /// @param value The proposed value.
    /// @param deposit The proposer's deposit (`GovMinDeposit`).
    /// @param challengeEnd When the challenge stage ends and an unchallenged proposal can be processed.
    event ProposalCreated(
        uint256 indexed proposalId,
        address indexed proposer,
        uint8 indexed name,
        uint256 value,
        uint256 deposit,
        uint256 challengeEnd
    );
    /// @notice A proposal was challenged; the vote runs as poll `challengeId`.
    /// @param proposalId The challenged proposal.
    /// @param challengeId The poll id of the vote on `voting()`.
    /// @param challenger The account that challenged and staked.
    /// @param stake The challenger's stake, equal to the proposal's deposit.
    /// @param commitEnd When the commit stage of the vote ends.
    /// @param revealEnd When the reveal stage ends and the challenge can be resolved.
    /// @param evidence The challenger's reason, emitted and never stored.
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
    /// @param proposalId The proposal.
    /// @param challengeId The poll id of the challenge.
    /// @param succeeded Whether the challenger won (the proposal is rejected).
    /// @param winnerReward The part of the loser's stake paid to the winner on top of its own stake.
    /// @param voterRewardPool The part of the loser's stake reserved for the voters on the winning side.
    /// @param votesFor Revealed weight for upholding the challenge.
    /// @param votesAgainst Revealed weight against it.
    /// @param quorumReached Whether turnout reached the quorum.
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
    /// @param proposalId The proposal.
    /// @param name The parameter.
    /// @param value Its new value.
    event ProposalApplied(uint256 indexed proposalId, uint8 indexed name, uint256 value);
    /// @notice A proposal lost its challenge and was not applied.
    /// @param proposalId The proposal.
    /// @param name The parameter.
    /// @param value The value that was proposed.
    event ProposalRejected(uint256 indexed proposalId, uint8 indexed name, uint256 value);
    /// @notice A proposal was processed after its process window and was not applied.
    /// @param proposalId The proposal.
    /// @param name The parameter.
    /// @param value The value that was proposed.
    event ProposalExpired(uint256 indexed proposalId, uint8 indexed name, uint256 value);
    /// @notice A winning voter claimed its reward from a proposal challenge.
    /// @param proposalId The challenged proposal.
    /// @param challengeId The poll id of the challenge.
    /// @param voter The voter paid.
    /// @param amount The tokens paid.
    event RewardClaimed(uint256 indexed proposalId, uint256 indexed challengeId, address indexed voter, uint256 amount);
    /// @notice A governance parameter changed.
    /// @param name The parameter (a `Gov…` name).
    /// @param value Its new value.
    event ParameterSet(uint8 indexed name, uint256 value);

    /// @notice No proposal has this id.
    /// @param proposalId The id asked for.
    error GovernorProposalNotFound(uint256 proposalId);
    /// @notice The action needs the proposal in another status.
    /// @param proposalId The proposal.
    /// @param current Its status now.
    /// @param required The status the action needs.
    error GovernorWrongStatus(uint256 proposalId, ProposalStatus current, ProposalStatus required);
    /// @notice The proposal was already processed (applied, rejected or expired); there is nothing left to process.
    /// @param proposalId The proposal.
    /// @param current Its final status.
    error GovernorAlreadyProcessed(uint256 proposalId, ProposalStatus current);
    /// @notice The proposal's challenge stage is over; it can no longer be challenged.
    /// @param proposalId The proposal.
    /// @param challengeEnd When its challenge stage ended.
    /// @param timestamp The current block time.
    error GovernorChallengeStageOver(uint256 proposalId, uint256 challengeEnd, uint256 timestamp);
    /// @notice The proposal cannot be processed yet; `readyAt` is when it can.
    /// @param proposalId The proposal.
    /// @param readyAt When the challenge stage (or the vote) ends.
    /// @param timestamp The current block time.
    error GovernorNotProcessable(uint256 proposalId, uint256 readyAt, uint256 timestamp);
    /// @notice The proposal's challenge is not resolved, or it has no voter reward pool.
    /// @param proposalId The proposal.
    error GovernorNoReward(uint256 proposalId);
    /// @notice The proposed value is the parameter's current value.
    /// @param name The parameter.
    /// @param value Its current value.
    error GovernorValueUnchanged(uint8 name, uint256 value);
    /// @notice Another proposal of this parameter is live; a new one is accepted once it is processed or after
    /// `liveUntil`.
    /// @param name The parameter.
    /// @param proposalId The live proposal.
    /// @param liveUntil The end of its process window (`processBy`).
    error GovernorProposalLive(uint8 name, uint256 proposalId, uint256 liveUntil);

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
    /// Reverts with `TcrParameters.ParameterUnknown` or `TcrParameters.ParameterOutOfBounds` on a bad name or value,
    /// `GovernorValueUnchanged` when `value` is current, and `GovernorProposalLive` while another proposal of `name`
    /// is live.
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

    /// @notice The live proposal of parameter `name` (see the contract's notice), or 0 when a proposal may be made.
    function liveProposalOf(uint8 name) external view returns (uint256 proposalId);

    /// @notice The stored proposal.
    function proposal(uint256 proposalId) external view returns (Proposal memory);

    /// @notice The challenge of a proposal (all zero if never challenged). As in the registry, `amount` is the stake
    /// while the vote runs and the voters' reward pool once resolved.
    function proposalChallenge(uint256 proposalId) external view returns (IMailServerRegistry.Challenge memory);

    /// @notice Whether `processProposal(proposalId)` would succeed now.
    function canProcess(uint256 proposalId) external view returns (bool);
}
