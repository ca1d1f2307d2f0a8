// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TcrFixture} from "./utils/TcrFixture.sol";
import {GovernorHandler} from "./invariant/GovernorHandler.t.sol";
import {IParameterGovernor} from "../interfaces/IParameterGovernor.sol";
import {TcrParameters} from "../libraries/TcrParameters.sol";

/// @title The concurrent-proposal rule under random sequences of proposals, challenges, votes and processing: one
/// live proposal per parameter, and no processed proposal undoes a change applied after it was made (the handler
/// checks the second at every apply).
contract GovernorInvariantsTest is TcrFixture {
    GovernorHandler private handler;

    function setUp() public override {
        super.setUp();
        address[] memory actors = new address[](6);
        (actors[0], actors[1], actors[2], actors[3], actors[4], actors[5]) = (alice, bob, carol, voter1, voter2, voter3);
        handler = new GovernorHandler(governor, voting, actors);
        for (uint256 i = 0; i < actors.length; ++i) {
            vm.prank(actors[i]);
            token.approve(address(governor), type(uint256).max);
        }
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// The handler reaches every outcome: refused as unchanged, refused as live, applied, rejected and expired.
    /// Seeds: actors 0 alice, 1 bob, 2 carol, 3-5 voters; names 0 MinDeposit (100, 150, 200 tokens), 1 ExitDelay.
    function test_Handler_ReachesEveryPath() public {
        handler.propose(0, 0, 0); // MinDeposit 100: the current value
        vm.assertEq(handler.refusedUnchanged(), 1, "current value refused");
        handler.propose(0, 0, 1); // proposal 1: MinDeposit 150
        handler.propose(1, 0, 2); // MinDeposit 200 while 1 is live
        vm.assertEq(handler.refusedLive(), 1, "second live proposal refused");
        vm.assertEq(governor.liveProposalOf(handler.nameAt(0)), 1, "proposal 1 is live");

        // Proposal 1 is left past its window; proposal 2 (MinDeposit 200) is then accepted and applied; processing
        // proposal 1 afterwards expires it instead of undoing proposal 2.
        handler.warp(3 days);
        handler.warp(3 days);
        handler.warp(3 days); // past proposal 1's processBy (challenge stage 1 day + window 7 days)
        vm.assertEq(governor.liveProposalOf(handler.nameAt(0)), 0, "past its window, proposal 1 blocks nothing");
        handler.propose(1, 0, 2); // proposal 2
        handler.warp(1 days);
        handler.process(1); // proposal 2 (index 1)
        vm.assertEq(handler.applied(), 1, "proposal 2 applied");
        handler.process(0); // proposal 1 (index 0)
        vm.assertEq(handler.expired(), 1, "proposal 1 expired");
        vm.assertEq(governor.get(handler.nameAt(0)), 200e18, "proposal 2's value stands");

        // Proposal 3 (ExitDelay 2 days) is challenged and the challenge is upheld by two voters.
        handler.propose(0, 1, 2);
        handler.challenge(2, 2);
        handler.commit(3, 2, true);
        handler.commit(4, 2, true);
        handler.warp(2 days + 1); // into the reveal stage
        handler.reveal(3, 2);
        handler.reveal(4, 2);
        handler.warp(2 days);
        handler.process(2);
        vm.assertEq(handler.rejected(), 1, "proposal 3 rejected");
        invariant_AtMostOneLiveProposalPerParameter();
    }

    /// No two proposals of one parameter are live at once, and `liveProposalOf` names the live one.
    function invariant_AtMostOneLiveProposalPerParameter() public view {
        for (uint256 n = 0; n < 3; ++n) {
            uint8 name = handler.nameAt(n);
            uint256 live;
            uint256 liveId;
            for (uint256 i = 0; i < handler.proposalCount(); ++i) {
                uint256 proposalId = handler.proposalIds(i);
                IParameterGovernor.Proposal memory p = governor.proposal(proposalId);
                bool open = p.status == IParameterGovernor.ProposalStatus.Pending
                    || p.status == IParameterGovernor.ProposalStatus.Challenged;
                if (p.name == name && open && block.timestamp <= p.processBy) {
                    ++live;
                    liveId = proposalId;
                }
            }
            vm.assertLe(live, 1, "at most one live proposal per parameter");
            vm.assertEq(governor.liveProposalOf(name), liveId, "liveProposalOf names the live proposal");
        }
    }
}
