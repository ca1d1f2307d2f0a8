using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace TcrToolkit.Nethereum.Bench;

/// <summary>The registry's <c>Applied</c> event as Nethereum.Generators writes event DTOs.</summary>
[Event("Applied")]
public sealed class AppliedEventDto : IEventDTO
{
    [Parameter("bytes32", "nodeId", 1, true)]
    public byte[] NodeId { get; set; } = [];

    [Parameter("address", "owner", 2, true)]
    public string Owner { get; set; } = "";

    [Parameter("uint256", "deposit", 3, false)]
    public BigInteger Deposit { get; set; }

    [Parameter("uint256", "applicationEnd", 4, false)]
    public BigInteger ApplicationEnd { get; set; }

    [Parameter("bytes", "data", 5, false)]
    public byte[] Data { get; set; } = [];
}

/// <summary><c>applyListing</c> as Nethereum.Generators writes function messages.</summary>
[Function("applyListing")]
public sealed class ApplyListingFunction : FunctionMessage
{
    [Parameter("bytes32", "nodeId", 1)]
    public byte[] NodeId { get; set; } = [];

    [Parameter("uint256", "amount", 2)]
    public BigInteger Amount { get; set; }

    [Parameter("uint256", "deadline", 3)]
    public BigInteger Deadline { get; set; }

    [Parameter("bytes", "nodeProof", 4)]
    public byte[] NodeProof { get; set; } = [];

    [Parameter("bytes", "data", 5)]
    public byte[] Data { get; set; } = [];
}
