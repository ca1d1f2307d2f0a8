// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMailServerRegistry} from "../../interfaces/IMailServerRegistry.sol";

/// @title Emits registry events in bulk, for the mirror catch-up benchmark.
/// @notice Followers see it as a registry with an empty enumeration: each batch emits, per node id, `Applied`,
/// `Listed` and three `Deposited` events, so 10,000 listings cost 50 transactions instead of tens of thousands.
contract RegistryEventEmitter {
    /// @notice Emits the events of `count` node ids from `start` (node id `i + 1`, owner the caller).
    function emitBatch(uint256 start, uint256 count) external {
        for (uint256 i = start; i < start + count; ++i) {
            bytes32 nodeId = bytes32(i + 1);
            emit IMailServerRegistry.Applied(nodeId, msg.sender, 100e18, block.timestamp + 60, "");
            emit IMailServerRegistry.Listed(nodeId, msg.sender, 100e18);
            emit IMailServerRegistry.Deposited(nodeId, msg.sender, 1e18, 101e18);
            emit IMailServerRegistry.Deposited(nodeId, msg.sender, 1e18, 102e18);
            emit IMailServerRegistry.Deposited(nodeId, msg.sender, 1e18, 103e18);
        }
    }

    /// @notice The enumeration is empty: followers build the whole view from events.
    function listedCount() external pure returns (uint256) {
        return 0;
    }

    /// @notice Always empty.
    function listedPage(uint256, uint256) external pure returns (bytes32[] memory nodeIds) {
        return nodeIds;
    }
}
