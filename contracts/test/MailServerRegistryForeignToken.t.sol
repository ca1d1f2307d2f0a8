// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TcrFixture} from "./utils/TcrFixture.sol";
import {TimestampVotesToken} from "./utils/MockVotesTokens.sol";
import {CommitRevealVoting} from "../CommitRevealVoting.sol";
import {MailServerRegistry} from "../MailServerRegistry.sol";
import {ParameterGovernor} from "../ParameterGovernor.sol";
import {IMailServerRegistry} from "../interfaces/IMailServerRegistry.sol";

/// @title The registry on an existing ERC20Votes token that is not ours: a timestamp clock and no permit.
contract MailServerRegistryForeignTokenTest is TcrFixture {
    TimestampVotesToken private foreign;

    function setUp() public override {
        vm.warp(1_700_000_000);
        vm.roll(100);
        foreign = new TimestampVotesToken(address(this), SUPPLY);
        voting = new CommitRevealVoting(foreign);
        registry = new MailServerRegistry(IERC20(address(foreign)), voting, registryParameters(), governanceParameters());
        governor = ParameterGovernor(registry.governor());
        address[5] memory actors = [alice, carol, voter1, voter2, voter3];
        for (uint256 i = 0; i < actors.length; ++i) {
            foreign.transfer(actors[i], (i < 2 ? 10_000 : 100_000) * UNIT);
            vm.startPrank(actors[i]);
            foreign.approve(address(registry), type(uint256).max);
            foreign.delegate(actors[i]);
            vm.stopPrank();
        }
        // The clock counts seconds: the snapshot is one second before a poll opens, so move time on.
        vm.warp(block.timestamp + 1);
    }

    function test_Lifecycle_TimestampClockToken_ChallengeUpheldAndRewardsPaid() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 cid = challengeAs(carol, nodeId);
        vm.assertEq(voting.poll(cid).snapshot, block.timestamp - 1, "snapshot on the token's timestamp clock");

        vote(cid, voters2(voter1, voter2), options2(1, 1));
        uint256 carolBefore = foreign.balanceOf(carol);
        registry.updateStatus(nodeId);
        vm.assertFalse(registry.isListed(nodeId), "removed");
        vm.assertEq(foreign.balanceOf(carol), carolBefore + MIN_DEPOSIT + MIN_DEPOSIT / 2, "challenger paid");

        uint256 voterBefore = foreign.balanceOf(voter1);
        vm.prank(voter1);
        registry.claimReward(nodeId, cid);
        vm.assertEq(foreign.balanceOf(voter1), voterBefore + MIN_DEPOSIT / 4, "voter paid half the pool");
    }

    function test_Reveal_TokensDelegatedAfterSnapshot_CarryNoWeight() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        uint256 cid = challengeAs(carol, nodeId);
        address late = address(0x1A7E);
        foreign.transfer(late, 100_000 * UNIT);
        vm.prank(late);
        foreign.delegate(late);
        commitAs(late, cid, 1);
        toRevealStage(cid);
        vm.expectPartialRevert(bytes4(keccak256("VotingNoVotingPower(uint256,address,uint48)")));
        revealAs(late, cid, 1);
    }

    function test_ApplyWithPermit_TokenWithoutPermit_FallsBackToAllowance() public {
        bytes32 nodeId = nodeIdOf(NODE_KEY_1);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory proof = nodeProof(NODE_KEY_1, alice, nodeId, deadline);
        vm.prank(alice);
        registry.applyListingWithPermit(nodeId, MIN_DEPOSIT, deadline, proof, "", deadline, 27, bytes32(0), bytes32(0));
        vm.assertEq(uint256(registry.listing(nodeId).stage), uint256(IMailServerRegistry.Stage.Applied), "applied");
    }
}
