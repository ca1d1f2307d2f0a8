// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TcrFixture} from "./utils/TcrFixture.sol";
import {IMailServerRegistry} from "../interfaces/IMailServerRegistry.sol";

contract SmokeTest is TcrFixture {
    function test_ContestedLifecycle_ChallengerWins() public {
        bytes32 nodeId = listAs(alice, NODE_KEY_1);
        vm.assertTrue(registry.isListed(nodeId), "listed");
        uint256 cid = challengeAs(carol, nodeId);
        vote(cid, voters2(voter1, voter2), options2(1, 1));
        registry.updateStatus(nodeId);
        vm.assertFalse(registry.isListed(nodeId), "removed");
        vm.prank(voter1);
        registry.claimReward(nodeId, cid);
    }
}
