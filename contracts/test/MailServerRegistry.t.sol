// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TcrFixture} from "./utils/TcrFixture.sol";
import {TcrToken} from "../TcrToken.sol";
import {CommitRevealVoting} from "../CommitRevealVoting.sol";
import {MailServerRegistry} from "../MailServerRegistry.sol";
import {ParameterGovernor} from "../ParameterGovernor.sol";
import {IMailServerRegistry} from "../interfaces/IMailServerRegistry.sol";
import {ICommitRevealVoting} from "../interfaces/ICommitRevealVoting.sol";
import {TcrParameters} from "../libraries/TcrParameters.sol";

contract MailServerRegistryTest is TcrFixture {
    uint256 private constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    uint256 private constant DAVE_KEY = 0xDA7E;

    event Applied(bytes32 indexed nodeId, address indexed owner, uint256 deposit, uint256 applicationEnd, bytes data);
    event Listed(bytes32 indexed nodeId, address indexed owner, uint256 deposit);
    event Challenged(
        bytes32 indexed nodeId,
        uint256 indexed challengeId,
        address indexed challenger,
        uint256 stake,
        uint256 commitEnd,
        uint256 revealEnd,
        bytes evidence
    );
    event TouchedAndRemoved(bytes32 indexed nodeId, address indexed owner, uint256 deposit, uint256 minDeposit);
    event ListingRemoved(bytes32 indexed nodeId, address indexed owner, uint256 indexed challengeId, uint256 refund);
    event ApplicationRemoved(
        bytes32 indexed nodeId, address indexed owner, uint256 indexed challengeId, uint256 refund
    );
    event RewardClaimed(bytes32 indexed nodeId, uint256 indexed challengeId, address indexed voter, uint256 amount);
    event Exited(bytes32 indexed nodeId, address indexed owner, uint256 refund);
    event Deposited(bytes32 indexed nodeId, address indexed owner, uint256 amount, uint256 newDeposit);
    event Withdrawn(bytes32 indexed nodeId, address indexed owner, uint256 amount, uint256 newDeposit);
    event ExitStarted(bytes32 indexed nodeId, address indexed owner, uint256 exitStart, uint256 exitEnd);
    event ChallengeSucceeded(
        bytes32 indexed nodeId,
        uint256 indexed challengeId,
        uint256 challengerReward,
        uint256 voterRewardPool,
        uint256 votesFor,
        uint256 votesAgainst
    );
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
    event ParameterSet(uint8 indexed name, uint256 value);

    // ================================================================================================ constructor

    function test_Constructor_VotingWithOtherToken_RevertsTokenMismatch() public {
        TcrToken other = new TcrToken("Other", "OTH", address(this), 1);
        CommitRevealVoting otherVoting = new CommitRevealVoting(other);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMailServerRegistry.RegistryTokenMismatch.selector, address(token), address(other)
            )
        );
        new MailServerRegistry(token, otherVoting, registryParameters(), governanceParameters());
    }

    function test_Constructor_ParameterOutOfBounds_Reverts() public {
        TcrParameters.Registry memory p = registryParameters();
        p.commitStageLength = 0;
        vm.expectRevert(
            abi.encodeWithSelector(
                TcrParameters.ParameterOutOfBounds.selector,
                uint8(TcrParameters.Name.CommitStageLength),
                0,
                TcrParameters.MIN_PERIOD,
                TcrParameters.MAX_PERIOD
            )
        );
        new MailServerRegistry(token, voting, p, governanceParameters());
    }

    function test_Constructor_DeploysGovernorBoundToRegistry() public view {
        vm.assertEq(address(governor.registry()), address(registry), "governor.registry");
        vm.assertEq(address(registry.token()), address(token), "token");
        vm.assertEq(address(registry.voting()), address(voting), "voting");
        vm.assertEq(registry.parameters().minDeposit, MIN_DEPOSIT, "minDeposit");
    }

    // ================================================================================================ apply

    function test_Apply_ValidProof_StoresApplicationAndTakesDeposit() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory proof = nodeProof(NODE_KEY_1, alice, nodeId, deadline);
        uint256 before = token.balanceOf(alice);

        vm.expectEmit();
        emit Applied(nodeId, alice, MIN_DEPOSIT, block.timestamp + APPLY, "enr:-abc");
        vm.prank(alice);
        registry.applyListing(nodeId, MIN_DEPOSIT, deadline, proof, "enr:-abc");

        IMailServerRegistry.Listing memory l = registry.listing(nodeId);
        vm.assertEq(l.owner, alice, "owner");
        vm.assertEq(l.deposit, MIN_DEPOSIT, "deposit");
        vm.assertEq(uint256(l.stage), uint256(IMailServerRegistry.Stage.Applied), "stage");
        vm.assertEq(l.applicationEnd, block.timestamp + APPLY, "applicationEnd");
        vm.assertEq(l.nonce, 1, "nonce");
        vm.assertEq(token.balanceOf(alice), before - MIN_DEPOSIT, "alice balance");
        vm.assertEq(token.balanceOf(address(registry)), MIN_DEPOSIT, "registry balance");
        vm.assertFalse(registry.isListed(nodeId), "an application is not trusted");
    }

    function test_Apply_RawRecoveryId_Accepted() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(NODE_KEY_1, registry.nodeProofDigest(alice, nodeId, deadline));
        vm.prank(alice);
        registry.applyListing(nodeId, MIN_DEPOSIT, deadline, abi.encodePacked(r, s, v - 27), "");
        vm.assertEq(uint256(registry.listing(nodeId).stage), uint256(IMailServerRegistry.Stage.Applied), "stage");
    }

    function test_Apply_AlreadyApplied_RevertsWrongStage() public {
        bytes32 nodeId = applyAs(alice, NODE_KEY_1, MIN_DEPOSIT);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory proof = nodeProof(NODE_KEY_1, bob, nodeId, deadline);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMailServerRegistry.RegistryWrongStage.selector, nodeId, IMailServerRegistry.Stage.Applied,
                IMailServerRegistry.Stage.Absent
            )
        );
        vm.prank(bob);
        registry.applyListing(nodeId, MIN_DEPOSIT, deadline, proof, "");
    }

    function test_Apply_DepositBelowMinimum_RevertsDepositTooLow() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        bytes memory proof = nodeProof(NODE_KEY_1, alice, nodeId, block.timestamp);
        vm.expectRevert(
            abi.encodeWithSelector(IMailServerRegistry.RegistryDepositTooLow.selector, MIN_DEPOSIT - 1, MIN_DEPOSIT)
        );
        vm.prank(alice);
        registry.applyListing(nodeId, MIN_DEPOSIT - 1, block.timestamp, proof, "");
    }

    function test_Apply_AmountAbove96Bits_RevertsInvalidAmount() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        bytes memory proof = nodeProof(NODE_KEY_1, alice, nodeId, block.timestamp);
        uint256 amount = uint256(type(uint96).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryInvalidAmount.selector, amount));
        vm.prank(alice);
        registry.applyListing(nodeId, amount, block.timestamp, proof, "");
    }

    function test_Apply_ExpiredProof_RevertsProofExpired() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        uint256 deadline = block.timestamp - 1;
        bytes memory proof = nodeProof(NODE_KEY_1, alice, nodeId, deadline);
        vm.expectRevert(
            abi.encodeWithSelector(IMailServerRegistry.RegistryProofExpired.selector, deadline, block.timestamp)
        );
        vm.prank(alice);
        registry.applyListing(nodeId, MIN_DEPOSIT, deadline, proof, "");
    }

    function test_Apply_ProofSignedByAnotherKey_RevertsInvalidNodeProof() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory forged = nodeProof(NODE_KEY_2, alice, nodeId, deadline);
        vm.expectRevert(
            abi.encodeWithSelector(IMailServerRegistry.RegistryInvalidNodeProof.selector, nodeId, vm.addr(NODE_KEY_2))
        );
        vm.prank(alice);
        registry.applyListing(nodeId, MIN_DEPOSIT, deadline, forged, "");
    }

    function test_Apply_ProofMadeForAnotherApplicant_RevertsInvalidNodeProof() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory aliceProof = nodeProof(NODE_KEY_1, alice, nodeId, deadline);
        vm.expectPartialRevert(IMailServerRegistry.RegistryInvalidNodeProof.selector);
        vm.prank(bob); // front-running alice's transaction with her proof
        registry.applyListing(nodeId, MIN_DEPOSIT, deadline, aliceProof, "");
    }

    function test_Apply_ProofReplayedOnAnotherChainId_RevertsInvalidNodeProof() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory proof = nodeProof(NODE_KEY_1, alice, nodeId, deadline);
        vm.chainId(block.chainid + 1);
        vm.expectPartialRevert(IMailServerRegistry.RegistryInvalidNodeProof.selector);
        vm.prank(alice);
        registry.applyListing(nodeId, MIN_DEPOSIT, deadline, proof, "");
    }

    function test_Apply_ProofReplayedOnAnotherRegistry_RevertsInvalidNodeProof() public {
        MailServerRegistry other = new MailServerRegistry(token, voting, registryParameters(), governanceParameters());
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory proofForFirst = nodeProof(NODE_KEY_1, alice, nodeId, deadline);
        vm.startPrank(alice);
        token.approve(address(other), MIN_DEPOSIT);
        vm.expectPartialRevert(IMailServerRegistry.RegistryInvalidNodeProof.selector);
        other.applyListing(nodeId, MIN_DEPOSIT, deadline, proofForFirst, "");
        vm.stopPrank();
    }

    function test_Apply_HighS_RevertsInvalidNodeProof() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(NODE_KEY_1, registry.nodeProofDigest(alice, nodeId, deadline));
        // (r, n - s, v ^ 1) is the same signature's malleable twin: valid for ecrecover, rejected as high-S.
        bytes memory twin = abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        vm.expectRevert(
            abi.encodeWithSelector(IMailServerRegistry.RegistryInvalidNodeProof.selector, nodeId, address(0))
        );
        vm.prank(alice);
        registry.applyListing(nodeId, MIN_DEPOSIT, deadline, twin, "");
    }

    function test_Apply_ProofOfWrongLength_RevertsInvalidNodeProof() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        bytes memory proof = nodeProof(NODE_KEY_1, alice, nodeId, block.timestamp);
        bytes memory short = new bytes(64);
        for (uint256 i = 0; i < 64; ++i) short[i] = proof[i];
        vm.expectRevert(
            abi.encodeWithSelector(IMailServerRegistry.RegistryInvalidNodeProof.selector, nodeId, address(0))
        );
        vm.prank(alice);
        registry.applyListing(nodeId, MIN_DEPOSIT, block.timestamp, short, "");
    }

    function test_Apply_ProofReplayedAfterRemoval_RevertsInvalidNodeProof() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        uint256 deadline = block.timestamp + 30 days;
        bytes memory proof = nodeProof(NODE_KEY_1, alice, nodeId, deadline);
        vm.prank(alice);
        registry.applyListing(nodeId, MIN_DEPOSIT, deadline, proof, "");
        uint256 cid = challengeAs(carol, nodeId);
        vote(cid, voters2(voter1, voter2), options2(1, 1));
        registry.updateStatus(nodeId);
        vm.assertEq(uint256(registry.listing(nodeId).stage), 0, "removed");

        vm.expectPartialRevert(IMailServerRegistry.RegistryInvalidNodeProof.selector);
        vm.prank(alice);
        registry.applyListing(nodeId, MIN_DEPOSIT, deadline, proof, "");

        // A fresh proof over the new nonce is accepted.
        bytes memory fresh = nodeProof(NODE_KEY_1, alice, nodeId, deadline);
        vm.prank(alice);
        registry.applyListing(nodeId, MIN_DEPOSIT, deadline, fresh, "");
        vm.assertEq(registry.listing(nodeId).nonce, 2, "nonce after second application");
    }

    function test_NodeProofDigest_MatchesEip712Encoding() public view {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("MailServerRegistry"),
                keccak256("1"),
                block.chainid,
                address(registry)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("NodeProof(address applicant,bytes32 nodeId,uint256 nonce,uint256 deadline)"),
                alice,
                nodeId,
                uint256(0),
                uint256(123)
            )
        );
        bytes32 expected = keccak256(abi.encodePacked("\x19\x01", domain, structHash));
        vm.assertEq(registry.nodeProofDigest(alice, nodeId, 123), expected, "digest");
    }

    function test_ApplyWithPermit_ValidPermit_AppliesWithoutApproval() public {
        address dave = vm.addr(DAVE_KEY);
        token.transfer(dave, MIN_DEPOSIT);
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory proof = nodeProof(NODE_KEY_1, dave, nodeId, deadline);
        (uint8 v, bytes32 r, bytes32 s) = _permit(DAVE_KEY, MIN_DEPOSIT, deadline);

        vm.prank(dave);
        registry.applyListingWithPermit(nodeId, MIN_DEPOSIT, deadline, proof, "", deadline, v, r, s);

        vm.assertEq(registry.listing(nodeId).owner, dave, "owner");
        vm.assertEq(token.balanceOf(dave), 0, "deposit taken");
        vm.assertEq(token.allowance(dave, address(registry)), 0, "allowance consumed");
    }

    function test_ApplyWithPermit_PermitFrontRun_StillApplies() public {
        address dave = vm.addr(DAVE_KEY);
        token.transfer(dave, MIN_DEPOSIT);
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory proof = nodeProof(NODE_KEY_1, dave, nodeId, deadline);
        (uint8 v, bytes32 r, bytes32 s) = _permit(DAVE_KEY, MIN_DEPOSIT, deadline);
        token.permit(dave, address(registry), MIN_DEPOSIT, deadline, v, r, s); // someone copies it from the mempool

        vm.prank(dave);
        registry.applyListingWithPermit(nodeId, MIN_DEPOSIT, deadline, proof, "", deadline, v, r, s);
        vm.assertEq(registry.listing(nodeId).owner, dave, "owner");
    }

    function _permit(uint256 ownerKey, uint256 value, uint256 deadline)
        private
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        address owner = vm.addr(ownerKey);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                address(registry),
                value,
                token.nonces(owner),
                deadline
            )
        );
        return vm.sign(ownerKey, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }

    // ================================================================================================ listing

    function test_UpdateStatus_AfterApplyStage_Lists() public {
        bytes32 nodeId = applyAs(alice, NODE_KEY_1, MIN_DEPOSIT);
        vm.warp(block.timestamp + APPLY);
        vm.assertTrue(registry.canUpdateStatus(nodeId), "can update");
        vm.expectEmit();
        emit Listed(nodeId, alice, MIN_DEPOSIT);
        registry.updateStatus(nodeId);
        vm.assertTrue(registry.isListed(nodeId), "listed");
        vm.assertEq(registry.listedCount(), 1, "count");
        vm.assertEq(registry.listedPage(0, 10)[0], nodeId, "enumerated");
        vm.assertFalse(registry.canUpdateStatus(nodeId), "nothing more to do");
    }

    function test_UpdateStatus_DuringApplyStage_RevertsNothingToUpdate() public {
        bytes32 nodeId = applyAs(alice, NODE_KEY_1, MIN_DEPOSIT);
        vm.assertFalse(registry.canUpdateStatus(nodeId), "too early");
        vm.expectRevert(
            abi.encodeWithSelector(
                IMailServerRegistry.RegistryNothingToUpdate.selector,
                nodeId,
                IMailServerRegistry.Stage.Applied,
                block.timestamp + APPLY
            )
        );
        registry.updateStatus(nodeId);
    }

    function test_UpdateStatus_ListedWithoutChallenge_RevertsNothingToUpdate() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMailServerRegistry.RegistryNothingToUpdate.selector, nodeId, IMailServerRegistry.Stage.Listed, 0
            )
        );
        registry.updateStatus(nodeId);
    }

    function test_UpdateStatus_VoteRunning_RevertsWithRevealEnd() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 cid = challengeAs(carol, nodeId);
        (, uint256 revealEnd) = voting.pollDeadlines(cid);
        vm.assertFalse(registry.canUpdateStatus(nodeId), "vote running");
        vm.expectRevert(
            abi.encodeWithSelector(
                IMailServerRegistry.RegistryNothingToUpdate.selector,
                nodeId,
                IMailServerRegistry.Stage.Listed,
                revealEnd
            )
        );
        registry.updateStatus(nodeId);
    }

    function test_UpdateStatuses_AllReady_ListsEach() public {
        bytes32[] memory ids = new bytes32[](2);
        ids[0] = applyAs(alice, NODE_KEY_1, MIN_DEPOSIT);
        ids[1] = applyAs(bob, NODE_KEY_2, MIN_DEPOSIT);
        vm.warp(block.timestamp + APPLY);
        registry.updateStatuses(ids);
        bool[] memory listed = registry.areListed(ids);
        vm.assertTrue(listed[0] && listed[1], "both listed");
    }

    function test_UpdateStatuses_OneNotReady_RevertsWhole() public {
        bytes32[] memory ids = new bytes32[](2);
        ids[0] = applyAs(alice, NODE_KEY_1, MIN_DEPOSIT);
        vm.warp(block.timestamp + APPLY);
        ids[1] = applyAs(bob, NODE_KEY_2, MIN_DEPOSIT);
        vm.expectPartialRevert(IMailServerRegistry.RegistryNothingToUpdate.selector);
        registry.updateStatuses(ids);
        vm.assertFalse(registry.isListed(ids[0]), "first not listed either");
    }

    function test_UpdateStatus_Absent_RevertsNothingToUpdate() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMailServerRegistry.RegistryNothingToUpdate.selector, nodeId, IMailServerRegistry.Stage.Absent, 0
            )
        );
        registry.updateStatus(nodeId);
    }

    // ================================================================================================ deposit / withdraw

    function test_Deposit_ByOwner_IncreasesDeposit() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.prank(alice);
        registry.deposit(nodeId, 5 * UNIT);
        vm.assertEq(registry.listing(nodeId).deposit, MIN_DEPOSIT + 5 * UNIT, "deposit");
        vm.assertEq(token.balanceOf(address(registry)), MIN_DEPOSIT + 5 * UNIT, "registry balance");
    }

    function test_Deposit_NotOwner_RevertsNotOwner() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryNotOwner.selector, nodeId, bob, alice));
        vm.prank(bob);
        registry.deposit(nodeId, UNIT);
    }

    function test_Deposit_Absent_RevertsNotFound() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryNotFound.selector, nodeId));
        vm.prank(alice);
        registry.deposit(nodeId, UNIT);
    }

    function test_Deposit_Zero_RevertsInvalidAmount() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryInvalidAmount.selector, 0));
        vm.prank(alice);
        registry.deposit(nodeId, 0);
    }

    function test_Deposit_Beyond96Bits_RevertsInvalidAmount() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 amount = uint256(type(uint96).max);
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryInvalidAmount.selector, amount));
        vm.prank(alice);
        registry.deposit(nodeId, amount);
    }

    function test_Withdraw_AboveMinimum_PaysOwner() public {
        bytes32 nodeId = applyAs(alice, NODE_KEY_1, MIN_DEPOSIT + 30 * UNIT);
        uint256 before = token.balanceOf(alice);
        vm.prank(alice);
        registry.withdraw(nodeId, 30 * UNIT);
        vm.assertEq(registry.listing(nodeId).deposit, MIN_DEPOSIT, "deposit");
        vm.assertEq(token.balanceOf(alice), before + 30 * UNIT, "paid");
    }

    function test_Withdraw_BelowMinimum_RevertsWithdrawTooLarge() public {
        bytes32 nodeId = applyAs(alice, NODE_KEY_1, MIN_DEPOSIT + 30 * UNIT);
        vm.expectRevert(
            abi.encodeWithSelector(IMailServerRegistry.RegistryWithdrawTooLarge.selector, nodeId, 31 * UNIT, 30 * UNIT)
        );
        vm.prank(alice);
        registry.withdraw(nodeId, 31 * UNIT);
    }

    function test_Withdraw_StakeLockedByChallenge_RevertsWithdrawTooLarge() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.prank(alice);
        registry.deposit(nodeId, 50 * UNIT);
        challengeAs(carol, nodeId);
        // The minimum deposit rises above the stake: the larger of the two stays locked.
        vm.prank(address(governor));
        registry.setParameter(uint8(TcrParameters.Name.MinDeposit), 120 * UNIT);
        vm.expectRevert(
            abi.encodeWithSelector(IMailServerRegistry.RegistryWithdrawTooLarge.selector, nodeId, 31 * UNIT, 30 * UNIT)
        );
        vm.prank(alice);
        registry.withdraw(nodeId, 31 * UNIT);
    }

    function test_Withdraw_StakeAboveLoweredMinimum_StaysLocked() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        challengeAs(carol, nodeId);
        vm.prank(address(governor));
        registry.setParameter(uint8(TcrParameters.Name.MinDeposit), 60 * UNIT);
        vm.expectRevert(
            abi.encodeWithSelector(IMailServerRegistry.RegistryWithdrawTooLarge.selector, nodeId, UNIT, 0)
        );
        vm.prank(alice);
        registry.withdraw(nodeId, UNIT);
    }

    function test_Withdraw_Zero_RevertsInvalidAmount() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryInvalidAmount.selector, 0));
        vm.prank(alice);
        registry.withdraw(nodeId, 0);
    }

    function test_Withdraw_NotOwner_RevertsNotOwner() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryNotOwner.selector, nodeId, carol, alice));
        vm.prank(carol);
        registry.withdraw(nodeId, UNIT);
    }

    // ================================================================================================ challenge

    function test_Challenge_Listing_OpensPollAndTakesStake() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 before = token.balanceOf(carol);
        uint256 expectedId = voting.pollCount() + 1;
        vm.expectEmit();
        emit Challenged(
            nodeId, expectedId, carol, MIN_DEPOSIT, block.timestamp + COMMIT, block.timestamp + COMMIT + REVEAL, "spam"
        );
        vm.prank(carol);
        uint256 cid = registry.challenge(nodeId, "spam");

        vm.assertEq(cid, expectedId, "challenge id is the poll id");
        vm.assertEq(registry.listing(nodeId).challengeId, cid, "listing points at challenge");
        IMailServerRegistry.Challenge memory c = registry.challengeOf(nodeId, cid);
        vm.assertEq(c.challenger, carol, "challenger");
        vm.assertEq(c.amount, MIN_DEPOSIT, "stake");
        vm.assertEq(uint256(c.status), uint256(IMailServerRegistry.ChallengeStatus.Open), "open");
        vm.assertEq(token.balanceOf(carol), before - MIN_DEPOSIT, "stake taken");
        ICommitRevealVoting.Poll memory p = voting.poll(cid);
        vm.assertEq(p.owner, address(registry), "poll owner");
        vm.assertEq(p.quorumPct, 10, "quorum");
        vm.assertEq(p.snapshot, block.number - 1, "snapshot");
        vm.assertTrue(registry.isListed(nodeId), "still trusted while challenged");
    }

    function test_Challenge_Absent_RevertsNotFound() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryNotFound.selector, nodeId));
        challengeAs(carol, nodeId);
    }

    function test_Challenge_AlreadyChallenged_RevertsChallengeOpen() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 cid = challengeAs(carol, nodeId);
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryChallengeOpen.selector, nodeId, cid));
        challengeAs(bob, nodeId);
    }

    function test_Challenge_DepositBelowRaisedMinimum_TouchesAndRemoves() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.prank(address(governor));
        registry.setParameter(uint8(TcrParameters.Name.MinDeposit), 150 * UNIT);
        uint256 aliceBefore = token.balanceOf(alice);
        uint256 carolBefore = token.balanceOf(carol);

        vm.expectEmit();
        emit TouchedAndRemoved(nodeId, alice, MIN_DEPOSIT, 150 * UNIT);
        uint256 cid = challengeAs(carol, nodeId);

        vm.assertEq(cid, 0, "no challenge");
        vm.assertFalse(registry.isListed(nodeId), "removed");
        vm.assertEq(registry.listedCount(), 0, "not enumerated");
        vm.assertEq(token.balanceOf(alice), aliceBefore + MIN_DEPOSIT, "owner refunded");
        vm.assertEq(token.balanceOf(carol), carolBefore, "challenger pays nothing");
    }

    function test_Challenge_ExitingListing_StillChallengeable() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.prank(alice);
        registry.initExit(nodeId);
        uint256 cid = challengeAs(carol, nodeId);
        vm.assertTrue(cid != 0, "challenge opened during exit");
        vote(cid, voters2(voter1, voter2), options2(1, 1));
        registry.updateStatus(nodeId);
        vm.assertFalse(registry.isListed(nodeId), "removed, not exited");
        vm.assertEq(token.balanceOf(address(registry)), MIN_DEPOSIT / 2, "only the voter pool remains");
    }

    // ================================================================================================ resolution

    function test_Resolve_ChallengeUpheldOnListing_RemovesAndPays() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.prank(alice);
        registry.deposit(nodeId, 40 * UNIT);
        uint256 aliceBefore = token.balanceOf(alice);
        uint256 carolBefore = token.balanceOf(carol);
        uint256 cid = challengeAs(carol, nodeId);
        vote(cid, _voters3(), _options3(1, 0, 1)); // 200k for, 100k against
        vm.assertTrue(registry.canUpdateStatus(nodeId), "ready");

        vm.expectEmit();
        emit ListingRemoved(nodeId, alice, cid, 40 * UNIT);
        registry.updateStatus(nodeId);

        vm.assertFalse(registry.isListed(nodeId), "removed");
        vm.assertEq(registry.listedCount(), 0, "dropped from enumeration");
        IMailServerRegistry.Challenge memory c = registry.challengeOf(nodeId, cid);
        vm.assertEq(uint256(c.status), uint256(IMailServerRegistry.ChallengeStatus.Succeeded), "succeeded");
        vm.assertEq(c.amount, MIN_DEPOSIT / 2, "voter pool: the half not dispensed to the winner");
        vm.assertEq(token.balanceOf(carol), carolBefore + MIN_DEPOSIT / 2, "challenger: stake back + half");
        vm.assertEq(token.balanceOf(alice), aliceBefore + 40 * UNIT, "owner: unstaked part back");
        vm.assertEq(token.balanceOf(address(registry)), MIN_DEPOSIT / 2, "only the pool remains");
    }

    function test_Resolve_ChallengeUpheldOnApplication_RemovesApplication() public {
        bytes32 nodeId = applyAs(alice, NODE_KEY_1, MIN_DEPOSIT);
        uint256 cid = challengeAs(carol, nodeId);
        vote(cid, voters2(voter1, voter2), options2(1, 1));
        vm.expectEmit();
        emit ApplicationRemoved(nodeId, alice, cid, 0);
        registry.updateStatus(nodeId);
        vm.assertEq(uint256(registry.listing(nodeId).stage), uint256(IMailServerRegistry.Stage.Absent), "absent");
    }

    function test_Resolve_ChallengeRejected_DepositGrowsAndListingStays() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 carolBefore = token.balanceOf(carol);
        uint256 cid = challengeAs(carol, nodeId);
        vote(cid, _voters3(), _options3(0, 0, 1)); // 200k against, 100k for
        registry.updateStatus(nodeId);

        vm.assertTrue(registry.isListed(nodeId), "still listed");
        IMailServerRegistry.Listing memory l = registry.listing(nodeId);
        vm.assertEq(l.deposit, MIN_DEPOSIT + MIN_DEPOSIT / 2, "owner's share joins the deposit");
        vm.assertEq(l.challengeId, 0, "challenge closed");
        IMailServerRegistry.Challenge memory c = registry.challengeOf(nodeId, cid);
        vm.assertEq(uint256(c.status), uint256(IMailServerRegistry.ChallengeStatus.Failed), "failed");
        vm.assertEq(token.balanceOf(carol), carolBefore - MIN_DEPOSIT, "challenger lost the stake");
    }

    function test_Resolve_ChallengeRejectedOnApplication_ListsAtOnce() public {
        bytes32 nodeId = applyAs(alice, NODE_KEY_1, MIN_DEPOSIT);
        uint256 cid = challengeAs(carol, nodeId);
        vote(cid, voters2(voter1, voter2), options2(0, 0));
        registry.updateStatus(nodeId);
        vm.assertTrue(registry.isListed(nodeId), "listed after surviving the challenge");
        vm.assertEq(registry.listedPage(0, 1)[0], nodeId, "enumerated");
    }

    function test_Resolve_TieVote_ChallengeFails() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 cid = challengeAs(carol, nodeId);
        vote(cid, voters2(voter1, voter2), options2(1, 0)); // 100k each: not strictly above 50%
        registry.updateStatus(nodeId);
        vm.assertTrue(registry.isListed(nodeId), "a tie keeps the listing");
        vm.assertEq(registry.challengeOf(nodeId, cid).amount, MIN_DEPOSIT / 2, "pool for the 'against' voter");
    }

    function test_Resolve_BelowQuorum_ChallengeFailsWithoutVoterPool() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 cid = challengeAs(carol, nodeId);
        address[] memory one = new address[](1);
        one[0] = alice; // 10k of 1M: 1% turnout, below the 10% quorum, unanimous for the challenge
        uint8[] memory yes = new uint8[](1);
        yes[0] = 1;
        vote(cid, one, yes);
        registry.updateStatus(nodeId);

        vm.assertTrue(registry.isListed(nodeId), "status quo holds below quorum");
        vm.assertEq(registry.listing(nodeId).deposit, 2 * MIN_DEPOSIT, "owner takes the whole stake");
        vm.assertEq(registry.challengeOf(nodeId, cid).amount, 0, "no voter pool");
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryNoRewardPool.selector, nodeId, cid));
        vm.prank(alice);
        registry.claimReward(nodeId, cid);
    }

    function test_Resolve_NobodyVotedWithZeroQuorum_WinnerTakesWholeStake() public {
        vm.prank(address(governor));
        registry.setParameter(uint8(TcrParameters.Name.VoteQuorum), 0);
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 cid = challengeAs(carol, nodeId);
        toPollEnd(cid);
        registry.updateStatus(nodeId);
        vm.assertTrue(registry.isListed(nodeId), "listing stays");
        vm.assertEq(registry.listing(nodeId).deposit, 2 * MIN_DEPOSIT, "whole stake to the owner");
    }

    function test_Resolve_RemovingMiddleListing_KeepsEnumerationDense() public {
        bytes32 a = listAs(alice, NODE_KEY_1);
        bytes32 b = listAs(bob, NODE_KEY_2);
        bytes32 c = listAs(carol, NODE_KEY_3);
        uint256 cid = challengeAs(voter3, a);
        vote(cid, voters2(voter1, voter2), options2(1, 1));
        registry.updateStatus(a);

        vm.assertEq(registry.listedCount(), 2, "count");
        bytes32[] memory page = registry.listedPage(0, 10);
        vm.assertEq(page.length, 2, "page length");
        vm.assertEq(page[0], c, "last moved into the hole");
        vm.assertEq(page[1], b, "second unchanged");
        vm.assertEq(registry.listing(c).index, 1, "moved index updated");
        vm.assertEq(registry.listedPage(1, 1)[0], b, "offset");
        vm.assertEq(registry.listedPage(2, 5).length, 0, "offset past the end");
    }

    // ================================================================================================ rewards

    function test_ClaimReward_WinningVoters_ProRataShares() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.prank(voter3);
        token.transfer(voter1, 100_000 * UNIT); // voter1 must not gain weight: the transfer is after delegation...
        vm.roll(block.number + 1); // ...but before the poll, so voter1 now has 200k of weight
        uint256 cid = challengeAs(carol, nodeId);
        vote(cid, voters2(voter1, voter2), options2(1, 1)); // 200k + 100k for
        registry.updateStatus(nodeId);
        uint256 pool = MIN_DEPOSIT / 2;
        uint256 expected1 = pool * 200_000 / 300_000;
        uint256 expected2 = pool * 100_000 / 300_000;
        vm.assertEq(registry.rewardOf(nodeId, cid, voter1), expected1, "rewardOf voter1");

        uint256 before1 = token.balanceOf(voter1);
        vm.expectEmit();
        emit RewardClaimed(nodeId, cid, voter1, expected1);
        vm.prank(voter1);
        registry.claimReward(nodeId, cid);
        vm.prank(voter2);
        registry.claimReward(nodeId, cid);

        vm.assertEq(token.balanceOf(voter1), before1 + expected1, "voter1 paid");
        vm.assertEq(registry.rewardOf(nodeId, cid, voter1), 0, "nothing left to claim");
        vm.assertEq(token.balanceOf(address(registry)), pool - expected1 - expected2, "only rounding dust remains");
    }

    function test_ClaimReward_Twice_RevertsNotSettleable() public {
        (bytes32 nodeId, uint256 cid) = _upheldChallenge();
        vm.prank(voter1);
        registry.claimReward(nodeId, cid);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICommitRevealVoting.VotingNotSettleable.selector,
                cid,
                voter1,
                ICommitRevealVoting.VoteState.Settled,
                uint8(1)
            )
        );
        vm.prank(voter1);
        registry.claimReward(nodeId, cid);
    }

    function test_ClaimReward_LosingVoter_RevertsNotSettleable() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 cid = challengeAs(carol, nodeId);
        vote(cid, _voters3(), _options3(1, 1, 0));
        registry.updateStatus(nodeId);
        vm.assertEq(registry.rewardOf(nodeId, cid, voter3), 0, "loser has no reward");
        vm.expectPartialRevert(ICommitRevealVoting.VotingNotSettleable.selector);
        vm.prank(voter3);
        registry.claimReward(nodeId, cid);
    }

    function test_ClaimReward_UnknownChallenge_RevertsNotFound() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryChallengeNotFound.selector, nodeId, 7));
        registry.claimReward(nodeId, 7);
    }

    function test_ClaimReward_ChallengeOfAnotherNode_RevertsNotFound() public {
        (bytes32 nodeId, uint256 cid) = _upheldChallenge();
        bytes32 other = listAs(bob, NODE_KEY_2);
        vm.assertTrue(other != nodeId, "different node");
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryChallengeNotFound.selector, other, cid));
        vm.prank(voter1);
        registry.claimReward(other, cid);
    }

    function test_ClaimReward_BeforeResolution_RevertsNotResolved() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 cid = challengeAs(carol, nodeId);
        vm.assertEq(registry.rewardOf(nodeId, cid, voter1), 0, "open challenge pays nothing yet");
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryChallengeNotResolved.selector, nodeId, cid));
        vm.prank(voter1);
        registry.claimReward(nodeId, cid);
    }

    function test_ClaimRewards_Batch_PaysSumOnce() public {
        (bytes32 nodeA, uint256 cidA) = _upheldChallenge();
        bytes32 nodeB = listAs(bob, NODE_KEY_2);
        uint256 cidB = challengeAs(carol, nodeB);
        vote(cidB, voters2(voter1, voter2), options2(1, 1));
        registry.updateStatus(nodeB);

        bytes32[] memory nodes = new bytes32[](2);
        uint256[] memory ids = new uint256[](2);
        (nodes[0], nodes[1], ids[0], ids[1]) = (nodeA, nodeB, cidA, cidB);
        uint256 expected = registry.rewardOf(nodeA, cidA, voter1) + registry.rewardOf(nodeB, cidB, voter1);
        uint256 before = token.balanceOf(voter1);
        vm.prank(voter1);
        registry.claimRewards(nodes, ids);
        vm.assertEq(token.balanceOf(voter1), before + expected, "both rewards");
        vm.assertEq(expected, MIN_DEPOSIT / 2, "half of each pool of 50");
    }

    function test_ClaimRewards_LengthMismatch_Reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryLengthMismatch.selector, 1, 0));
        registry.claimRewards(new bytes32[](1), new uint256[](0));
    }

    // ================================================================================================ exits

    function test_InitExit_Listed_StartsExitAndStaysTrusted() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.prank(alice);
        registry.initExit(nodeId);
        IMailServerRegistry.Listing memory l = registry.listing(nodeId);
        vm.assertEq(uint256(l.stage), uint256(IMailServerRegistry.Stage.Exiting), "exiting");
        vm.assertEq(l.exitStart, block.timestamp + EXIT_DELAY, "exitStart");
        vm.assertEq(l.exitEnd, block.timestamp + EXIT_DELAY + EXIT_WINDOW, "exitEnd");
        vm.assertTrue(registry.isListed(nodeId), "still trusted while exiting");
    }

    function test_InitExit_Application_RevertsWrongStage() public {
        bytes32 nodeId = applyAs(alice, NODE_KEY_1, MIN_DEPOSIT);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMailServerRegistry.RegistryWrongStage.selector, nodeId, IMailServerRegistry.Stage.Applied,
                IMailServerRegistry.Stage.Listed
            )
        );
        vm.prank(alice);
        registry.initExit(nodeId);
    }

    function test_InitExit_WhileChallenged_RevertsChallengeOpen() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 cid = challengeAs(carol, nodeId);
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryChallengeOpen.selector, nodeId, cid));
        vm.prank(alice);
        registry.initExit(nodeId);
    }

    function test_InitExit_NotOwner_RevertsNotOwner() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryNotOwner.selector, nodeId, bob, alice));
        vm.prank(bob);
        registry.initExit(nodeId);
    }

    function test_InitExit_PendingExit_RevertsWrongStage() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.startPrank(alice);
        registry.initExit(nodeId);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMailServerRegistry.RegistryWrongStage.selector, nodeId, IMailServerRegistry.Stage.Exiting,
                IMailServerRegistry.Stage.Listed
            )
        );
        registry.initExit(nodeId);
        vm.stopPrank();
    }

    function test_InitExit_AfterMissedWindow_Restarts() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.startPrank(alice);
        registry.initExit(nodeId);
        vm.warp(block.timestamp + EXIT_DELAY + EXIT_WINDOW + 1);
        registry.initExit(nodeId);
        vm.stopPrank();
        vm.assertEq(registry.listing(nodeId).exitStart, block.timestamp + EXIT_DELAY, "restarted");
    }

    function test_FinalizeExit_InsideWindow_RefundsAndRemoves() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.prank(alice);
        registry.initExit(nodeId);
        vm.warp(block.timestamp + EXIT_DELAY);
        uint256 before = token.balanceOf(alice);
        vm.expectEmit();
        emit Exited(nodeId, alice, MIN_DEPOSIT);
        vm.prank(alice);
        registry.finalizeExit(nodeId);
        vm.assertEq(token.balanceOf(alice), before + MIN_DEPOSIT, "refund");
        vm.assertFalse(registry.isListed(nodeId), "gone");
        vm.assertEq(registry.listedCount(), 0, "count");
        vm.assertEq(registry.listing(nodeId).nonce, 1, "nonce survives removal");
    }

    function test_FinalizeExit_BeforeDelay_RevertsExitNotReady() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.prank(alice);
        registry.initExit(nodeId);
        uint256 start = block.timestamp + EXIT_DELAY;
        vm.expectRevert(
            abi.encodeWithSelector(
                IMailServerRegistry.RegistryExitNotReady.selector, nodeId, start, start + EXIT_WINDOW, block.timestamp
            )
        );
        vm.prank(alice);
        registry.finalizeExit(nodeId);
    }

    function test_FinalizeExit_AfterWindow_RevertsExitNotReady() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.prank(alice);
        registry.initExit(nodeId);
        vm.warp(block.timestamp + EXIT_DELAY + EXIT_WINDOW + 1);
        vm.expectPartialRevert(IMailServerRegistry.RegistryExitNotReady.selector);
        vm.prank(alice);
        registry.finalizeExit(nodeId);
    }

    function test_FinalizeExit_ChallengedDuringExit_RevertsChallengeOpen() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.prank(alice);
        registry.initExit(nodeId);
        uint256 cid = challengeAs(carol, nodeId);
        vm.warp(block.timestamp + EXIT_DELAY);
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryChallengeOpen.selector, nodeId, cid));
        vm.prank(alice);
        registry.finalizeExit(nodeId);
    }

    function test_FinalizeExit_NotExiting_RevertsWrongStage() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMailServerRegistry.RegistryWrongStage.selector, nodeId, IMailServerRegistry.Stage.Listed,
                IMailServerRegistry.Stage.Exiting
            )
        );
        vm.prank(alice);
        registry.finalizeExit(nodeId);
    }

    // ================================================================================================ parameters

    function test_SetParameter_NotGovernor_RevertsNotGovernor() public {
        vm.expectRevert(abi.encodeWithSelector(IMailServerRegistry.RegistryNotGovernor.selector, alice));
        vm.prank(alice);
        registry.setParameter(0, 1);
    }

    function test_SetParameter_EachRegistryName_Stored() public {
        uint256[9] memory values = [uint256(7 * UNIT), 61, 62, 63, 40, 20, 60, 0, 65];
        vm.startPrank(address(governor));
        for (uint8 name = 0; name < 9; ++name) {
            registry.setParameter(name, values[name]);
            vm.assertEq(governor.get(name), values[name], "value read back through the governor");
        }
        vm.stopPrank();
        TcrParameters.Registry memory p = registry.parameters();
        vm.assertEq(p.minDeposit, 7 * UNIT, "minDeposit");
        vm.assertEq(p.exitWindow, 65, "exitWindow");
    }

    function test_SetParameter_GovernanceName_RevertsUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(TcrParameters.ParameterUnknown.selector, uint8(9)));
        vm.prank(address(governor));
        registry.setParameter(9, GOV_MIN_DEPOSIT);
    }

    function test_SetParameter_OutOfBounds_Reverts() public {
        vm.expectRevert(abi.encodeWithSelector(TcrParameters.ParameterOutOfBounds.selector, uint8(4), 101, 0, 100));
        vm.prank(address(governor));
        registry.setParameter(uint8(TcrParameters.Name.DispensationPct), 101);
    }

    // ================================================================================================ events

    function test_Deposit_EmitsDepositedWithNewTotal() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.expectEmit(address(registry));
        emit Deposited(nodeId, alice, 7 * UNIT, MIN_DEPOSIT + 7 * UNIT);
        vm.prank(alice);
        registry.deposit(nodeId, 7 * UNIT);
    }

    function test_Withdraw_EmitsWithdrawnWithNewTotal() public {
        bytes32 nodeId = applyAs(alice, NODE_KEY_1, MIN_DEPOSIT + 9 * UNIT);
        vm.expectEmit(address(registry));
        emit Withdrawn(nodeId, alice, 9 * UNIT, MIN_DEPOSIT);
        vm.prank(alice);
        registry.withdraw(nodeId, 9 * UNIT);
    }

    function test_InitExit_EmitsExitStartedWithWindow() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.expectEmit(address(registry));
        emit ExitStarted(nodeId, alice, block.timestamp + EXIT_DELAY, block.timestamp + EXIT_DELAY + EXIT_WINDOW);
        vm.prank(alice);
        registry.initExit(nodeId);
    }

    function test_Resolve_Upheld_EmitsChallengeSucceededWithTally() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 cid = challengeAs(carol, nodeId);
        vote(cid, voters2(voter1, voter2), options2(1, 1));
        vm.expectEmit(address(registry));
        emit ChallengeSucceeded(nodeId, cid, MIN_DEPOSIT + MIN_DEPOSIT / 2, MIN_DEPOSIT / 2, 200_000 * UNIT, 0);
        registry.updateStatus(nodeId);
    }

    function test_Resolve_Rejected_EmitsChallengeFailedWithTally() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 cid = challengeAs(carol, nodeId);
        vote(cid, _voters3(), _options3(0, 0, 1));
        vm.expectEmit(address(registry));
        emit ChallengeFailed(
            nodeId,
            cid,
            MIN_DEPOSIT / 2,
            false,
            MIN_DEPOSIT + MIN_DEPOSIT / 2,
            MIN_DEPOSIT / 2,
            100_000 * UNIT,
            200_000 * UNIT,
            true
        );
        registry.updateStatus(nodeId);
    }

    function test_SetParameter_EmitsParameterSet() public {
        vm.expectEmit(address(registry));
        emit ParameterSet(uint8(TcrParameters.Name.ExitDelay), 5);
        vm.prank(address(governor));
        registry.setParameter(uint8(TcrParameters.Name.ExitDelay), 5);
    }

    // ================================================================================================ fuzz

    /// Any deposit at or above the minimum can be withdrawn down to exactly the minimum, never below.
    function testFuzz_Withdraw_NeverBelowMinimum(uint96 extra, uint96 amount) public {
        uint256 extraTokens = bound(extra, 0, 5_000 * UNIT);
        bytes32 nodeId = applyAs(alice, NODE_KEY_1, MIN_DEPOSIT + extraTokens);
        uint256 request = bound(amount, 1, 10_000 * UNIT);
        vm.prank(alice);
        if (request > extraTokens) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IMailServerRegistry.RegistryWithdrawTooLarge.selector, nodeId, request, extraTokens
                )
            );
            registry.withdraw(nodeId, request);
        } else {
            registry.withdraw(nodeId, request);
            vm.assertEq(registry.listing(nodeId).deposit, MIN_DEPOSIT + extraTokens - request, "deposit");
        }
        vm.assertGe(registry.listing(nodeId).deposit, MIN_DEPOSIT, "floor");
    }

    /// Whoever wins, the stakes are conserved: winner + voter pool = both stakes.
    function testFuzz_Resolve_StakesConserved(uint8 dispensation, bool challengerWins) public {
        uint256 pct = bound(dispensation, 0, 100);
        vm.prank(address(governor));
        registry.setParameter(uint8(TcrParameters.Name.DispensationPct), pct);
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 aliceBefore = token.balanceOf(alice);
        uint256 carolBefore = token.balanceOf(carol);
        uint256 cid = challengeAs(carol, nodeId);
        uint8 option = challengerWins ? 1 : 0;
        vote(cid, voters2(voter1, voter2), options2(option, option));
        registry.updateStatus(nodeId);

        uint256 pool = registry.challengeOf(nodeId, cid).amount;
        vm.assertEq(pool, MIN_DEPOSIT * (100 - pct) / 100, "pool");
        if (challengerWins) {
            vm.assertEq(token.balanceOf(carol) + pool, carolBefore + MIN_DEPOSIT, "challenger + pool");
            vm.assertEq(token.balanceOf(alice), aliceBefore, "owner lost the stake");
        } else {
            vm.assertEq(registry.listing(nodeId).deposit + pool, 2 * MIN_DEPOSIT, "deposit + pool");
            vm.assertEq(token.balanceOf(carol), carolBefore - MIN_DEPOSIT, "challenger lost the stake");
        }
        vm.assertEq(token.balanceOf(address(registry)), challengerWins ? pool : 2 * MIN_DEPOSIT, "registry holds");
    }

    // ================================================================================================ helpers

    function _upheldChallenge() private returns (bytes32 nodeId, uint256 cid) {
        nodeId = listAs(alice, NODE_KEY_1);
        cid = challengeAs(carol, nodeId);
        vote(cid, voters2(voter1, voter2), options2(1, 1));
        registry.updateStatus(nodeId);
    }

    function _voters3() private view returns (address[] memory v) {
        v = new address[](3);
        (v[0], v[1], v[2]) = (voter1, voter2, voter3);
    }

    function _options3(uint8 a, uint8 b, uint8 c) private pure returns (uint8[] memory o) {
        o = new uint8[](3);
        (o[0], o[1], o[2]) = (a, b, c);
    }

    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        return min + x % (max - min + 1);
    }
}

