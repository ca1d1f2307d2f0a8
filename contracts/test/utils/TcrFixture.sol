// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "./Vm.sol";
import {TcrToken} from "../../TcrToken.sol";
import {CommitRevealVoting} from "../../CommitRevealVoting.sol";
import {MailServerRegistry} from "../../MailServerRegistry.sol";
import {ParameterGovernor} from "../../ParameterGovernor.sol";
import {IMailServerRegistry} from "../../interfaces/IMailServerRegistry.sol";
import {ICommitRevealVoting} from "../../interfaces/ICommitRevealVoting.sol";
import {TcrParameters} from "../../libraries/TcrParameters.sol";

/// @title A deployed TCR with funded, self-delegated actors, and helpers that drive it.
/// @dev Tests inherit it and call `setUp()` (inherited). Actors: `alice` and `bob` operate servers, `carol` challenges,
/// `voter1`..`voter3` vote (each has delegated to itself before any poll opens).
abstract contract TcrFixture {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint256 internal constant UNIT = 1e18;
    uint256 internal constant SUPPLY = 1_000_000 * UNIT;
    uint256 internal constant MIN_DEPOSIT = 100 * UNIT;
    uint256 internal constant GOV_MIN_DEPOSIT = 200 * UNIT;
    uint256 internal constant APPLY = 1 days;
    uint256 internal constant COMMIT = 2 days;
    uint256 internal constant REVEAL = 2 days;
    uint256 internal constant EXIT_DELAY = 1 days;
    uint256 internal constant EXIT_WINDOW = 3 days;
    uint256 internal constant PROCESS_WINDOW = 7 days;

    TcrToken internal token;
    CommitRevealVoting internal voting;
    MailServerRegistry internal registry;
    ParameterGovernor internal governor;

    address internal alice = address(0xA11CE);
    address internal bob = address(0xB0B);
    address internal carol = address(0xCA201);
    address internal voter1 = address(0x1001);
    address internal voter2 = address(0x1002);
    address internal voter3 = address(0x1003);

    /// Node keys (secp256k1 private keys) and their node ids; the id's low 160 bits are the key's address.
    uint256 internal constant NODE_KEY_1 = 0x1111;
    uint256 internal constant NODE_KEY_2 = 0x2222;
    uint256 internal constant NODE_KEY_3 = 0x3333;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        vm.roll(100);
        token = new TcrToken("Mail Server Token", "MST", address(this), SUPPLY);
        voting = new CommitRevealVoting(token);
        registry = new MailServerRegistry(token, voting, registryParameters(), governanceParameters());
        governor = ParameterGovernor(registry.governor());

        // Operators and the challenger hold 10,000 tokens each; voters 100,000 each, so two voters make quorum (10%).
        address[6] memory actors = [alice, bob, carol, voter1, voter2, voter3];
        for (uint256 i = 0; i < actors.length; ++i) {
            token.transfer(actors[i], (i < 3 ? 10_000 : 100_000) * UNIT);
            vm.startPrank(actors[i]);
            token.approve(address(registry), type(uint256).max);
            token.approve(address(governor), type(uint256).max);
            token.delegate(actors[i]);
            vm.stopPrank();
        }
        // Voting weight is read one block before a poll opens: move on so the delegations count.
        vm.roll(block.number + 1);
    }

    function registryParameters() internal pure virtual returns (TcrParameters.Registry memory) {
        return TcrParameters.Registry({
            minDeposit: uint88(MIN_DEPOSIT),
            applyStageLength: uint32(APPLY),
            commitStageLength: uint32(COMMIT),
            revealStageLength: uint32(REVEAL),
            dispensationPct: 50,
            voteQuorum: 10,
            passThreshold: 50,
            exitDelay: uint32(EXIT_DELAY),
            exitWindow: uint32(EXIT_WINDOW)
        });
    }

    function governanceParameters() internal pure virtual returns (TcrParameters.Governance memory) {
        return TcrParameters.Governance({
            minDeposit: uint88(GOV_MIN_DEPOSIT),
            applyStageLength: uint32(APPLY),
            commitStageLength: uint32(COMMIT),
            revealStageLength: uint32(REVEAL),
            processWindow: uint32(PROCESS_WINDOW),
            dispensationPct: 50,
            voteQuorum: 10,
            passThreshold: 50
        });
    }

    // ----- node keys -------------------------------------------------------------------------------------------

    /// @notice A node id whose low 160 bits are the address of `nodeKey` (the upper bits stand in for the rest of
    /// keccak256(pubkey); the registry checks only the address part, as documented).
    function nodeIdOf(uint256 nodeKey) internal pure returns (bytes32) {
        return bytes32((uint256(keccak256(abi.encode("node", nodeKey))) << 160) | uint160(vm.addr(nodeKey)));
    }

    function nodeProof(uint256 nodeKey, address applicant, bytes32 nodeId, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        bytes32 digest = registry.nodeProofDigest(applicant, nodeId, deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(nodeKey, digest);
        return abi.encodePacked(r, s, v);
    }

    // ----- drivers ---------------------------------------------------------------------------------------------

    function applyAs(address applicant, uint256 nodeKey, uint256 amount) internal returns (bytes32 nodeId) {
        nodeId = nodeIdOf(nodeKey);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory proof = nodeProof(nodeKey, applicant, nodeId, deadline);
        vm.prank(applicant);
        registry.applyListing(nodeId, amount, deadline, proof, "");
    }

    function listAs(address applicant, uint256 nodeKey) internal returns (bytes32 nodeId) {
        nodeId = applyAs(applicant, nodeKey, MIN_DEPOSIT);
        vm.warp(block.timestamp + APPLY);
        registry.updateStatus(nodeId);
    }

    function challengeAs(address challenger, bytes32 nodeId) internal returns (uint256 challengeId) {
        vm.prank(challenger);
        challengeId = registry.challenge(nodeId, "");
    }

    function salt(address voter, uint256 pollId) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", voter, pollId));
    }

    function commitAs(address voter, uint256 pollId, uint8 option) internal {
        bytes32 commitment = voting.commitmentOf(pollId, voter, option, salt(voter, pollId));
        vm.prank(voter);
        voting.commitVote(pollId, commitment);
    }

    function revealAs(address voter, uint256 pollId, uint8 option) internal {
        vm.prank(voter);
        voting.revealVote(pollId, option, salt(voter, pollId));
    }

    function toRevealStage(uint256 pollId) internal {
        (uint256 commitEnd,) = voting.pollDeadlines(pollId);
        vm.warp(commitEnd);
    }

    function toPollEnd(uint256 pollId) internal {
        (, uint256 revealEnd) = voting.pollDeadlines(pollId);
        vm.warp(revealEnd);
    }

    /// @notice Runs a whole vote: each voter commits and reveals its option, then time moves past the reveal stage.
    function vote(uint256 pollId, address[] memory voters, uint8[] memory options) internal {
        for (uint256 i = 0; i < voters.length; ++i) {
            commitAs(voters[i], pollId, options[i]);
        }
        toRevealStage(pollId);
        for (uint256 i = 0; i < voters.length; ++i) {
            revealAs(voters[i], pollId, options[i]);
        }
        toPollEnd(pollId);
    }

    function voters2(address a, address b) internal pure returns (address[] memory v) {
        v = new address[](2);
        (v[0], v[1]) = (a, b);
    }

    function options2(uint8 a, uint8 b) internal pure returns (uint8[] memory o) {
        o = new uint8[](2);
        (o[0], o[1]) = (a, b);
    }
}
