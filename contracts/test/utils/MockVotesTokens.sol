// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @title An ERC20Votes token whose ERC-6372 clock counts seconds (as some existing governance tokens do).
contract TimestampVotesToken is ERC20Votes {
    constructor(address holder, uint256 supply) ERC20("Timestamp Votes", "TSV") EIP712("Timestamp Votes", "1") {
        _mint(holder, supply);
    }

    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }
}

/// @title An ERC20Votes token declaring a clock mode the voting contract does not understand.
contract UnsupportedClockVotesToken is ERC20Votes {
    constructor() ERC20("Odd Clock", "ODD") EIP712("Odd Clock", "1") {}

    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=blocknumber&from=1";
    }
}
