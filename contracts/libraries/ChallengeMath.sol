// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitRevealVoting} from "../interfaces/ICommitRevealVoting.sol";

/// @title How a decided challenge splits the loser's stake.
/// @notice Both sides stake the same amount. The winner takes back its own stake plus `dispensationPct` percent of
/// the loser's; the rest of the loser's stake is the pool of the voters who revealed the winning option, paid pro rata
/// to their weight. When the vote missed quorum, or nobody revealed the winning option, there is no majority to
/// reward and the winner takes the loser's whole stake.
library ChallengeMath {
    /// @return succeeded Whether the challenger won.
    /// @return winnerShare The part of the loser's stake paid to the winner (on top of its own stake).
    /// @return voterPool The part of the loser's stake reserved for the winning voters.
    function split(uint256 stake, uint256 dispensationPct, ICommitRevealVoting.Result memory r)
        internal
        pure
        returns (bool succeeded, uint256 winnerShare, uint256 voterPool)
    {
        succeeded = r.passed;
        uint256 winningTally = succeeded ? r.votesFor : r.votesAgainst;
        if (r.quorumReached && winningTally != 0) voterPool = stake * (100 - dispensationPct) / 100;
        winnerShare = stake - voterPool;
    }

    /// @notice A winning voter's share: `pool * weight / tally`, rounded down (the dust stays unclaimed).
    function share(uint256 pool, uint256 weight, uint256 tally) internal pure returns (uint256) {
        return pool * weight / tally;
    }
}
