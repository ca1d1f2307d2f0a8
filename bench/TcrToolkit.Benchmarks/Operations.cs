using System.Globalization;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Benchmarks;

/// <summary>The measured operations, built once from <see cref="BenchmarkInputs"/>; each call does one unit of work.</summary>
internal sealed class Operations : IDisposable
{
    private readonly PrivateKey _key;
    private readonly Eip1559Transaction _transaction;
    private readonly byte[] _keccakInput;
    private readonly byte[] _keccakOutput = new byte[32];
    private readonly string[] _logTopics;
    private readonly string _logData;

    public Operations(BenchmarkInputs inputs)
    {
        _key = PrivateKey.ParseHex(inputs.PrivateKey);
        _transaction = new Eip1559Transaction
        {
            ChainId = inputs.ChainId,
            Nonce = inputs.Nonce,
            MaxPriorityFeePerGas = Wei(inputs.MaxPriorityFeePerGas),
            MaxFeePerGas = Wei(inputs.MaxFeePerGas),
            GasLimit = inputs.GasLimit,
            To = Address.Parse(inputs.To),
            Value = Wei(inputs.Value),
            Data = Hex.Decode(inputs.Data),
        };
        _keccakInput = Hex.Decode(inputs.Keccak32);
        _logTopics = inputs.LogTopics;
        _logData = inputs.LogData;
    }

    /// <summary>Decode a registry-shaped log from its JSON-RPC hex form into typed values.</summary>
    public RegistryLog DecodeLog() => RegistryLogs.Decode(_logTopics, _logData);

    /// <summary>Keccak-256 of 32 bytes into a reused buffer: no allocation.</summary>
    public byte Keccak32()
    {
        Keccak256.Hash(_keccakInput, _keccakOutput);
        return _keccakOutput[0];
    }

    /// <summary>Sign an EIP-1559 transaction and serialize it to the raw bytes eth_sendRawTransaction takes.</summary>
    public int SignEip1559() => _transaction.Sign(_key).RawBytes.Length;

    /// <summary>The raw signed transaction, to check both sides produce the same bytes.</summary>
    public string SignedEip1559Hex() => _transaction.Sign(_key).ToHex();

    public void Dispose() => _key.Dispose();

    private static UInt256 Wei(string decimalText) => UInt256.Parse(decimalText, CultureInfo.InvariantCulture);
}
