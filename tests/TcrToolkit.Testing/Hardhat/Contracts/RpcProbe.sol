// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title RpcProbe
/// @notice A tiny contract the JSON-RPC integration tests deploy from raw bytecode (RpcProbeContract.cs holds its
/// creation code). It stores a value, emits a log, and reverts in each of the three shapes nodes report: a custom
/// error, Error(string) and Panic(uint256).
/// @dev Compiled by compile.cjs beside this file (solc-js from node_modules, no metadata); the hex is committed in
/// RpcProbeContract.cs and the tests never compile it.
contract RpcProbe {
    /// @notice The largest value `store` accepts.
    uint256 public constant LIMIT = 1000;

    uint256 private _value;

    /// @notice `sender` stored `value`.
    event ValueStored(address indexed sender, uint256 indexed value, uint256 previous);

    /// @notice `value` is above `limit`.
    error ProbeValueTooLarge(uint256 value, uint256 limit);

    /// @notice Stores `newValue`; reverts with ProbeValueTooLarge above LIMIT.
    function store(uint256 newValue) external {
        if (newValue > LIMIT) revert ProbeValueTooLarge(newValue, LIMIT);
        uint256 previous = _value;
        _value = newValue;
        emit ValueStored(msg.sender, newValue, previous);
    }

    /// @notice The stored value.
    function value() external view returns (uint256) {
        return _value;
    }

    /// @notice Always reverts with Error(string), the legacy reason format the RPC layer must still decode.
    function failWithReason() external pure {
        revert("RpcProbe: reason");
    }

    /// @notice Reverts with Panic(0x12) when `divisor` is zero.
    function divide(uint256 divisor) external pure returns (uint256) {
        return 1000 / divisor;
    }
}
