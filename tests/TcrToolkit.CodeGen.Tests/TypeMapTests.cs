using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.CodeGen.Tests;

public sealed class TypeMapTests
{
    [Fact]
    public void CsType_SameShortNameInTwoScopes_UsesFullNames()
    {
        var item = AbiType.Tuple([new AbiParameter("id", AbiType.UInt256)]);
        var map = new TypeMap(
            [new AbiParameter("a", item, InternalType: "struct A.Item"), new AbiParameter("b", AbiType.UInt(8), InternalType: "enum B.Item")],
            new HashSet<string>());

        map.CsType(item, "struct A.Item").Should().Be("AItem");
        map.CsType(AbiType.UInt(8), "enum B.Item").Should().Be("BItem");
    }

    [Fact]
    public void CsType_NameTakenByTheClass_GetsTypeSuffix()
    {
        var tuple = AbiType.Tuple([new AbiParameter("id", AbiType.UInt256)]);
        var map = new TypeMap([new AbiParameter("e", tuple, InternalType: "struct Lib.Event")], new HashSet<string> { "Event" });

        map.CsType(tuple, "struct Lib.Event").Should().Be("EventType");
    }

    [Fact]
    public void CsType_TupleWithoutInternalType_GetsStableHashedName()
    {
        var tuple = AbiType.Tuple([new AbiParameter("id", AbiType.UInt256), new AbiParameter("to", AbiType.Address)]);
        var first = new TypeMap([new AbiParameter("t", tuple)], new HashSet<string>()).CsType(tuple, null);
        var second = new TypeMap([new AbiParameter("t", tuple)], new HashSet<string>()).CsType(tuple, null);

        first.Should().MatchRegex("^Tuple[0-9A-F]{8}$").And.Be(second);
    }

    [Theory]
    [InlineData("uint8", "byte")]
    [InlineData("uint24", "uint")]
    [InlineData("uint40", "ulong")]
    [InlineData("uint72", "UInt256")]
    [InlineData("int8", "sbyte")]
    [InlineData("int48", "long")]
    [InlineData("int72", "BigInteger")]
    [InlineData("bytes1", "byte[]")]
    [InlineData("bytes32", "Bytes32")]
    [InlineData("address[2][]", "IReadOnlyList<IReadOnlyList<Address>>")]
    public void CsType_ValueTypes_MapToTheNarrowestClrType(string abiType, string expected)
    {
        var type = AbiType.Parse(abiType);

        new TypeMap([], new HashSet<string>()).CsType(type, null).Should().Be(expected);
    }
}
