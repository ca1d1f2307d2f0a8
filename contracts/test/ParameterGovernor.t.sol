// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {TcrFixture} from "./utils/TcrFixture.sol";
import {ParameterGovernor} from "../ParameterGovernor.sol";
import {IParameterGovernor} from "../interfaces/IParameterGovernor.sol";
import {IMailServerRegistry} from "../interfaces/IMailServerRegistry.sol";
import {ICommitRevealVoting} from "../interfaces/ICommitRevealVoting.sol";
import {TcrParameters} from "../libraries/TcrParameters.sol";

/// @title Parameter governance: proposals, challenges, processing, rewards, reads.
/// @dev Fixture governance parameters: deposit 200 tokens, challenge stage 1 day, vote 2 + 2 days, process window
/// 7 days, dispensation 50%, quorum 10% (one voter's 100,000 tokens reach it exactly), pass threshold 50%.
contract ParameterGovernorTest is TcrFixture {
    uint256 internal constant STAKE = GOV_MIN_DEPOSIT;
    /// Half of the loser's stake goes to the winner, half to the winning voters (dispensation 50%).
    uint256 internal constant HALF = GOV_MIN_DEPOSIT / 2;
    uint256 internal constant VOTER_BALANCE = 100_000 * UNIT;
    uint256 internal constant MAX_PERIOD = 365 days;
    address internal constant FRESH = address(0xF4E5);

    uint8 internal constant MIN_DEPOSIT_NAME = uint8(TcrParameters.Name.MinDeposit);
    uint8 internal constant GOV_COMMIT_NAME = uint8(TcrParameters.Name.GovCommitStageLength);

    // ----- helpers -------------------------------------------------------------------------------------------------

    function proposeAs(address proposer, uint8 name, uint256 value) internal returns (uint256 proposalId) {
        vm.prank(proposer);
        proposalId = governor.propose(name, value);
    }

    function challengeProposalAs(address challenger, uint256 proposalId) internal returns (uint256 challengeId) {
        vm.prank(challenger);
        challengeId = governor.challengeProposal(proposalId, "");
    }

    /// alice proposes a registry minDeposit of 150 tokens; carol challenges; the given voters vote; the poll ends.
    function contested(address[] memory voters, uint8[] memory options)
        internal
        returns (uint256 proposalId, uint256 challengeId)
    {
        proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        challengeId = challengeProposalAs(carol, proposalId);
        vote(challengeId, voters, options);
    }

    function voters3(address a, address b, address c) internal pure returns (address[] memory v) {
        v = new address[](3);
        (v[0], v[1], v[2]) = (a, b, c);
    }

    function options3(uint8 a, uint8 b, uint8 c) internal pure returns (uint8[] memory o) {
        o = new uint8[](3);
        (o[0], o[1], o[2]) = (a, b, c);
    }

    function voters1(address a) internal pure returns (address[] memory v) {
        v = new address[](1);
        v[0] = a;
    }

    function options1(uint8 a) internal pure returns (uint8[] memory o) {
        o = new uint8[](1);
        o[0] = a;
    }

    /// Proposes `value` for `name` as alice on a copy of the state (reverted afterwards), so one test can try several
    /// values of one parameter without the first proposal's being live; returns the value stored.
    function proposedValue(uint8 name, uint256 value) internal returns (uint256 stored) {
        uint256 snapshot = vm.snapshotState();
        stored = governor.proposal(proposeAs(alice, name, value)).value;
        vm.revertToState(snapshot);
    }

    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        return min + x % (max - min + 1);
    }

    function balance(address account) internal view returns (uint256) {
        return token.balanceOf(account);
    }

    function statusOf(uint256 proposalId) internal view returns (uint256) {
        return uint256(governor.proposal(proposalId).status);
    }

    function outOfBounds(uint8 name, uint256 value, uint256 min, uint256 max) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(TcrParameters.ParameterOutOfBounds.selector, name, value, min, max);
    }

    /// Names whose value is a stage, window or period with bounds [60, 365 days].
    function periodNames() internal pure returns (uint8[8] memory) {
        return [
            uint8(TcrParameters.Name.ApplyStageLength),
            uint8(TcrParameters.Name.CommitStageLength),
            uint8(TcrParameters.Name.RevealStageLength),
            uint8(TcrParameters.Name.ExitWindow),
            uint8(TcrParameters.Name.GovApplyStageLength),
            uint8(TcrParameters.Name.GovCommitStageLength),
            uint8(TcrParameters.Name.GovRevealStageLength),
            uint8(TcrParameters.Name.GovProcessWindow)
        ];
    }

    function percentNames() internal pure returns (uint8[4] memory) {
        return [
            uint8(TcrParameters.Name.DispensationPct),
            uint8(TcrParameters.Name.VoteQuorum),
            uint8(TcrParameters.Name.GovDispensationPct),
            uint8(TcrParameters.Name.GovVoteQuorum)
        ];
    }

    function thresholdNames() internal pure returns (uint8[2] memory) {
        return [uint8(TcrParameters.Name.PassThreshold), uint8(TcrParameters.Name.GovPassThreshold)];
    }

    function depositNames() internal pure returns (uint8[2] memory) {
        return [uint8(TcrParameters.Name.MinDeposit), uint8(TcrParameters.Name.GovMinDeposit)];
    }

    // ----- constructor and plain reads -----------------------------------------------------------------------------

    function test_Constructor_AfterDeploy_KnowsRegistryTokenVoting() public view {
        vm.assertEq(address(governor.registry()), address(registry), "registry");
        vm.assertEq(address(governor.token()), address(token), "token");
        vm.assertEq(address(governor.voting()), address(voting), "voting");
        vm.assertEq(registry.governor(), address(governor), "registry knows its governor");
        vm.assertEq(governor.proposalCount(), 0, "no proposals");
    }

    function test_Constructor_ParameterOutOfBounds_Reverts() public {
        TcrParameters.Governance memory params = governanceParameters();
        params.passThreshold = 100;
        vm.expectRevert(outOfBounds(uint8(TcrParameters.Name.GovPassThreshold), 100, 50, 99));
        new ParameterGovernor(registry, IERC20(address(token)), voting, params);
    }

    function test_Parameters_AfterDeploy_ReturnsConstructorValues() public view {
        TcrParameters.Governance memory g = governor.parameters();
        vm.assertEq(g.minDeposit, GOV_MIN_DEPOSIT, "minDeposit");
        vm.assertEq(g.applyStageLength, APPLY, "apply");
        vm.assertEq(g.commitStageLength, COMMIT, "commit");
        vm.assertEq(g.revealStageLength, REVEAL, "reveal");
        vm.assertEq(g.processWindow, PROCESS_WINDOW, "processWindow");
        vm.assertEq(g.dispensationPct, 50, "dispensation");
        vm.assertEq(g.voteQuorum, 10, "quorum");
        vm.assertEq(g.passThreshold, 50, "pass");
    }

    // ----- propose -------------------------------------------------------------------------------------------------

    function test_Propose_Valid_StoresProposalAndTakesDeposit() public {
        uint256 aliceBefore = balance(alice);
        uint256 challengeEnd = block.timestamp + APPLY;
        vm.expectEmit(true, true, true, true, address(governor));
        emit IParameterGovernor.ProposalCreated(1, alice, MIN_DEPOSIT_NAME, 150 * UNIT, STAKE, challengeEnd);
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);

        vm.assertEq(proposalId, 1, "first id");
        vm.assertEq(governor.proposalCount(), 1, "count");
        vm.assertEq(balance(alice), aliceBefore - STAKE, "deposit taken");
        vm.assertEq(balance(address(governor)), STAKE, "deposit held");
        IParameterGovernor.Proposal memory p = governor.proposal(proposalId);
        vm.assertEq(p.proposer, alice, "proposer");
        vm.assertEq(p.deposit, STAKE, "deposit");
        vm.assertEq(uint256(p.status), uint256(IParameterGovernor.ProposalStatus.Pending), "pending");
        vm.assertEq(p.name, MIN_DEPOSIT_NAME, "name");
        vm.assertEq(p.value, 150 * UNIT, "value");
        vm.assertEq(p.challengeEnd, challengeEnd, "challengeEnd");
        vm.assertEq(p.processBy, challengeEnd + PROCESS_WINDOW, "processBy");
        vm.assertEq(p.challengeId, 0, "not challenged");
    }

    function test_Propose_UnknownName_RevertsParameterUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(TcrParameters.ParameterUnknown.selector, TcrParameters.COUNT));
        proposeAs(alice, TcrParameters.COUNT, 1);
        vm.expectRevert(abi.encodeWithSelector(TcrParameters.ParameterUnknown.selector, 255));
        proposeAs(alice, 255, 1);
        vm.assertEq(governor.proposalCount(), 0, "nothing proposed");
    }

    function test_Propose_PeriodZeroOr59_RevertsOutOfBounds() public {
        uint8[8] memory names = periodNames();
        for (uint256 i = 0; i < names.length; ++i) {
            vm.expectRevert(outOfBounds(names[i], 0, 60, MAX_PERIOD));
            proposeAs(alice, names[i], 0);
            vm.expectRevert(outOfBounds(names[i], 59, 60, MAX_PERIOD));
            proposeAs(alice, names[i], 59);
        }
        vm.assertEq(governor.proposalCount(), 0, "nothing proposed");
    }

    function test_Propose_PeriodAboveOneYear_RevertsOutOfBounds() public {
        uint8[8] memory names = periodNames();
        for (uint256 i = 0; i < names.length; ++i) {
            vm.expectRevert(outOfBounds(names[i], MAX_PERIOD + 1, 60, MAX_PERIOD));
            proposeAs(alice, names[i], MAX_PERIOD + 1);
        }
        vm.assertEq(governor.proposalCount(), 0, "nothing proposed");
    }

    function test_Propose_Period60AndOneYear_Accepted() public {
        uint8[8] memory names = periodNames();
        for (uint256 i = 0; i < names.length; ++i) {
            vm.assertEq(proposedValue(names[i], 60), 60, "60 accepted");
            vm.assertEq(proposedValue(names[i], MAX_PERIOD), MAX_PERIOD, "one year accepted");
        }
    }

    function test_Propose_ExitDelayZero_Accepted() public {
        uint8 name = uint8(TcrParameters.Name.ExitDelay);
        uint256 proposalId = proposeAs(alice, name, 0);
        vm.assertEq(governor.proposal(proposalId).value, 0, "no exit delay is allowed");
        vm.expectRevert(outOfBounds(name, MAX_PERIOD + 1, 0, MAX_PERIOD));
        proposeAs(alice, name, MAX_PERIOD + 1);
    }

    function test_Propose_Percentage101_RevertsOutOfBounds() public {
        uint8[4] memory names = percentNames();
        for (uint256 i = 0; i < names.length; ++i) {
            vm.expectRevert(outOfBounds(names[i], 101, 0, 100));
            proposeAs(alice, names[i], 101);
        }
        vm.assertEq(governor.proposalCount(), 0, "nothing proposed");
    }

    function test_Propose_Percentage0And100_Accepted() public {
        uint8[4] memory names = percentNames();
        for (uint256 i = 0; i < names.length; ++i) {
            vm.assertEq(proposedValue(names[i], 0), 0, "0 accepted");
            vm.assertEq(proposedValue(names[i], 100), 100, "100 accepted");
        }
    }

    function test_Propose_PassThreshold49Or100_RevertsOutOfBounds() public {
        uint8[2] memory names = thresholdNames();
        for (uint256 i = 0; i < names.length; ++i) {
            vm.expectRevert(outOfBounds(names[i], 49, 50, 99));
            proposeAs(alice, names[i], 49);
            vm.expectRevert(outOfBounds(names[i], 100, 50, 99));
            proposeAs(alice, names[i], 100);
        }
        vm.assertEq(governor.proposalCount(), 0, "nothing proposed");
    }

    function test_Propose_PassThreshold50And99_Accepted() public {
        uint8[2] memory names = thresholdNames();
        // The fixture's thresholds are 50: move them to 99 first, then back.
        for (uint256 i = 0; i < names.length; ++i) {
            vm.assertEq(proposedValue(names[i], 99), 99, "99 accepted");
            proposeAs(alice, names[i], 99);
        }
        vm.warp(block.timestamp + APPLY);
        governor.processProposal(1);
        governor.processProposal(2);
        for (uint256 i = 0; i < names.length; ++i) {
            vm.assertEq(proposedValue(names[i], 50), 50, "50 accepted");
        }
    }

    function test_Propose_MinDepositZeroOr2Pow88_RevertsOutOfBounds() public {
        uint8[2] memory names = depositNames();
        uint256 max = type(uint88).max;
        for (uint256 i = 0; i < names.length; ++i) {
            vm.expectRevert(outOfBounds(names[i], 0, 1, max));
            proposeAs(alice, names[i], 0);
            vm.expectRevert(outOfBounds(names[i], max + 1, 1, max));
            proposeAs(alice, names[i], max + 1);
        }
        vm.assertEq(governor.proposalCount(), 0, "nothing proposed");
    }

    function test_Propose_MinDeposit1AndUint88Max_Accepted() public {
        uint8[2] memory names = depositNames();
        for (uint256 i = 0; i < names.length; ++i) {
            vm.assertEq(proposedValue(names[i], 1), 1, "1 accepted");
            uint256 max = type(uint88).max;
            vm.assertEq(proposedValue(names[i], max), max, "2^88-1 accepted");
        }
    }

    function test_Propose_NoAllowance_RevertsInsufficientAllowance() public {
        token.transfer(FRESH, STAKE);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(governor), 0, STAKE)
        );
        proposeAs(FRESH, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.assertEq(balance(FRESH), STAKE, "nothing moved");
    }

    function test_Propose_NoBalance_RevertsInsufficientBalance() public {
        vm.prank(FRESH);
        token.approve(address(governor), STAKE);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, FRESH, 0, STAKE));
        proposeAs(FRESH, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.assertEq(governor.proposalCount(), 0, "nothing proposed");
    }

    // ----- propose: no-op and concurrent proposals ----------------------------------------------------------------

    function proposalLive(uint8 name, uint256 proposalId) internal view returns (bytes memory) {
        return abi.encodeWithSelector(
            IParameterGovernor.GovernorProposalLive.selector, name, proposalId, governor.proposal(proposalId).processBy
        );
    }

    function test_Propose_CurrentRegistryValue_RevertsValueUnchanged() public {
        vm.expectRevert(
            abi.encodeWithSelector(IParameterGovernor.GovernorValueUnchanged.selector, MIN_DEPOSIT_NAME, MIN_DEPOSIT)
        );
        proposeAs(alice, MIN_DEPOSIT_NAME, MIN_DEPOSIT);
        vm.assertEq(governor.proposalCount(), 0, "nothing proposed");
    }

    function test_Propose_CurrentGovernanceValue_RevertsValueUnchanged() public {
        vm.expectRevert(
            abi.encodeWithSelector(IParameterGovernor.GovernorValueUnchanged.selector, GOV_COMMIT_NAME, COMMIT)
        );
        proposeAs(alice, GOV_COMMIT_NAME, COMMIT);
    }

    function test_Propose_ValueMadeCurrentByApply_RevertsValueUnchanged() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.warp(block.timestamp + APPLY);
        governor.processProposal(proposalId);
        vm.expectRevert(
            abi.encodeWithSelector(IParameterGovernor.GovernorValueUnchanged.selector, MIN_DEPOSIT_NAME, 150 * UNIT)
        );
        proposeAs(bob, MIN_DEPOSIT_NAME, 150 * UNIT);
    }

    function test_Propose_SameValueWhilePending_RevertsProposalLive() public {
        uint256 first = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.expectRevert(proposalLive(MIN_DEPOSIT_NAME, first));
        proposeAs(bob, MIN_DEPOSIT_NAME, 150 * UNIT);
    }

    function test_Propose_OtherValueWhilePending_RevertsProposalLive() public {
        uint256 first = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        uint256 bobBefore = balance(bob);
        vm.expectRevert(proposalLive(MIN_DEPOSIT_NAME, first));
        proposeAs(bob, MIN_DEPOSIT_NAME, 300 * UNIT);
        vm.assertEq(balance(bob), bobBefore, "no deposit taken");
    }

    function test_Propose_WhileChallenged_RevertsProposalLiveUntilVoteEndPlusWindow() public {
        uint256 first = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        uint256 challengeId = challengeProposalAs(carol, first);
        (, uint256 revealEnd) = voting.pollDeadlines(challengeId);
        vm.warp(revealEnd + PROCESS_WINDOW);
        vm.expectRevert(
            abi.encodeWithSelector(
                IParameterGovernor.GovernorProposalLive.selector,
                MIN_DEPOSIT_NAME,
                first,
                revealEnd + PROCESS_WINDOW
            )
        );
        proposeAs(bob, MIN_DEPOSIT_NAME, 300 * UNIT);
        vm.warp(revealEnd + PROCESS_WINDOW + 1);
        vm.assertEq(proposeAs(bob, MIN_DEPOSIT_NAME, 300 * UNIT), 2, "accepted once the window is over");
    }

    function test_Propose_OtherParameterWhileLive_Accepted() public {
        proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.assertEq(proposeAs(bob, GOV_COMMIT_NAME, 3 days), 2, "another parameter is free");
        vm.assertEq(governor.liveProposalOf(MIN_DEPOSIT_NAME), 1, "first parameter's live proposal");
        vm.assertEq(governor.liveProposalOf(GOV_COMMIT_NAME), 2, "second parameter's live proposal");
    }

    function test_Propose_AfterLiveApplied_Accepted() public {
        uint256 first = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.warp(block.timestamp + APPLY);
        governor.processProposal(first);
        vm.assertEq(governor.liveProposalOf(MIN_DEPOSIT_NAME), 0, "applied: not live");
        uint256 second = proposeAs(bob, MIN_DEPOSIT_NAME, 300 * UNIT);
        vm.warp(block.timestamp + APPLY);
        governor.processProposal(second);
        vm.assertEq(registry.parameters().minDeposit, 300 * UNIT, "the newer proposal applied");
    }

    function test_Propose_AfterLiveRejected_Accepted() public {
        (uint256 first,) = contested(voters2(voter1, voter2), options2(1, 1));
        governor.processProposal(first);
        vm.assertEq(statusOf(first), uint256(IParameterGovernor.ProposalStatus.Rejected), "rejected");
        vm.assertEq(governor.liveProposalOf(MIN_DEPOSIT_NAME), 0, "rejected: not live");
        vm.assertEq(proposeAs(bob, MIN_DEPOSIT_NAME, 150 * UNIT), 2, "the same value may be proposed again");
    }

    function test_Propose_AtLiveProcessBy_RevertsThenAcceptedOneSecondLater() public {
        uint256 first = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        uint256 processBy = governor.proposal(first).processBy;
        vm.warp(processBy);
        vm.expectRevert(proposalLive(MIN_DEPOSIT_NAME, first));
        proposeAs(bob, MIN_DEPOSIT_NAME, 300 * UNIT);
        vm.warp(processBy + 1);
        vm.assertEq(governor.liveProposalOf(MIN_DEPOSIT_NAME), 0, "past its window");
        vm.assertEq(proposeAs(bob, MIN_DEPOSIT_NAME, 300 * UNIT), 2, "accepted");
    }

    /// The case the rule exists for: an old proposal, left unprocessed, must not undo a newer change when it is
    /// finally processed.
    function test_ProcessProposal_StaleAfterNewerApplied_ExpiresWithoutUndoing() public {
        uint256 stale = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.warp(governor.proposal(stale).processBy + 1);
        uint256 newer = proposeAs(bob, MIN_DEPOSIT_NAME, 300 * UNIT);
        vm.warp(block.timestamp + APPLY);
        governor.processProposal(newer);
        vm.assertEq(registry.parameters().minDeposit, 300 * UNIT, "newer value applied");

        uint256 aliceBefore = balance(alice);
        vm.expectEmit(true, true, false, true, address(governor));
        emit IParameterGovernor.ProposalExpired(stale, MIN_DEPOSIT_NAME, 150 * UNIT);
        governor.processProposal(stale);
        vm.assertEq(statusOf(stale), uint256(IParameterGovernor.ProposalStatus.Expired), "expired");
        vm.assertEq(registry.parameters().minDeposit, 300 * UNIT, "the newer change stands");
        vm.assertEq(balance(alice), aliceBefore + STAKE, "deposit refunded");
    }

    function test_LiveProposalOf_NeverProposed_ReturnsZero() public view {
        vm.assertEq(governor.liveProposalOf(MIN_DEPOSIT_NAME), 0, "none");
    }

    function testFuzz_Propose_AnyValueWhileLive_RevertsProposalLive(uint256 value, uint256 elapsed) public {
        value = bound(value, 1, type(uint88).max);
        vm.assume(value != MIN_DEPOSIT);
        uint256 first = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.warp(block.timestamp + bound(elapsed, 0, APPLY + PROCESS_WINDOW));
        vm.expectRevert(proposalLive(MIN_DEPOSIT_NAME, first));
        proposeAs(bob, MIN_DEPOSIT_NAME, value);
    }

    // ----- challengeProposal ---------------------------------------------------------------------------------------

    function test_ChallengeProposal_Valid_OpensPollAndTakesStake() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        uint256 carolBefore = balance(carol);
        uint256 expectedPoll = voting.pollCount() + 1;
        uint256 commitEnd = block.timestamp + COMMIT;
        uint256 revealEnd = commitEnd + REVEAL;
        vm.expectEmit(true, true, true, true, address(governor));
        emit IParameterGovernor.ProposalChallenged(proposalId, expectedPoll, carol, STAKE, commitEnd, revealEnd, "why");
        vm.prank(carol);
        uint256 challengeId = governor.challengeProposal(proposalId, "why");

        vm.assertEq(challengeId, expectedPoll, "poll id");
        vm.assertEq(balance(carol), carolBefore - STAKE, "stake taken");
        vm.assertEq(balance(address(governor)), 2 * STAKE, "deposit and stake held");

        IParameterGovernor.Proposal memory p = governor.proposal(proposalId);
        vm.assertEq(uint256(p.status), uint256(IParameterGovernor.ProposalStatus.Challenged), "challenged");
        vm.assertEq(p.challengeId, challengeId, "challengeId");
        vm.assertEq(p.processBy, revealEnd + PROCESS_WINDOW, "processBy moves to the vote's end");

        IMailServerRegistry.Challenge memory c = governor.proposalChallenge(proposalId);
        vm.assertEq(c.challenger, carol, "challenger");
        vm.assertEq(c.amount, STAKE, "stake");
        vm.assertEq(uint256(c.status), uint256(IMailServerRegistry.ChallengeStatus.Open), "open");

        ICommitRevealVoting.Poll memory poll = voting.poll(challengeId);
        vm.assertEq(poll.owner, address(governor), "governor owns the poll");
        vm.assertEq(poll.quorumPct, 10, "governance quorum");
        vm.assertEq(poll.passPct, 50, "governance pass threshold");
        vm.assertEq(poll.commitEnd, commitEnd, "commit end");
        vm.assertEq(poll.revealDuration, REVEAL, "reveal duration");
    }

    function test_ChallengeProposal_LastSecondOfChallengeStage_Accepted() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.warp(governor.proposal(proposalId).challengeEnd - 1);
        uint256 challengeId = challengeProposalAs(carol, proposalId);
        vm.assertEq(governor.proposal(proposalId).challengeId, challengeId, "challenged");
    }

    function test_ChallengeProposal_UnknownProposal_RevertsProposalNotFound() public {
        vm.expectRevert(abi.encodeWithSelector(IParameterGovernor.GovernorProposalNotFound.selector, 1));
        challengeProposalAs(carol, 1);
        vm.assertEq(voting.pollCount(), 0, "no poll opened");
    }

    function test_ChallengeProposal_AtChallengeEnd_RevertsChallengeStageOver() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        uint256 challengeEnd = governor.proposal(proposalId).challengeEnd;
        vm.warp(challengeEnd);
        vm.expectRevert(
            abi.encodeWithSelector(
                IParameterGovernor.GovernorChallengeStageOver.selector, proposalId, challengeEnd, challengeEnd
            )
        );
        challengeProposalAs(carol, proposalId);
    }

    function test_ChallengeProposal_Twice_RevertsWrongStatus() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        challengeProposalAs(carol, proposalId);
        uint256 bobBefore = balance(bob);
        vm.expectRevert(
            abi.encodeWithSelector(
                IParameterGovernor.GovernorWrongStatus.selector,
                proposalId,
                IParameterGovernor.ProposalStatus.Challenged,
                IParameterGovernor.ProposalStatus.Pending
            )
        );
        challengeProposalAs(bob, proposalId);
        vm.assertEq(balance(bob), bobBefore, "no second stake");
    }

    function test_ChallengeProposal_AfterApplied_RevertsWrongStatus() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.warp(block.timestamp + APPLY);
        governor.processProposal(proposalId);
        vm.expectRevert(
            abi.encodeWithSelector(
                IParameterGovernor.GovernorWrongStatus.selector,
                proposalId,
                IParameterGovernor.ProposalStatus.Applied,
                IParameterGovernor.ProposalStatus.Pending
            )
        );
        challengeProposalAs(carol, proposalId);
    }

    function test_ChallengeProposal_AfterGovMinDepositRaised_StakesProposalDeposit() public {
        uint256 raise = proposeAs(bob, uint8(TcrParameters.Name.GovMinDeposit), 300 * UNIT);
        vm.warp(block.timestamp + APPLY - 1);
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.warp(block.timestamp + 1);
        governor.processProposal(raise);
        vm.assertEq(governor.parameters().minDeposit, 300 * UNIT, "raised");

        uint256 carolBefore = balance(carol);
        challengeProposalAs(carol, proposalId);
        vm.assertEq(balance(carol), carolBefore - STAKE, "stake matches the proposal's deposit, not the new minimum");
        vm.assertEq(governor.proposalChallenge(proposalId).amount, STAKE, "stake");
    }

    // ----- processProposal: unchallenged ---------------------------------------------------------------------------

    function test_ProcessProposal_UnknownProposal_RevertsProposalNotFound() public {
        vm.expectRevert(abi.encodeWithSelector(IParameterGovernor.GovernorProposalNotFound.selector, 7));
        governor.processProposal(7);
    }

    function test_ProcessProposal_BeforeChallengeEnd_RevertsNotProcessable() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        uint256 challengeEnd = governor.proposal(proposalId).challengeEnd;
        vm.warp(challengeEnd - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IParameterGovernor.GovernorNotProcessable.selector, proposalId, challengeEnd, challengeEnd - 1
            )
        );
        governor.processProposal(proposalId);
    }

    function test_ProcessProposal_UnchallengedRegistryParameter_AppliedAndDepositRefunded() public {
        uint256 aliceBefore = balance(alice);
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.warp(block.timestamp + APPLY);

        vm.expectEmit(true, true, false, true, address(governor));
        emit IParameterGovernor.ProposalApplied(proposalId, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.expectEmit(true, false, false, true, address(registry));
        emit IMailServerRegistry.ParameterSet(MIN_DEPOSIT_NAME, 150 * UNIT);
        governor.processProposal(proposalId);

        vm.assertEq(registry.parameters().minDeposit, 150 * UNIT, "registry parameter changed");
        vm.assertEq(governor.get(MIN_DEPOSIT_NAME), 150 * UNIT, "get reads it");
        vm.assertEq(statusOf(proposalId), uint256(IParameterGovernor.ProposalStatus.Applied), "applied");
        vm.assertEq(balance(alice), aliceBefore, "deposit refunded");
        vm.assertEq(balance(address(governor)), 0, "governor holds nothing");
    }

    function test_ProcessProposal_UnchallengedGovernanceParameter_AppliedAndUsedByNextChallenge() public {
        uint256 aliceBefore = balance(alice);
        uint256 proposalId = proposeAs(alice, GOV_COMMIT_NAME, 3 days);
        vm.warp(block.timestamp + APPLY);

        vm.expectEmit(true, false, false, true, address(governor));
        emit IParameterGovernor.ParameterSet(GOV_COMMIT_NAME, 3 days);
        governor.processProposal(proposalId);

        vm.assertEq(governor.parameters().commitStageLength, 3 days, "governance parameter changed");
        vm.assertEq(governor.get(GOV_COMMIT_NAME), 3 days, "get reads it");
        vm.assertEq(balance(alice), aliceBefore, "deposit refunded");

        uint256 next = proposeAs(bob, MIN_DEPOSIT_NAME, 150 * UNIT);
        uint256 challengeId = challengeProposalAs(carol, next);
        (uint256 commitEnd,) = voting.pollDeadlines(challengeId);
        vm.assertEq(commitEnd, block.timestamp + 3 days, "new commit stage length used");
    }

    function test_ProcessProposal_EveryName_AppliedAndReadBack() public {
        // A new value inside the bounds of each name, different from the fixture's.
        uint256[17] memory values = [
            uint256(150 * UNIT), 2 days, 3 days, 4 days, 40, 20, 60, 2 days, 5 days, // registry
            300 * UNIT, 2 days, 3 days, 4 days, 40, 20, 60, 10 days // governance
        ];
        for (uint8 name = 0; name < TcrParameters.COUNT; ++name) {
            uint256 proposalId = proposeAs(alice, name, values[name]);
            vm.warp(governor.proposal(proposalId).challengeEnd);
            governor.processProposal(proposalId);
            vm.assertEq(statusOf(proposalId), uint256(IParameterGovernor.ProposalStatus.Applied), "applied");
            vm.assertEq(governor.get(name), values[name], "value read back");
        }
        TcrParameters.Registry memory r = registry.parameters();
        vm.assertEq(r.exitDelay, 2 days, "registry exitDelay");
        vm.assertEq(r.exitWindow, 5 days, "registry exitWindow");
        TcrParameters.Governance memory g = governor.parameters();
        vm.assertEq(g.minDeposit, 300 * UNIT, "gov minDeposit");
        vm.assertEq(g.processWindow, 10 days, "gov processWindow");
    }

    function test_ProcessProposal_AtProcessBy_Applied() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.warp(governor.proposal(proposalId).processBy);
        governor.processProposal(proposalId);
        vm.assertEq(statusOf(proposalId), uint256(IParameterGovernor.ProposalStatus.Applied), "applied");
        vm.assertEq(registry.parameters().minDeposit, 150 * UNIT, "changed");
    }

    function test_ProcessProposal_AfterProcessWindow_ExpiredNotAppliedDepositRefunded() public {
        uint256 aliceBefore = balance(alice);
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.warp(governor.proposal(proposalId).processBy + 1);
        vm.assertTrue(governor.canProcess(proposalId), "still processable, to expire it");

        vm.expectEmit(true, true, false, true, address(governor));
        emit IParameterGovernor.ProposalExpired(proposalId, MIN_DEPOSIT_NAME, 150 * UNIT);
        governor.processProposal(proposalId);

        vm.assertEq(statusOf(proposalId), uint256(IParameterGovernor.ProposalStatus.Expired), "expired");
        vm.assertEq(registry.parameters().minDeposit, MIN_DEPOSIT, "not applied");
        vm.assertEq(balance(alice), aliceBefore, "deposit refunded");
        vm.assertEq(balance(address(governor)), 0, "governor holds nothing");
    }

    function test_ProcessProposal_Twice_RevertsAlreadyProcessed() public {
        uint256 aliceBefore = balance(alice);
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.warp(block.timestamp + APPLY);
        governor.processProposal(proposalId);
        vm.expectRevert(
            abi.encodeWithSelector(
                IParameterGovernor.GovernorAlreadyProcessed.selector,
                proposalId,
                IParameterGovernor.ProposalStatus.Applied
            )
        );
        governor.processProposal(proposalId);
        vm.assertEq(balance(alice), aliceBefore, "refunded once");
    }

    function test_ProcessProposal_AfterExpired_RevertsAlreadyProcessed() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.warp(governor.proposal(proposalId).processBy + 1);
        governor.processProposal(proposalId);
        vm.expectRevert(
            abi.encodeWithSelector(
                IParameterGovernor.GovernorAlreadyProcessed.selector,
                proposalId,
                IParameterGovernor.ProposalStatus.Expired
            )
        );
        governor.processProposal(proposalId);
    }

    // ----- processProposal: challenged -----------------------------------------------------------------------------

    function test_ProcessProposal_ChallengedDuringVote_RevertsNotProcessable() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        uint256 challengeId = challengeProposalAs(carol, proposalId);
        (, uint256 revealEnd) = voting.pollDeadlines(challengeId);
        vm.warp(revealEnd - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IParameterGovernor.GovernorNotProcessable.selector, proposalId, revealEnd, revealEnd - 1
            )
        );
        governor.processProposal(proposalId);
    }

    function test_ProcessProposal_ChallengeSucceeds_RejectedAndChallengerPaid() public {
        uint256 aliceBefore = balance(alice);
        uint256 carolBefore = balance(carol);
        (uint256 proposalId, uint256 challengeId) = contested(voters2(voter1, voter2), options2(1, 1));

        vm.expectEmit(true, true, false, true, address(governor));
        emit IParameterGovernor.ProposalChallengeResolved(
            proposalId, challengeId, true, HALF, HALF, 2 * VOTER_BALANCE, 0, true
        );
        vm.expectEmit(true, true, false, true, address(governor));
        emit IParameterGovernor.ProposalRejected(proposalId, MIN_DEPOSIT_NAME, 150 * UNIT);
        governor.processProposal(proposalId);

        vm.assertEq(statusOf(proposalId), uint256(IParameterGovernor.ProposalStatus.Rejected), "rejected");
        vm.assertEq(registry.parameters().minDeposit, MIN_DEPOSIT, "not applied");
        vm.assertEq(balance(carol), carolBefore + HALF, "challenger: stake back plus half the deposit");
        vm.assertEq(balance(alice), aliceBefore - STAKE, "proposer loses the deposit");
        vm.assertEq(balance(address(governor)), HALF, "voter pool held");
        IMailServerRegistry.Challenge memory c = governor.proposalChallenge(proposalId);
        vm.assertEq(uint256(c.status), uint256(IMailServerRegistry.ChallengeStatus.Succeeded), "succeeded");
        vm.assertEq(c.amount, HALF, "amount is now the voter pool");
    }

    function test_ProcessProposal_ChallengeSucceedsAfterWindow_StillRejectedAndPaid() public {
        uint256 carolBefore = balance(carol);
        (uint256 proposalId,) = contested(voters2(voter1, voter2), options2(1, 1));
        vm.warp(governor.proposal(proposalId).processBy + 1);
        governor.processProposal(proposalId);
        vm.assertEq(statusOf(proposalId), uint256(IParameterGovernor.ProposalStatus.Rejected), "rejected");
        vm.assertEq(balance(carol), carolBefore + HALF, "challenger paid");
    }

    function test_ProcessProposal_ChallengeFails_AppliedAndProposerPaid() public {
        uint256 aliceBefore = balance(alice);
        uint256 carolBefore = balance(carol);
        (uint256 proposalId, uint256 challengeId) = contested(voters2(voter1, voter2), options2(0, 0));

        vm.expectEmit(true, true, false, true, address(governor));
        emit IParameterGovernor.ProposalChallengeResolved(
            proposalId, challengeId, false, HALF, HALF, 0, 2 * VOTER_BALANCE, true
        );
        vm.expectEmit(true, true, false, true, address(governor));
        emit IParameterGovernor.ProposalApplied(proposalId, MIN_DEPOSIT_NAME, 150 * UNIT);
        governor.processProposal(proposalId);

        vm.assertEq(statusOf(proposalId), uint256(IParameterGovernor.ProposalStatus.Applied), "applied");
        vm.assertEq(registry.parameters().minDeposit, 150 * UNIT, "registry parameter changed");
        vm.assertEq(balance(alice), aliceBefore + HALF, "proposer: deposit back plus half the stake");
        vm.assertEq(balance(carol), carolBefore - STAKE, "challenger loses the stake");
        vm.assertEq(balance(address(governor)), HALF, "voter pool held");
        IMailServerRegistry.Challenge memory c = governor.proposalChallenge(proposalId);
        vm.assertEq(uint256(c.status), uint256(IMailServerRegistry.ChallengeStatus.Failed), "failed");
        vm.assertEq(c.amount, HALF, "voter pool");
    }

    function test_ProcessProposal_ChallengeFailsAfterWindow_ExpiredButProposerPaid() public {
        uint256 aliceBefore = balance(alice);
        uint256 carolBefore = balance(carol);
        (uint256 proposalId,) = contested(voters2(voter1, voter2), options2(0, 0));
        uint256 processBy = governor.proposal(proposalId).processBy;
        vm.warp(processBy + 1);

        vm.expectEmit(true, true, false, true, address(governor));
        emit IParameterGovernor.ProposalExpired(proposalId, MIN_DEPOSIT_NAME, 150 * UNIT);
        governor.processProposal(proposalId);

        vm.assertEq(statusOf(proposalId), uint256(IParameterGovernor.ProposalStatus.Expired), "expired");
        vm.assertEq(registry.parameters().minDeposit, MIN_DEPOSIT, "not applied");
        vm.assertEq(balance(alice), aliceBefore + HALF, "proposer still paid");
        vm.assertEq(balance(carol), carolBefore - STAKE, "challenger lost");
        vm.assertEq(uint256(governor.proposalChallenge(proposalId).status), uint256(IMailServerRegistry.ChallengeStatus.Failed), "failed");
    }

    function test_ProcessProposal_ChallengeFailsAtProcessBy_Applied() public {
        (uint256 proposalId,) = contested(voters2(voter1, voter2), options2(0, 0));
        vm.warp(governor.proposal(proposalId).processBy);
        governor.processProposal(proposalId);
        vm.assertEq(statusOf(proposalId), uint256(IParameterGovernor.ProposalStatus.Applied), "applied");
    }

    function test_ProcessProposal_UnanimousUpholdBelowQuorum_ChallengeFailsProposerTakesWholeStake() public {
        uint256 aliceBefore = balance(alice);
        uint256 carolBefore = balance(carol);
        // bob and carol hold 10,000 each: 2% turnout, below the 10% quorum.
        (uint256 proposalId, uint256 challengeId) = contested(voters2(bob, carol), options2(1, 1));

        vm.expectEmit(true, true, false, true, address(governor));
        emit IParameterGovernor.ProposalChallengeResolved(
            proposalId, challengeId, false, STAKE, 0, 20_000 * UNIT, 0, false
        );
        governor.processProposal(proposalId);

        vm.assertEq(statusOf(proposalId), uint256(IParameterGovernor.ProposalStatus.Applied), "status quo: applied");
        vm.assertEq(balance(alice), aliceBefore + STAKE, "proposer takes the whole stake");
        vm.assertEq(balance(carol), carolBefore - STAKE, "challenger loses");
        vm.assertEq(balance(address(governor)), 0, "no voter pool");
        vm.assertEq(governor.proposalChallenge(proposalId).amount, 0, "pool is zero");
    }

    function test_ProcessProposal_QuorumZeroAndNoVotes_ChallengeFailsWithoutPool() public {
        uint256 lower = proposeAs(bob, uint8(TcrParameters.Name.GovVoteQuorum), 0);
        vm.warp(block.timestamp + APPLY);
        governor.processProposal(lower);
        vm.assertEq(governor.parameters().voteQuorum, 0, "quorum 0");

        uint256 aliceBefore = balance(alice);
        uint256 carolBefore = balance(carol);
        (uint256 proposalId, uint256 challengeId) = contested(new address[](0), new uint8[](0));
        vm.expectEmit(true, true, false, true, address(governor));
        emit IParameterGovernor.ProposalChallengeResolved(proposalId, challengeId, false, STAKE, 0, 0, 0, true);
        governor.processProposal(proposalId);

        vm.assertEq(statusOf(proposalId), uint256(IParameterGovernor.ProposalStatus.Applied), "applied");
        vm.assertEq(balance(alice), aliceBefore + STAKE, "nobody to share with: proposer takes all");
        vm.assertEq(balance(carol), carolBefore - STAKE, "challenger loses");
        vm.assertEq(balance(address(governor)), 0, "nothing held");
    }

    /// Documents current behaviour: quorum and pass threshold are frozen in the poll when a challenge opens, but the
    /// dispensation percentage is read when the challenge is resolved.
    function test_ProcessProposal_DispensationChangedDuringVote_SplitUsesValueAtResolution() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        uint256 change = proposeAs(bob, uint8(TcrParameters.Name.GovDispensationPct), 0);
        uint256 challengeId = challengeProposalAs(carol, proposalId);
        vm.warp(block.timestamp + APPLY);
        governor.processProposal(change);
        vm.assertEq(governor.parameters().dispensationPct, 0, "dispensation now 0");

        uint256 carolBefore = balance(carol);
        vote(challengeId, voters2(voter1, voter2), options2(1, 1));
        governor.processProposal(proposalId);
        vm.assertEq(balance(carol), carolBefore + STAKE, "challenger gets only its stake back");
        vm.assertEq(governor.proposalChallenge(proposalId).amount, STAKE, "the whole deposit goes to voters");
    }

    // ----- claimReward / claimRewards ------------------------------------------------------------------------------

    function test_ClaimReward_WinningVoter_PaidShareAndSettled() public {
        (uint256 proposalId, uint256 challengeId) = contested(voters2(voter1, voter2), options2(1, 1));
        governor.processProposal(proposalId);
        uint256 before = balance(voter1);

        vm.expectEmit(true, true, true, true, address(governor));
        emit IParameterGovernor.RewardClaimed(proposalId, challengeId, voter1, HALF / 2);
        vm.prank(voter1);
        governor.claimReward(proposalId);

        vm.assertEq(balance(voter1), before + HALF / 2, "half the pool");
        (ICommitRevealVoting.VoteState state,,,) = voting.voteOf(challengeId, voter1);
        vm.assertEq(uint256(state), uint256(ICommitRevealVoting.VoteState.Settled), "settled");
        vm.assertEq(balance(address(governor)), HALF / 2, "voter2's share left");
    }

    function test_ClaimReward_AllWinnersOfFailedChallenge_PoolEmptied() public {
        (uint256 proposalId,) = contested(voters3(voter1, voter2, voter3), options3(0, 0, 1));
        governor.processProposal(proposalId);
        uint256 before1 = balance(voter1);
        uint256 before2 = balance(voter2);
        vm.prank(voter1);
        governor.claimReward(proposalId);
        vm.prank(voter2);
        governor.claimReward(proposalId);
        vm.assertEq(balance(voter1), before1 + HALF / 2, "voter1 share");
        vm.assertEq(balance(voter2), before2 + HALF / 2, "voter2 share");
        vm.assertEq(balance(address(governor)), 0, "pool fully paid");
    }

    function test_ClaimReward_UnevenWeights_ProRataAndDustStays() public {
        vm.prank(voter3);
        token.delegate(voter2); // voter2 now votes with 200,000
        vm.roll(block.number + 1);
        (uint256 proposalId,) = contested(voters2(voter1, voter2), options2(1, 1));
        governor.processProposal(proposalId);
        uint256 before1 = balance(voter1);
        uint256 before2 = balance(voter2);
        vm.prank(voter1);
        governor.claimReward(proposalId);
        vm.prank(voter2);
        governor.claimReward(proposalId);
        uint256 share1 = HALF * VOTER_BALANCE / (3 * VOTER_BALANCE);
        uint256 share2 = HALF * (2 * VOTER_BALANCE) / (3 * VOTER_BALANCE);
        vm.assertEq(balance(voter1), before1 + share1, "one third");
        vm.assertEq(balance(voter2), before2 + share2, "two thirds");
        vm.assertEq(balance(address(governor)), HALF - share1 - share2, "rounding dust stays");
        vm.assertEq(HALF - share1 - share2, 1, "one unit of dust");
    }

    function test_ClaimReward_Twice_RevertsNotSettleable() public {
        (uint256 proposalId, uint256 challengeId) = contested(voters2(voter1, voter2), options2(1, 1));
        governor.processProposal(proposalId);
        vm.prank(voter1);
        governor.claimReward(proposalId);
        uint256 before = balance(voter1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNotSettleable.selector,
                challengeId,
                voter1,
                ICommitRevealVoting.VoteState.Settled,
                1
            )
        );
        vm.prank(voter1);
        governor.claimReward(proposalId);
        vm.assertEq(balance(voter1), before, "paid once");
    }

    function test_ClaimReward_LosingVoter_RevertsNotSettleable() public {
        (uint256 proposalId, uint256 challengeId) = contested(voters3(voter1, voter2, voter3), options3(1, 1, 0));
        governor.processProposal(proposalId);
        uint256 before = balance(voter3);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNotSettleable.selector,
                challengeId,
                voter3,
                ICommitRevealVoting.VoteState.Revealed,
                1
            )
        );
        vm.prank(voter3);
        governor.claimReward(proposalId);
        vm.assertEq(balance(voter3), before, "loser unpaid");
    }

    function test_ClaimReward_NonVoter_RevertsNotSettleable() public {
        (uint256 proposalId, uint256 challengeId) = contested(voters2(voter1, voter2), options2(0, 0));
        governor.processProposal(proposalId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNotSettleable.selector,
                challengeId,
                bob,
                ICommitRevealVoting.VoteState.None,
                0
            )
        );
        vm.prank(bob);
        governor.claimReward(proposalId);
    }

    function test_ClaimReward_VoteEndedButUnresolved_RevertsNoReward() public {
        (uint256 proposalId,) = contested(voters2(voter1, voter2), options2(1, 1));
        vm.expectRevert(abi.encodeWithSelector(IParameterGovernor.GovernorNoReward.selector, proposalId));
        vm.prank(voter1);
        governor.claimReward(proposalId);
        vm.assertEq(balance(address(governor)), 2 * STAKE, "stakes untouched");
    }

    function test_ClaimReward_NeverChallenged_RevertsNoReward() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.warp(block.timestamp + APPLY);
        governor.processProposal(proposalId);
        vm.expectRevert(abi.encodeWithSelector(IParameterGovernor.GovernorNoReward.selector, proposalId));
        vm.prank(alice);
        governor.claimReward(proposalId);
        vm.assertEq(balance(address(governor)), 0, "nothing held");
    }

    function test_ClaimReward_UnknownProposal_RevertsNoReward() public {
        vm.expectRevert(abi.encodeWithSelector(IParameterGovernor.GovernorNoReward.selector, 42));
        vm.prank(voter1);
        governor.claimReward(42);
    }

    function test_ClaimReward_NoQuorum_RevertsNoReward() public {
        (uint256 proposalId,) = contested(voters1(bob), options1(0));
        governor.processProposal(proposalId);
        vm.assertFalse(voting.result(governor.proposal(proposalId).challengeId).quorumReached, "quorum missed");
        uint256 before = balance(bob);
        vm.expectRevert(abi.encodeWithSelector(IParameterGovernor.GovernorNoReward.selector, proposalId));
        vm.prank(bob);
        governor.claimReward(proposalId);
        vm.assertEq(balance(bob), before, "nothing paid");
    }

    function test_ClaimRewards_TwoProposals_PaysSumInOneCall() public {
        uint256 first = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        uint256 second = proposeAs(bob, GOV_COMMIT_NAME, 3 days);
        uint256 firstPoll = challengeProposalAs(carol, first);
        uint256 secondPoll = challengeProposalAs(carol, second);
        commitAs(voter1, firstPoll, 1);
        commitAs(voter1, secondPoll, 0);
        toRevealStage(firstPoll);
        revealAs(voter1, firstPoll, 1);
        revealAs(voter1, secondPoll, 0);
        toPollEnd(firstPoll);
        governor.processProposal(first);
        governor.processProposal(second);

        uint256[] memory ids = new uint256[](2);
        (ids[0], ids[1]) = (first, second);
        uint256 before = balance(voter1);
        vm.prank(voter1);
        governor.claimRewards(ids);
        vm.assertEq(balance(voter1), before + 2 * HALF, "sole winning voter takes both pools");
        vm.assertEq(balance(address(governor)), 0, "both pools paid");
    }

    function test_ClaimRewards_DuplicateId_RevertsNotSettleable() public {
        (uint256 proposalId, uint256 challengeId) = contested(voters2(voter1, voter2), options2(1, 1));
        governor.processProposal(proposalId);
        uint256[] memory ids = new uint256[](2);
        (ids[0], ids[1]) = (proposalId, proposalId);
        uint256 before = balance(voter1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNotSettleable.selector,
                challengeId,
                voter1,
                ICommitRevealVoting.VoteState.Settled,
                1
            )
        );
        vm.prank(voter1);
        governor.claimRewards(ids);
        vm.assertEq(balance(voter1), before, "nothing paid");
    }

    function test_ClaimRewards_OneWithoutReward_RevertsNoReward() public {
        (uint256 proposalId,) = contested(voters2(voter1, voter2), options2(1, 1));
        governor.processProposal(proposalId);
        uint256[] memory ids = new uint256[](2);
        (ids[0], ids[1]) = (proposalId, 99);
        vm.expectRevert(abi.encodeWithSelector(IParameterGovernor.GovernorNoReward.selector, 99));
        vm.prank(voter1);
        governor.claimRewards(ids);
        (ICommitRevealVoting.VoteState state,,,) = voting.voteOf(governor.proposal(proposalId).challengeId, voter1);
        vm.assertEq(uint256(state), uint256(ICommitRevealVoting.VoteState.Revealed), "settlement rolled back");
    }

    function test_ClaimRewards_Empty_PaysNothing() public {
        uint256 before = balance(voter1);
        vm.prank(voter1);
        governor.claimRewards(new uint256[](0));
        vm.assertEq(balance(voter1), before, "nothing paid");
    }

    // ----- get -----------------------------------------------------------------------------------------------------

    function test_Get_RegistryNames_ReadRegistryParameters() public view {
        TcrParameters.Registry memory r = registry.parameters();
        uint256[9] memory expected = [
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
        uint256[9] memory fixture =
            [MIN_DEPOSIT, APPLY, COMMIT, REVEAL, uint256(50), uint256(10), uint256(50), EXIT_DELAY, EXIT_WINDOW];
        for (uint8 name = 0; name < 9; ++name) {
            vm.assertEq(governor.get(name), expected[name], "matches registry.parameters()");
            vm.assertEq(governor.get(name), fixture[name], "matches the fixture");
        }
    }

    function test_Get_GovernanceNames_ReadGovernorParameters() public view {
        uint256[8] memory fixture = [
            GOV_MIN_DEPOSIT, APPLY, COMMIT, REVEAL, uint256(50), uint256(10), uint256(50), PROCESS_WINDOW
        ];
        for (uint8 i = 0; i < 8; ++i) {
            vm.assertEq(governor.get(9 + i), fixture[i], "matches the fixture");
        }
        vm.assertEq(governor.get(uint8(TcrParameters.Name.GovProcessWindow)), governor.parameters().processWindow, "window");
    }

    function test_Get_UnknownName_RevertsParameterUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(TcrParameters.ParameterUnknown.selector, 17));
        governor.get(17);
        vm.expectRevert(abi.encodeWithSelector(TcrParameters.ParameterUnknown.selector, 255));
        governor.get(255);
    }

    // ----- canProcess ----------------------------------------------------------------------------------------------

    function test_CanProcess_UnknownProposal_False() public view {
        vm.assertFalse(governor.canProcess(1), "unknown");
    }

    function test_CanProcess_Pending_TrueFromChallengeEnd() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        uint256 challengeEnd = governor.proposal(proposalId).challengeEnd;
        vm.warp(challengeEnd - 1);
        vm.assertFalse(governor.canProcess(proposalId), "before challengeEnd");
        vm.warp(challengeEnd);
        vm.assertTrue(governor.canProcess(proposalId), "at challengeEnd");
    }

    function test_CanProcess_Challenged_TrueFromRevealEnd() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        uint256 challengeId = challengeProposalAs(carol, proposalId);
        (, uint256 revealEnd) = voting.pollDeadlines(challengeId);
        vm.warp(revealEnd - 1);
        vm.assertFalse(governor.canProcess(proposalId), "vote running");
        vm.warp(revealEnd);
        vm.assertTrue(governor.canProcess(proposalId), "vote ended");
    }

    function test_CanProcess_AfterProcessed_False() public {
        uint256 proposalId = proposeAs(alice, MIN_DEPOSIT_NAME, 150 * UNIT);
        vm.warp(block.timestamp + APPLY);
        governor.processProposal(proposalId);
        vm.assertFalse(governor.canProcess(proposalId), "applied");
    }

    // ----- registry.setParameter -----------------------------------------------------------------------------------

    function test_RegistrySetParameter_NotGovernor_RevertsNotGovernor() public {
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryNotGovernor.selector, address(this)));
        registry.setParameter(MIN_DEPOSIT_NAME, 1);
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryNotGovernor.selector, alice));
        vm.prank(alice);
        registry.setParameter(MIN_DEPOSIT_NAME, 1);
        vm.assertEq(registry.parameters().minDeposit, MIN_DEPOSIT, "unchanged");
    }

    function test_RegistrySetParameter_GovernorWithGovernanceName_RevertsParameterUnknown() public {
        uint8 name = uint8(TcrParameters.Name.GovMinDeposit);
        vm.expectRevert(abi.encodeWithSelector(TcrParameters.ParameterUnknown.selector, name));
        vm.prank(address(governor));
        registry.setParameter(name, 1);
    }

    function test_RegistrySetParameter_GovernorOutOfBounds_RevertsOutOfBounds() public {
        vm.expectRevert(outOfBounds(MIN_DEPOSIT_NAME, 0, 1, type(uint88).max));
        vm.prank(address(governor));
        registry.setParameter(MIN_DEPOSIT_NAME, 0);
    }

    // ----- fuzz ----------------------------------------------------------------------------------------------------

    function testFuzz_Propose_AnyNameAndValue_AcceptedOnlyWithinBounds(uint8 name, uint256 value) public {
        if (name >= TcrParameters.COUNT) {
            vm.expectRevert(abi.encodeWithSelector(TcrParameters.ParameterUnknown.selector, name));
            proposeAs(alice, name, value);
            return;
        }
        (uint256 min, uint256 max) = boundsOf(name);
        if (value < min || value > max) {
            vm.expectRevert(outOfBounds(name, value, min, max));
            proposeAs(alice, name, value);
            vm.assertEq(governor.proposalCount(), 0, "rejected");
        } else if (value == governor.get(name)) {
            vm.expectRevert(abi.encodeWithSelector(IParameterGovernor.GovernorValueUnchanged.selector, name, value));
            proposeAs(alice, name, value);
        } else {
            uint256 proposalId = proposeAs(alice, name, value);
            vm.assertEq(governor.proposal(proposalId).value, value, "accepted");
        }
    }

    /// The voters whose bit is set in `participation`, each voting its bit of `optionBits`.
    function randomBallots(uint8 participation, uint8 optionBits)
        internal
        view
        returns (address[] memory voters, uint8[] memory options, uint256 votesFor)
    {
        address[3] memory all = [voter1, voter2, voter3];
        uint256 count;
        for (uint256 i = 0; i < 3; ++i) {
            if ((participation >> i) & 1 == 1) ++count;
        }
        voters = new address[](count);
        options = new uint8[](count);
        uint256 j;
        for (uint256 i = 0; i < 3; ++i) {
            if ((participation >> i) & 1 == 0) continue;
            (voters[j], options[j]) = (all[i], uint8(optionBits >> i) & 1);
            if (options[j] == 1) ++votesFor;
            ++j;
        }
    }

    function voterBalances() internal view returns (uint256) {
        return balance(voter1) + balance(voter2) + balance(voter3);
    }

    /// The governor's token balance and every participant's payout add up whatever the vote.
    function testFuzz_ProcessProposal_RandomVotes_PayoutsConserveTokens(uint8 participation, uint8 optionBits) public {
        (address[] memory voters, uint8[] memory options, uint256 votesFor) =
            randomBallots(participation, optionBits);
        uint256 aliceBefore = balance(alice);
        uint256 carolBefore = balance(carol);
        uint256 votersBefore = voterBalances();

        (uint256 proposalId,) = contested(voters, options);
        governor.processProposal(proposalId);

        // Quorum: any one voter's 100,000 is 10%. Pass: strictly more than half of the revealed weight.
        bool succeeded = votesFor * 2 > voters.length;
        uint256 winners = succeeded ? votesFor : voters.length - votesFor;
        uint256 pool = winners == 0 ? 0 : HALF;
        vm.assertEq(balance(carol), succeeded ? carolBefore + STAKE - pool : carolBefore - STAKE, "challenger");
        vm.assertEq(balance(alice), succeeded ? aliceBefore - STAKE : aliceBefore + STAKE - pool, "proposer");
        vm.assertEq(balance(address(governor)), pool, "pool held");

        for (uint256 i = 0; i < voters.length; ++i) {
            if (options[i] != (succeeded ? 1 : 0)) continue;
            vm.prank(voters[i]);
            governor.claimReward(proposalId);
        }
        uint256 paid = voterBalances() - votersBefore;
        vm.assertEq(paid + balance(address(governor)), pool, "pool paid out or left as dust");
        vm.assertLe(balance(address(governor)), winners, "at most one unit of dust per winner");
    }

    function boundsOf(uint8 name) internal pure returns (uint256 min, uint256 max) {
        return TcrParameters.bounds(name);
    }
}