/// @title The registry with a token whose amounts exceed the 96 bits a deposit can hold.
contract MailServerRegistryLargeTokenTest is TcrFixture {
    uint256 private constant HUGE = 2 ** 96;

    function setUp() public override {
        vm.warp(1_700_000_000);
        vm.roll(100);
        token = new TcrToken("Large", "LRG", address(this), 4 * HUGE);
        voting = new CommitRevealVoting(token);
        registry = new MailServerRegistry(token, voting, registryParameters(), governanceParameters());
        governor = ParameterGovernor(registry.governor());
        token.transfer(alice, HUGE);
        token.transfer(carol, 1_000 * UNIT);
        token.transfer(voter1, HUGE);
        token.transfer(voter2, HUGE);
        address[4] memory actors = [alice, carol, voter1, voter2];
        for (uint256 i = 0; i < actors.length; ++i) {
            vm.startPrank(actors[i]);
            token.approve(address(registry), type(uint256).max);
            token.delegate(actors[i]);
            vm.stopPrank();
        }
        vm.roll(block.number + 1);
    }

    function test_Resolve_RewardBeyond96BitDeposit_PaysOwnerDirectly() public {
        uint256 full = type(uint96).max;
        bytes32 nodeId = applyAs(alice, NODE_KEY_1, full);
        uint256 cid = challengeAs(carol, nodeId);
        vote(cid, voters2(voter1, voter2), options2(0, 0));
        uint256 before = token.balanceOf(alice);
        vm.expectEmit(address(registry));
        emit IMailServerRegistry.ChallengeFailed(
            nodeId, cid, MIN_DEPOSIT / 2, true, full, MIN_DEPOSIT / 2, 0, 2 * HUGE, true
        );
        registry.updateStatus(nodeId);

        vm.assertEq(registry.listing(nodeId).deposit, full, "deposit unchanged at its maximum");
        vm.assertEq(token.balanceOf(alice), before + MIN_DEPOSIT / 2, "the winner's share is paid out instead");
        vm.assertTrue(registry.isListed(nodeId), "listed after surviving the challenge");
    }
}
