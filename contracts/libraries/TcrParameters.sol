// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Parameters of the mail-server registry and of its parameter governance.
/// @notice Every governable value has a known name (its index below) and hard bounds that no vote can cross.
library TcrParameters {
    /// @notice Names of the governable parameters, as passed to `IParameterGovernor.propose`.
    /// @dev Indices 0–8 live in the registry, 9–16 in the governor. Append only: clients store these numbers.
    enum Name {
        MinDeposit, //              0  tokens an application or listing must hold; also the challenge stake
        ApplyStageLength, //        1  seconds an application waits before it can be listed
        CommitStageLength, //       2  seconds voters may commit on a registry challenge
        RevealStageLength, //       3  seconds voters may reveal on a registry challenge
        DispensationPct, //         4  percent of the loser's stake paid to the winner; the rest goes to majority voters
        VoteQuorum, //              5  percent of the snapshot supply that must reveal for a vote to count
        PassThreshold, //           6  percent of revealed weight a challenge needs, strictly exceeded, to succeed
        ExitDelay, //               7  seconds between initExit and the earliest finalizeExit
        ExitWindow, //              8  seconds after the delay during which finalizeExit is allowed
        GovMinDeposit, //           9  deposit of a parameter proposal; also the stake to challenge one
        GovApplyStageLength, //    10  seconds a proposal can be challenged before it can be processed
        GovCommitStageLength, //   11  commit stage of a vote on a proposal
        GovRevealStageLength, //   12  reveal stage of a vote on a proposal
        GovDispensationPct, //     13  as DispensationPct, for proposal challenges
        GovVoteQuorum, //          14  as VoteQuorum, for proposal challenges
        GovPassThreshold, //       15  as PassThreshold, for proposal challenges
        GovProcessWindow //        16  seconds after a proposal becomes processable before it expires
    }

    /// @notice Number of known parameter names; any index at or above it is unknown.
    uint8 internal constant COUNT = 17;

    /// @notice The shortest stage or window a vote can set: one minute (devnets run fast; production chooses longer).
    uint256 internal constant MIN_PERIOD = 60;
    /// @notice The longest stage, delay or window: one year.
    uint256 internal constant MAX_PERIOD = 365 days;
    /// @notice Deposits and stakes are stored in 88 bits; a larger minimum deposit could not be staked.
    uint256 internal constant MAX_DEPOSIT = type(uint88).max;

    /// @notice Registry parameters. Packing: every field but `exitWindow` shares one slot, so apply, challenge and
    /// resolve read their parameters with a single SLOAD; `exitWindow` spills into a second slot only exits read.
    struct Registry {
        uint88 minDeposit;
        uint32 applyStageLength;
        uint32 commitStageLength;
        uint32 revealStageLength;
        uint8 dispensationPct;
        uint8 voteQuorum;
        uint8 passThreshold;
        uint32 exitDelay;
        uint32 exitWindow;
    }

    /// @notice Governance parameters, packed into one slot.
    struct Governance {
        uint88 minDeposit;
        uint32 applyStageLength;
        uint32 commitStageLength;
        uint32 revealStageLength;
        uint32 processWindow;
        uint8 dispensationPct;
        uint8 voteQuorum;
        uint8 passThreshold;
    }

    /// @notice A parameter index is not one of the known names.
    /// @param name The index given.
    error ParameterUnknown(uint8 name);
    /// @notice A value lies outside the bounds of its parameter.
    /// @param name The parameter.
    /// @param value The value given.
    /// @param min The smallest value allowed.
    /// @param max The largest value allowed.
    error ParameterOutOfBounds(uint8 name, uint256 value, uint256 min, uint256 max);

    /// @notice The inclusive bounds of a parameter.
    function bounds(uint8 name) internal pure returns (uint256 min, uint256 max) {
        if (name >= COUNT) revert ParameterUnknown(name);
        Name n = Name(name);
        if (n == Name.MinDeposit || n == Name.GovMinDeposit) return (1, MAX_DEPOSIT);
        if (n == Name.DispensationPct || n == Name.GovDispensationPct) return (0, 100);
        if (n == Name.VoteQuorum || n == Name.GovVoteQuorum) return (0, 100);
        // A threshold of 100 could never be strictly exceeded; below 50 a minority could win.
        if (n == Name.PassThreshold || n == Name.GovPassThreshold) return (50, 99);
        if (n == Name.ExitDelay) return (0, MAX_PERIOD);
        return (MIN_PERIOD, MAX_PERIOD);
    }

    /// @notice Reverts unless `value` is within the bounds of parameter `name`.
    function check(uint8 name, uint256 value) internal pure {
        (uint256 min, uint256 max) = bounds(name);
        if (value < min || value > max) revert ParameterOutOfBounds(name, value, min, max);
    }

    /// @notice Reverts unless every registry parameter is within bounds.
    function check(Registry memory p) internal pure {
        check(uint8(Name.MinDeposit), p.minDeposit);
        check(uint8(Name.ApplyStageLength), p.applyStageLength);
        check(uint8(Name.CommitStageLength), p.commitStageLength);
        check(uint8(Name.RevealStageLength), p.revealStageLength);
        check(uint8(Name.DispensationPct), p.dispensationPct);
        check(uint8(Name.VoteQuorum), p.voteQuorum);
        check(uint8(Name.PassThreshold), p.passThreshold);
        check(uint8(Name.ExitDelay), p.exitDelay);
        check(uint8(Name.ExitWindow), p.exitWindow);
    }

    /// @notice Reverts unless every governance parameter is within bounds.
    function check(Governance memory p) internal pure {
        check(uint8(Name.GovMinDeposit), p.minDeposit);
        check(uint8(Name.GovApplyStageLength), p.applyStageLength);
        check(uint8(Name.GovCommitStageLength), p.commitStageLength);
        check(uint8(Name.GovRevealStageLength), p.revealStageLength);
        check(uint8(Name.GovDispensationPct), p.dispensationPct);
        check(uint8(Name.GovVoteQuorum), p.voteQuorum);
        check(uint8(Name.GovPassThreshold), p.passThreshold);
        check(uint8(Name.GovProcessWindow), p.processWindow);
    }
}
