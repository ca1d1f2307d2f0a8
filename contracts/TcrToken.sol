// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title The registry's deposit and voting token.
/// @notice A fixed-supply ERC-20 with EIP-2612 permit and ERC-5805 vote checkpoints (block-number clock). Holders
/// delegate (to themselves or someone else) once to make their balance count in votes; voting weight is read at a
/// past block, so tokens are never locked in a vote. The registry accepts any ERC20Votes token; this one is for new
/// deployments and devnets.
contract TcrToken is ERC20, ERC20Permit, ERC20Votes {
    /// @param name_ Token name, also the EIP-712 domain name of permits and delegations.
    /// @param symbol_ Token symbol.
    /// @param holder Receives the whole supply.
    /// @param supply The fixed total supply, in the smallest unit.
    constructor(string memory name_, string memory symbol_, address holder, uint256 supply)
        ERC20(name_, symbol_)
        ERC20Permit(name_)
    {
        _mint(holder, supply);
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
