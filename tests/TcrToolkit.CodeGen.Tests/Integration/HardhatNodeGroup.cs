namespace TcrToolkit.CodeGen.Tests.Integration;

/// <summary>The tests deriving from <see cref="HardhatTest"/> share one Hardhat node (xunit wants the definition here).</summary>
[CollectionDefinition(HardhatNodeFixture.CollectionName)]
public sealed class HardhatNodeGroup : ICollectionFixture<HardhatNodeFixture>;
