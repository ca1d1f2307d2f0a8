using TcrToolkit.Ethereum;

namespace TcrToolkit.Deployment;

/// <summary>Addresses of created contracts, and runtime code compared with the compiled creation code.</summary>
public static class ContractCode
{
    private const byte Push32 = 0x7f;

    /// <summary>The address a contract-creation transaction (or CREATE) from <paramref name="sender"/> at <paramref name="nonce"/> creates.</summary>
    public static Address CreateAddress(Address sender, ulong nonce)
    {
        Span<byte> nonceBytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(nonceBytes, nonce);
        var trimmed = nonceBytes.TrimStart((byte)0);
        var encoded = Rlp.Encode(new RlpList(new RlpString(sender.AsSpan()), new RlpString(trimmed)));
        return new Address(Keccak256.Hash(encoded).AsSpan()[12..]);
    }

    /// <summary>keccak256 of runtime code, as manifests record it in <c>codeHash</c>.</summary>
    public static Bytes32 Hash(ReadOnlySpan<byte> runtimeCode) => Keccak256.Hash(runtimeCode);

    /// <summary>
    /// Whether <paramref name="runtimeCode"/> (from <c>eth_getCode</c>) is the runtime code that
    /// <paramref name="creationCode"/> (a generated binding's <c>BytecodeHex</c>) deploys.
    /// </summary>
    /// <remarks>
    /// solc places the runtime code inside the creation code (followed by constants, or by the creation code of
    /// contracts it creates, as the registry holds the governor's). Immutables make an exact comparison impossible:
    /// the compiler leaves each as <c>PUSH32 0x00…00</c> in that copy, and the constructor fills in the values
    /// (the token and voting addresses, and EIP-712's cached chain id, domain separator and own address, which differ
    /// per deployment). So this finds the runtime code's place in the creation code and compares every byte, except
    /// the 32 bytes after a <c>PUSH32</c> that are all zero in the compiled copy. Everything else — the code, its
    /// length and the compiler's metadata hash at its end — must be equal.
    /// </remarks>
    public static bool MatchesCreationCode(ReadOnlySpan<byte> runtimeCode, ReadOnlySpan<byte> creationCode)
    {
        if (runtimeCode.Length == 0 || runtimeCode.Length > creationCode.Length)
        {
            return false;
        }

        for (var offset = creationCode.Length - runtimeCode.Length; offset >= 0; offset--)
        {
            if (creationCode[offset] == runtimeCode[0] && MatchesAt(runtimeCode, creationCode.Slice(offset, runtimeCode.Length)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool MatchesAt(ReadOnlySpan<byte> actual, ReadOnlySpan<byte> template)
    {
        for (var i = 0; i < template.Length; i++)
        {
            if (actual[i] == template[i])
            {
                if (template[i] == Push32 && i + 32 < template.Length && !template.Slice(i + 1, 32).ContainsAnyExcept((byte)0))
                {
                    // An immutable's placeholder: any value may have been filled in.
                    i += 32;
                }

                continue;
            }

            return false;
        }

        return true;
    }

    /// <summary>
    /// EVM code that CREATEs its call data as init code and returns (created address, gas the CREATE took), so that
    /// <c>eth_call</c> with state overrides can measure a creation whose constructor needs contracts not yet deployed,
    /// on nodes whose <c>eth_estimateGas</c> takes no overrides (Hardhat):
    /// <c>CALLDATACOPY(0,0,n) GAS CREATE(0,0,n) GAS SWAP1 MSTORE(0) SWAP1 SUB MSTORE(32) RETURN(0,64)</c>.
    /// </summary>
    internal static ReadOnlySpan<byte> GasProbe =>
    [
        0x36, 0x5f, 0x5f, 0x37, // CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY
        0x5a, // GAS
        0x36, 0x5f, 0x5f, 0xf0, // CALLDATASIZE PUSH0 PUSH0 CREATE
        0x5a, 0x90, // GAS SWAP1
        0x5f, 0x52, // PUSH0 MSTORE        (address at 0)
        0x90, 0x03, // SWAP1 SUB           (gas before - gas after)
        0x60, 0x20, 0x52, // PUSH1 32 MSTORE (gas at 32)
        0x60, 0x40, 0x5f, 0xf3, // PUSH1 64 PUSH0 RETURN
    ];

    /// <summary>The opcodes between the probe's two GAS readings besides CREATE itself (GAS, CALLDATASIZE, PUSH0 ×2).</summary>
    internal const ulong GasProbeOverhead = 8;

    /// <summary>
    /// Intrinsic gas of a contract-creation transaction with <paramref name="data"/> as init code, beyond what CREATE
    /// charges: the base 21,000 and the call data (EIP-2028), or the EIP-7623 floor when that is higher.
    /// </summary>
    internal static ulong CreationIntrinsicGas(ReadOnlySpan<byte> data, ulong executionGas)
    {
        ulong zeros = (ulong)data.Count((byte)0);
        var nonZeros = (ulong)data.Length - zeros;
        var standard = 21_000 + (zeros * 4) + (nonZeros * 16) + executionGas;
        var floor = 21_000 + ((zeros + (nonZeros * 4)) * 10);
        return Math.Max(standard, floor) - executionGas;
    }
}
