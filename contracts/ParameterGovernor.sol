// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IParameterGovernor} from "./interfaces/IParameterGovernor.sol";
import {IMailServerRegistry} from "./interfaces/IMailServerRegistry.sol";
import {ICommitRevealVoting} from "./interfaces/ICommitRevealVoting.sol";
import {TcrParameters} from "./libraries/TcrParameters.sol";
import {ChallengeMath} from "./libraries/ChallengeMath.sol";

/// @title Parameter governance of the mail-server registry.
/// @notice See {IParameterGovernor}. Deployed by the registry's constructor, so each knows the other without any
/// initialisation step.
contract ParameterGovernor is IParameterGovernor, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// Registry parameters have names below this index; governance parameters from it on.
    uint8 private constant _FIRST_GOVERNANCE_NAME = uint8(TcrParameters.Name.GovMinDeposit);

    IMailServerRegistry private immutable _registry;
    IERC20 private immutable _token;
    ICommitRevealVoting private immutable _voting;

    TcrParameters.Governance private _params;
    uint256 private _proposalCount;
    mapping(uint256 proposalId => Proposal) private _proposals;
    mapping(uint256 proposalId => IMailServerRegistry.Challenge) private _challenges;
    /// The last proposal made for each parameter; while it is live, no other proposal of that parameter is accepted.
    mapping(uint8 name => uint256 proposalId) private _lastProposal;

    constructor(
        IMailServerRegistry registry_,
        IERC20 token_,
        ICommitRevealVoting voting_,
        TcrParameters.Governance memory params
    ) {
        TcrParameters.check(params);
        _registry = registry_;
        _token = token_;
        _voting = voting_;
        _params = params;
    }

    /// @inheritdoc IParameterGovernor
    function propose(uint8 name, uint256 value) external nonReentrant returns (uint256 proposalId) {
        TcrParameters.check(name, value);
        if (value == _get(name)) revert GovernorValueUnchanged(name, value);
        uint256 last = _lastProposal[name];
        if (last != 0 && _isLive(_proposals[last])) {
            revert GovernorProposalLive(name, last, _proposals[last].processBy);
        }
        TcrParameters.Governance storage g = _params;
        uint256 amount = g.minDeposit;
        uint256 challengeEnd = block.timestamp + g.applyStageLength;
        proposalId = ++_proposalCount;
        // Bounds were checked: value <= MAX_DEPOSIT fits 88 bits.
        _proposals[proposalId] = Proposal({
            proposer: msg.sender,
            deposit: uint88(amount),
            status: ProposalStatus.Pending,
            name: name,
            value: uint88(value),
            challengeEnd: uint40(challengeEnd),
            processBy: uint40(challengeEnd + g.processWindow),
            challengeId: 0
        });
        _lastProposal[name] = proposalId;
        emit ProposalCreated(proposalId, msg.sender, name, value, amount, challengeEnd);
        _token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IParameterGovernor
    function challengeProposal(uint256 proposalId, bytes calldata evidence)
        external
        nonReentrant
        returns (uint256 challengeId)
    {
        Proposal storage p = _proposal(proposalId);
        if (p.status != ProposalStatus.Pending) {
            revert GovernorWrongStatus(proposalId, p.status, ProposalStatus.Pending);
        }
        if (block.timestamp >= p.challengeEnd) {
            revert GovernorChallengeStageOver(proposalId, p.challengeEnd, block.timestamp);
        }
        TcrParameters.Governance storage g = _params;
        uint256 stake = p.deposit;
        uint256 commitLength = g.commitStageLength;
        uint256 revealLength = g.revealStageLength;
        challengeId = _voting.startPoll(g.voteQuorum, g.passThreshold, commitLength, revealLength);
        uint256 revealEnd = block.timestamp + commitLength + revealLength;
        p.status = ProposalStatus.Challenged;
        p.challengeId = uint64(challengeId);
        p.processBy = uint40(revealEnd + g.processWindow);
        _challenges[proposalId] = IMailServerRegistry.Challenge({
            challenger: msg.sender,
            amount: uint88(stake),
            status: IMailServerRegistry.ChallengeStatus.Open
        });
        emit ProposalChallenged(
            proposalId, challengeId, msg.sender, stake, block.timestamp + commitLength, revealEnd, evidence
        );
        _token.safeTransferFrom(msg.sender, address(this), stake);
    }

    /// @inheritdoc IParameterGovernor
    function processProposal(uint256 proposalId) external nonReentrant {
        Proposal storage p = _proposal(proposalId);
        ProposalStatus status = p.status;
        if (status == ProposalStatus.Pending) {
            if (block.timestamp < p.challengeEnd) {
                revert GovernorNotProcessable(proposalId, p.challengeEnd, block.timestamp);
            }
            _conclude(proposalId, p);
            _token.safeTransfer(p.proposer, p.deposit);
        } else if (status == ProposalStatus.Challenged) {
            _resolveChallenge(proposalId, p);
        } else {
            revert GovernorAlreadyProcessed(proposalId, status);
        }
    }

    function _resolveChallenge(uint256 proposalId, Proposal storage p) private {
        uint256 challengeId = p.challengeId;
        ICommitRevealVoting.Result memory r = _voting.result(challengeId);
        if (!r.ended) revert GovernorNotProcessable(proposalId, r.revealEnd, block.timestamp);

        IMailServerRegistry.Challenge storage c = _challenges[proposalId];
        uint256 stake = c.amount;
        (bool succeeded, uint256 winnerShare, uint256 voterPool) =
            ChallengeMath.split(stake, _params.dispensationPct, r);
        c.amount = uint88(voterPool);
        emit ProposalChallengeResolved(
            proposalId, challengeId, succeeded, winnerShare, voterPool, r.votesFor, r.votesAgainst, r.quorumReached
        );
        if (succeeded) {
            c.status = IMailServerRegistry.ChallengeStatus.Succeeded;
            p.status = ProposalStatus.Rejected;
            emit ProposalRejected(proposalId, p.name, p.value);
            _token.safeTransfer(c.challenger, stake + winnerShare);
        } else {
            c.status = IMailServerRegistry.ChallengeStatus.Failed;
            _conclude(proposalId, p);
            _token.safeTransfer(p.proposer, uint256(p.deposit) + winnerShare);
        }
    }

    /// Applies the proposal within its process window, or lets it expire.
    function _conclude(uint256 proposalId, Proposal storage p) private {
        uint8 name = p.name;
        uint256 value = p.value;
        if (block.timestamp > p.processBy) {
            p.status = ProposalStatus.Expired;
            emit ProposalExpired(proposalId, name, value);
            return;
        }
        p.status = ProposalStatus.Applied;
        emit ProposalApplied(proposalId, name, value);
        if (name < _FIRST_GOVERNANCE_NAME) _registry.setParameter(name, value);
        else _setGovernanceParameter(name, value);
    }

    function _setGovernanceParameter(uint8 name, uint256 value) private {
        TcrParameters.Governance storage g = _params;
        TcrParameters.Name n = TcrParameters.Name(name);
        // Proposals are bounds-checked when made, so every narrowing below is exact.
        if (n == TcrParameters.Name.GovMinDeposit) g.minDeposit = uint88(value);
        else if (n == TcrParameters.Name.GovApplyStageLength) g.applyStageLength = uint32(value);
        else if (n == TcrParameters.Name.GovCommitStageLength) g.commitStageLength = uint32(value);
        else if (n == TcrParameters.Name.GovRevealStageLength) g.revealStageLength = uint32(value);
        else if (n == TcrParameters.Name.GovDispensationPct) g.dispensationPct = uint8(value);
        else if (n == TcrParameters.Name.GovVoteQuorum) g.voteQuorum = uint8(value);
        else if (n == TcrParameters.Name.GovPassThreshold) g.passThreshold = uint8(value);
        else g.processWindow = uint32(value);
        emit ParameterSet(name, value);
    }

    /// @inheritdoc IParameterGovernor
    function claimReward(uint256 proposalId) external nonReentrant {
        _token.safeTransfer(msg.sender, _claim(proposalId));
    }

    /// @inheritdoc IParameterGovernor
    function claimRewards(uint256[] calldata proposalIds) external nonReentrant {
        uint256 total;
        for (uint256 i = 0; i < proposalIds.length; ++i) {
            total += _claim(proposalIds[i]);
        }
        _token.safeTransfer(msg.sender, total);
    }

    function _claim(uint256 proposalId) private returns (uint256 amount) {
        IMailServerRegistry.Challenge storage c = _challenges[proposalId];
        IMailServerRegistry.ChallengeStatus status = c.status;
        uint256 pool = c.amount;
        if (status < IMailServerRegistry.ChallengeStatus.Succeeded || pool == 0) revert GovernorNoReward(proposalId);
        uint256 challengeId = _proposals[proposalId].challengeId;
        (uint256 weight, uint256 tally) = _voting.settleVote(
            challengeId, msg.sender, status == IMailServerRegistry.ChallengeStatus.Succeeded ? 1 : 0
        );
        amount = ChallengeMath.share(pool, weight, tally);
        emit RewardClaimed(proposalId, challengeId, msg.sender, amount);
    }

    /// @inheritdoc IParameterGovernor
    function registry() external view returns (IMailServerRegistry) {
        return _registry;
    }

    /// @inheritdoc IParameterGovernor
    function token() external view returns (IERC20) {
        return _token;
    }

    /// @inheritdoc IParameterGovernor
    function voting() external view returns (ICommitRevealVoting) {
        return _voting;
    }

    /// @inheritdoc IParameterGovernor
    function parameters() external view returns (TcrParameters.Governance memory) {
        return _params;
    }

    /// @inheritdoc IParameterGovernor
    function get(uint8 name) external view returns (uint256) {
        TcrParameters.bounds(name); // reverts on an unknown name
        return _get(name);
    }

    /// @inheritdoc IParameterGovernor
    function liveProposalOf(uint8 name) external view returns (uint256) {
        uint256 last = _lastProposal[name];
        return last != 0 && _isLive(_proposals[last]) ? last : 0;
    }

    /// The current value of a known parameter.
    function _get(uint8 name) private view returns (uint256) {
        if (name < _FIRST_GOVERNANCE_NAME) {
            TcrParameters.Registry memory r = _registry.parameters();
            uint256[9] memory values = [
                uint256(r.minDeposit),
                r.applyStageLength,
                r.commitStageLength,
                r.revealStageLength,
                r.dispensationPct,
                r.voteQuorum,
                r.passThreshold,
                r.exitDelay,
                r.exitWindow
            ];
            return values[name];
        }
        TcrParameters.Governance memory g = _params;
        uint256[8] memory governance = [
            uint256(g.minDeposit),
            g.applyStageLength,
            g.commitStageLength,
            g.revealStageLength,
            g.dispensationPct,
            g.voteQuorum,
            g.passThreshold,
            g.processWindow
        ];
        return governance[name - _FIRST_GOVERNANCE_NAME];
    }

    /// @inheritdoc IParameterGovernor
    function proposalCount() external view returns (uint256) {
        return _proposalCount;
    }

    /// @inheritdoc IParameterGovernor
    function proposal(uint256 proposalId) external view returns (Proposal memory) {
        return _proposals[proposalId];
    }

    /// @inheritdoc IParameterGovernor
    function proposalChallenge(uint256 proposalId) external view returns (IMailServerRegistry.Challenge memory) {
        return _challenges[proposalId];
    }

    /// @inheritdoc IParameterGovernor
    function canProcess(uint256 proposalId) external view returns (bool) {
        Proposal storage p = _proposals[proposalId];
        if (p.status == ProposalStatus.Pending) return block.timestamp >= p.challengeEnd;
        if (p.status == ProposalStatus.Challenged) {
            (, uint256 revealEnd) = _voting.pollDeadlines(p.challengeId);
            return block.timestamp >= revealEnd;
        }
        return false;
    }

    /// A proposal is live while it can still take effect: not yet processed, and not past its process window (from
    /// then on, processing can only let it expire).
    function _isLive(Proposal storage p) private view returns (bool) {
        ProposalStatus status = p.status;
        return (status == ProposalStatus.Pending || status == ProposalStatus.Challenged) && block.timestamp <= p.processBy;
    }

    function _proposal(uint256 proposalId) private view returns (Proposal storage p) {
        p = _proposals[proposalId];
        if (p.status == ProposalStatus.None) revert GovernorProposalNotFound(proposalId);
    }
}
