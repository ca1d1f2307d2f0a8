using TcrToolkit.Ethereum;

namespace TcrToolkit.Testing.Hardhat;

/// <summary>
/// The integration tests' contract, Contracts/RpcProbe.sol, as committed creation code. Regenerate the hex with
/// <c>node_modules/node/bin/node tests/TcrToolkit.Testing/Hardhat/Contracts/compile.cjs tests/TcrToolkit.Testing/Hardhat/Contracts/RpcProbe.sol</c>
/// (solc 0.8.30 from node_modules, optimizer 200 runs, no metadata); the tests never compile it.
/// </summary>
public static class RpcProbeContract
{
    /// <summary>The creation code, as hex.</summary>
    public const string CreationCodeHex =
        "0x6080604052348015600e575f5ffd5b506101a48061001c5f395ff3fe608060405234801561000f575f5ffd5b5060043610610055575f3560e01c80633e823f79146100595780633fa4f2451461007e5780636057361d14610085578063af8214ef1461009a578063e7cb5232146100a3575b5f5ffd5b61006c61006736600461016e565b6100ab565b60405190815260200160405180910390f35b5f5461006c565b61009861009336600461016e565b6100be565b005b61006c6103e881565b610098610133565b5f6100b8826103e8610185565b92915050565b6103e88111156100f157604051632eb0006f60e11b8152600481018290526103e860248201526044015b60405180910390fd5b5f805490829055604051818152829033907fba30f66f92f4d3448ae9ad72be8b6c941050f2efcc123e99ad95d07d4b86e6289060200160405180910390a35050565b60405162461bcd60e51b815260206004820152601060248201526f293831a83937b1329d103932b0b9b7b760811b60448201526064016100e8565b5f6020828403121561017e575f5ffd5b5035919050565b5f8261019f57634e487b7160e01b5f52601260045260245ffd5b50049056";

    /// <summary>The creation code.</summary>
    public static byte[] CreationCode => Hex.Decode(CreationCodeHex);

    /// <summary>keccak256("ValueStored(address,uint256,uint256)").</summary>
    public static Bytes32 ValueStoredTopic => Keccak256.HashUtf8("ValueStored(address,uint256,uint256)");

    /// <summary>The selector of ProbeValueTooLarge(uint256,uint256).</summary>
    public const string ValueTooLargeSelector = "0x5d6000de";

    /// <summary>The largest value <c>store</c> accepts (<c>LIMIT</c>).</summary>
    public const ulong Limit = 1000;

    /// <summary>Calldata of <c>store(uint256)</c>, which emits <c>ValueStored</c> and reverts with <c>ProbeValueTooLarge</c> above <see cref="Limit"/>.</summary>
    /// <param name="value">The value to store.</param>
    public static byte[] Store(ulong value) => Calldata("0x6057361d", value);

    /// <summary>Calldata of <c>value()</c>.</summary>
    public static byte[] Value() => Calldata("0x3fa4f245");

    /// <summary>Calldata of <c>failWithReason()</c>, which reverts with an <c>Error(string)</c>.</summary>
    public static byte[] FailWithReason() => Calldata("0xe7cb5232");

    /// <summary>Calldata of <c>divide(uint256)</c> (<c>LIMIT / divisor</c>; a zero divisor panics).</summary>
    /// <param name="divisor">The divisor.</param>
    public static byte[] Divide(ulong divisor) => Calldata("0x3e823f79", divisor);

    /// <summary>Calldata: a selector followed by 32-byte words.</summary>
    /// <param name="selector">The 4-byte selector, as hex.</param>
    /// <param name="words">The arguments, each one word.</param>
    public static byte[] Calldata(string selector, params ulong[] words)
    {
        var data = new byte[4 + (32 * words.Length)];
        Hex.Decode(selector).CopyTo(data, 0);
        for (var i = 0; i < words.Length; i++)
        {
            ((UInt256)words[i]).WriteBigEndian(data.AsSpan(4 + (32 * i), 32));
        }

        return data;
    }

    /// <summary>An address as a topic or ABI word.</summary>
    /// <param name="address">The address.</param>
    public static Bytes32 Word(Address address) => address.ToBytes32();

    /// <summary>A number as a topic or ABI word.</summary>
    /// <param name="value">The number.</param>
    public static Bytes32 Word(ulong value) => ((UInt256)value).ToBytes32();
}
