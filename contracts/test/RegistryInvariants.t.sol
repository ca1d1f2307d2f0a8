// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TcrFixture} from "./utils/TcrFixture.sol";
import {RegistryHandler} from "./invariant/RegistryHandler.t.sol";
import {IMailServerRegistry} from "../interfaces/IMailServerRegistry.sol";

/// @title Invariants of the registry under random sequences of applications, challenges, votes, claims and exits.
contract RegistryInvariantsTest is TcrFixture {
    RegistryHandler private handler;
    address[] private holders;

    function setUp() public override {
        super.setUp();
        address[] memory actors = new address[](6);
        (actors[0], actors[1], actors[2], actors[3], actors[4], actors[5]) = (alice, bob, carol, voter1, voter2, voter3);
        handler = new RegistryHandler(token, voting, registry, actors);
        holders = actors;
        holders.push(address(this));
        holders.push(address(registry));
        holders.push(address(governor));
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// The handler's actions reach every outcome they are meant to: a run of the invariant campaign is not a run of
    /// skipped calls. Seeds: actors 0 alice, 1 bob, 2 carol, 3-5 voters; node 0.
    function test_Handler_DrivesWholeLifecycle() public {
        handler.applyListing(0, 0, 0);
        handler.warp(1 days);
        handler.updateStatus(0);
        bytes32 nodeId = handler.nodeIds(0);
        vm.assertTrue(registry.isListed(nodeId), "listed");
        handler.challenge(2, 0);
        vm.assertEq(handler.challengeCount(), 1, "challenged");
        handler.commit(3, 0, true);
        handler.commit(4, 0, true);
        handler.warp(2 days);
        handler.reveal(3, 0);
        handler.reveal(4, 0);
        handler.warp(2 days);
        handler.updateStatus(0);
        vm.assertFalse(registry.isListed(nodeId), "removed by the vote");
        handler.claim(3, 0);
        vm.assertEq(handler.claimed(handler.challengeIds(0)), MIN_DEPOSIT / 4, "voter 1 paid half the pool");

        handler.applyListing(1, 0, 0);
        handler.warp(1 days);
        handler.updateStatus(0);
        handler.initExit(0);
        handler.warp(1 days);
        handler.finalizeExit(0);
        vm.assertEq(uint256(registry.listing(nodeId).stage), 0, "exited");
        invariant_RegistryBalanceMatchesObligations();
        invariant_ListedStateIsConsistent();
        invariant_EventMirrorMatchesRegistry();
        invariant_EventLedgerMatchesRegistry();
        vm.assertTrue(handler.ledgerBalance() != 0, "the ledger saw the voter pool left behind");
    }

    /// The registry holds exactly: every entry's deposit, every open challenge's stake, and every resolved
    /// challenge's voter pool not yet claimed.
    function invariant_RegistryBalanceMatchesObligations() public view {
        uint256 owed;
        for (uint256 i = 0; i < handler.nodeCount(); ++i) {
            owed += registry.listing(handler.nodeIds(i)).deposit;
        }
        for (uint256 i = 0; i < handler.challengeCount(); ++i) {
            uint256 cid = handler.challengeIds(i);
            IMailServerRegistry.Challenge memory c = registry.challengeOf(handler.nodeOfChallenge(cid), cid);
            if (c.status == IMailServerRegistry.ChallengeStatus.Open) owed += c.amount;
            else owed += c.amount - handler.claimed(cid);
        }
        vm.assertEq(token.balanceOf(address(registry)), owed, "registry balance == obligations");
    }

    /// Trust, stage and enumeration agree: an entry is listed exactly when its stage is Listed or Exiting, and the
    /// enumeration holds exactly the listed entries, each at the index it records.
    function invariant_ListedStateIsConsistent() public view {
        uint256 listed;
        for (uint256 i = 0; i < handler.nodeCount(); ++i) {
            bytes32 nodeId = handler.nodeIds(i);
            IMailServerRegistry.Listing memory l = registry.listing(nodeId);
            bool trusted = l.stage == IMailServerRegistry.Stage.Listed || l.stage == IMailServerRegistry.Stage.Exiting;
            vm.assertEq(registry.isListed(nodeId), trusted, "isListed <=> Listed or Exiting");
            vm.assertEq(l.index != 0, trusted, "enumerated <=> trusted");
            if (l.stage == IMailServerRegistry.Stage.Absent) {
                vm.assertEq(l.owner, address(0), "removed entries keep no owner");
                vm.assertEq(l.deposit, 0, "removed entries keep no deposit");
            }
            if (trusted) {
                ++listed;
                vm.assertEq(registry.listedPage(l.index - 1, 1)[0], nodeId, "index points back at the id");
            }
        }
        vm.assertEq(registry.listedCount(), listed, "count == listed entries");
    }

    /// A client that follows only the registry's events knows every entry's stage: no state change goes unannounced.
    function invariant_EventMirrorMatchesRegistry() public view {
        for (uint256 i = 0; i < handler.nodeCount(); ++i) {
            bytes32 nodeId = handler.nodeIds(i);
            vm.assertEq(
                uint256(handler.mirroredStage(nodeId)), uint256(registry.listing(nodeId).stage), "stage from events"
            );
        }
    }

    /// A client that keeps its ledger from the registry's events alone holds what the contract holds: every entry's
    /// owner, deposit and open challenge, every challenge's stake or voter pool and status, and the registry's token
    /// balance (deposits, stakes and pools less every payout the events report).
    function invariant_EventLedgerMatchesRegistry() public view {
        for (uint256 i = 0; i < handler.nodeCount(); ++i) {
            bytes32 nodeId = handler.nodeIds(i);
            IMailServerRegistry.Listing memory l = registry.listing(nodeId);
            RegistryHandler.LedgerEntry memory e = handler.ledgerEntry(nodeId);
            vm.assertEq(e.owner, l.owner, "owner from events");
            vm.assertEq(e.deposit, l.deposit, "deposit from events");
            vm.assertEq(e.challengeId, l.challengeId, "open challenge from events");
        }
        for (uint256 i = 0; i < handler.challengeCount(); ++i) {
            uint256 cid = handler.challengeIds(i);
            IMailServerRegistry.Challenge memory c = registry.challengeOf(handler.nodeOfChallenge(cid), cid);
            RegistryHandler.LedgerChallenge memory lc = handler.ledgerChallenge(cid);
            vm.assertEq(lc.amount, c.amount, "stake or pool from events");
            vm.assertEq(uint256(lc.status), uint256(c.status), "challenge status from events");
        }
        vm.assertEq(handler.ledgerBalance(), token.balanceOf(address(registry)), "registry balance from events");
    }

    /// No token is created or destroyed: the supply is fixed and all of it sits with the known holders.
    function invariant_TotalSupplyConserved() public view {
        uint256 sum;
        for (uint256 i = 0; i < holders.length; ++i) {
            sum += token.balanceOf(holders[i]);
        }
        vm.assertEq(token.totalSupply(), SUPPLY, "supply fixed");
        vm.assertEq(sum, SUPPLY, "all tokens with known holders");
    }

    /// Open challenges are exactly the ones the listings point at.
    function invariant_OpenChallengesBelongToTheirListing() public view {
        for (uint256 i = 0; i < handler.challengeCount(); ++i) {
            uint256 cid = handler.challengeIds(i);
            bytes32 nodeId = handler.nodeOfChallenge(cid);
            bool open = registry.challengeOf(nodeId, cid).status == IMailServerRegistry.ChallengeStatus.Open;
            vm.assertEq(registry.listing(nodeId).challengeId == cid, open, "open <=> referenced by its listing");
        }
    }
}
