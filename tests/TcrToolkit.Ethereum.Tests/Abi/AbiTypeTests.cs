using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.Ethereum.Tests.Abi;

public sealed class AbiTypeTests
{
    [Theory]
    [InlineData("uint8", "uint8", false, 32)]
    [InlineData("uint", "uint256", false, 32)]
    [InlineData("int", "int256", false, 32)]
    [InlineData("bytes1", "bytes1", false, 32)]
    [InlineData("bytes", "bytes", true, 32)]
    [InlineData("string[]", "string[]", true, 32)]
    [InlineData("uint256[3]", "uint256[3]", false, 96)]
    [InlineData("(uint256,bool)[2]", "(uint256,bool)[2]", false, 128)]
    [InlineData("tuple(uint256 amount, address to)[]", "(uint256,address)[]", true, 32)]
    [InlineData("((bytes,uint8)[2][],string)", "((bytes,uint8)[2][],string)", true, 32)]
    [InlineData("()", "()", false, 0)]
    public void Parse_ValidTypes_GivesCanonicalNameAndLayout(string text, string canonical, bool dynamic, int headSize)
    {
        var type = AbiType.Parse(text);

        type.CanonicalName.Should().Be(canonical);
        type.IsDynamic.Should().Be(dynamic);
        type.HeadSize.Should().Be(headSize);
    }

    [Theory]
    [InlineData("uint7", "Invalid integer type 'uint7' at position 0 of 'uint7'; widths are multiples of 8 from 8 to 256.")]
    [InlineData("int264", "Invalid integer type 'int264' at position 0 of 'int264'; widths are multiples of 8 from 8 to 256.")]
    [InlineData("uint08", "Invalid integer type 'uint08' at position 0 of 'uint08'; widths are multiples of 8 from 8 to 256.")]
    [InlineData("bytes33", "Invalid fixed-size bytes type 'bytes33' at position 0 of 'bytes33'; sizes run from bytes1 to bytes32.")]
    [InlineData("bytes0", "Invalid fixed-size bytes type 'bytes0' at position 0 of 'bytes0'; sizes run from bytes1 to bytes32.")]
    [InlineData("fixed128x18", "Unknown ABI type 'fixed128x18' at position 0 of 'fixed128x18'; expected uint<M>, int<M>, address, bool, bytes<M>, bytes, string or a tuple.")]
    [InlineData("uint256[0]", "Invalid fixed array length '0' at position 7 of 'uint256[0]'; lengths are positive decimal numbers without leading zeros.")]
    [InlineData("uint256[", "Invalid ABI text 'uint256[': expected ']' to close the array suffix at position 8 (found the end).")]
    [InlineData("(uint256,bool", "Invalid ABI text '(uint256,bool': expected ',' or ')' after a parameter at position 13 (found the end).")]
    [InlineData("uint256 x", "Invalid ABI text 'uint256 x': unexpected text after the type at position 8 (found 'x').")]
    [InlineData("", "Invalid ABI text '': expected a type at position 0 (found the end).")]
    public void Parse_InvalidTypes_ThrowsAbiFormatExceptionSayingWhy(string text, string message)
    {
        var act = () => AbiType.Parse(text);

        act.Should().Throw<AbiFormatException>().Which.Message.Should().Be(message);
    }

    [Theory]
    [InlineData("transfer", "Invalid ABI text 'transfer': expected '(' at position 8 (found the end).")]
    [InlineData("(uint256)", "Invalid ABI text '(uint256)': expected a name before '(' at position 0 (found '(').")]
    [InlineData("f(uint256 indexed a)", "Invalid ABI text 'f(uint256 indexed a)': 'indexed' is only allowed on event parameters at position 17 (found ' ').")]
    [InlineData("f(uint256) returns", "Invalid ABI text 'f(uint256) returns': unexpected text after the signature at position 11 (found 'r').")]
    public void ParseFunction_MalformedSignature_ThrowsAbiFormatException(string signature, string message)
    {
        var act = () => AbiFunction.Parse(signature);

        act.Should().Throw<AbiFormatException>().Which.Message.Should().Be(message);
    }

    [Fact]
    public void ParseSelector_WrongLength_ThrowsHexFormatException()
    {
        var act = () => AbiSelector.Parse("0xa9059c");

        act.Should().Throw<HexFormatException>().WithMessage("Expected 4 bytes (8 hex digits) but the text holds 3 bytes (6 digits).");
    }

    [Fact]
    public void Parse_HumanReadableEvent_KeepsIndexedFlagsAndNames()
    {
        var e = AbiEvent.Parse("Applied(bytes32 indexed nodeId, address indexed owner, uint256 deposit, uint256 applicationEnd, bytes data)");

        e.Inputs.Select(p => (p.Name, p.Indexed)).Should().Equal(
            ("nodeId", true), ("owner", true), ("deposit", false), ("applicationEnd", false), ("data", false));
        e.Signature.Should().Be("Applied(bytes32,address,uint256,uint256,bytes)");
    }

    [Fact]
    public void ParseJson_AllEntryKindsWithComponentsAndInternalTypes_BuildsModel()
    {
        const string json = """
        [
          { "type": "constructor", "stateMutability": "payable", "inputs": [ { "name": "owner", "type": "address", "internalType": "address" } ] },
          { "type": "fallback", "stateMutability": "nonpayable" },
          { "type": "receive", "stateMutability": "payable" },
          { "type": "function", "name": "set", "stateMutability": "nonpayable",
            "inputs": [ { "name": "p", "type": "tuple[2][]", "internalType": "struct Params[2][]",
                          "components": [ { "name": "name", "type": "uint8", "internalType": "enum Name" },
                                          { "name": "values", "type": "tuple[]", "internalType": "struct Value[]",
                                            "components": [ { "name": "v", "type": "uint96" }, { "name": "label", "type": "string" } ] } ] } ],
            "outputs": [ { "name": "", "type": "bool" } ] },
          { "type": "event", "name": "Set", "anonymous": true, "inputs": [ { "name": "who", "type": "address", "indexed": true } ] },
          { "type": "error", "name": "Bad", "inputs": [ { "name": "code", "type": "uint16" } ] }
        ]
        """;

        var abi = ContractAbi.Parse(json);

        abi.Constructor!.StateMutability.Should().Be("payable");
        abi.Constructor.Inputs.Single().InternalType.Should().Be("address");
        abi.Fallback.Should().NotBeNull();
        abi.Receive.Should().NotBeNull();
        var set = abi.GetFunction("set");
        set.Signature.Should().Be("set((uint8,(uint96,string)[])[2][])");
        set.Inputs[0].InternalType.Should().Be("struct Params[2][]");
        set.Inputs[0].Type.ElementType!.ElementType!.Components[0].InternalType.Should().Be("enum Name");
        set.Inputs[0].Type.ElementType!.ElementType!.Components[1].Name.Should().Be("values");
        set.Outputs.Single().Type.Should().Be(AbiType.Bool);
        abi.FindFunction(set.Selector).Should().BeSameAs(set);
        abi.GetEvent("Set").Anonymous.Should().BeTrue();
        abi.FindError(AbiSelector.FromSignature("Bad(uint16)"))!.Name.Should().Be("Bad");
    }

    [Theory]
    [InlineData("""{"contractName":"X"}""", "The JSON object has no 'abi' property; pass an ABI array or a compiler artifact.")]
    [InlineData("""[{"type":"function","name":"f","inputs":[{"name":"a","type":"tuple"}]}]""", "ABI entry 0: Parameter 'a': ABI type 'tuple' is a tuple but has no 'components'.")]
    [InlineData("""[{"type":"event","inputs":[]}]""", "ABI entry 0: Missing string property 'name'.")]
    [InlineData("""[{"type":"modifier","name":"m"}]""", "ABI entry 0: Unknown ABI entry type 'modifier'; expected function, event, error, constructor, fallback or receive.")]
    [InlineData("""[{"type":"function","name":"f","inputs":[{"name":"a","type":"uint257"}]}]""", "ABI entry 0: Parameter 'a': Invalid integer type 'uint257' at position 0 of 'uint257'; widths are multiples of 8 from 8 to 256.")]
    [InlineData("[1,", "The ABI is not valid JSON: Expected start of a property name or value, but instead reached end of data. LineNumber: 0 | BytePositionInLine: 2.")]
    public void ParseJson_Malformed_ThrowsAbiFormatExceptionSayingWhere(string json, string message)
    {
        var act = () => ContractAbi.Parse(json);

        act.Should().Throw<AbiFormatException>().Which.Message.Should().Be(message);
    }

    [Fact]
    public void GetFunction_Overloaded_RequiresSignature()
    {
        var abi = new ContractAbi([AbiFunction.Parse("f(uint256)"), AbiFunction.Parse("f(bytes)")]);

        var act = () => abi.GetFunction("f");

        act.Should().Throw<KeyNotFoundException>().WithMessage("The ABI has 2 overloads of function 'f' (f(uint256), f(bytes)); ask by signature.");
        abi.GetFunction("f(bytes)").Inputs.Single().Type.Should().Be(AbiType.Bytes);
    }

    [Fact]
    public void AbiValueFrom_ValueOutOfRange_ThrowsAbiEncodingException()
    {
        var tooBig = () => AbiValue.From(AbiType.UInt(8), 256);
        var negative = () => AbiValue.From(AbiType.UInt256, -1);
        var wrongLength = () => AbiValue.From(AbiType.Parse("uint8[2]"), new[] { 1, 2, 3 });

        tooBig.Should().Throw<AbiEncodingException>().WithMessage("Value 256 does not fit in uint8.");
        negative.Should().Throw<AbiEncodingException>().WithMessage("Negative value -1 given for uint256.");
        wrongLength.Should().Throw<AbiEncodingException>().WithMessage("Type uint8[2] needs 2 elements; got 3.");
    }

    [Fact]
    public void Codec_ArrayOfEmptyTuples_RoundTripsAndBoundsHugeCounts()
    {
        var type = AbiType.Parse("()[]");
        var value = AbiValue.OfType(type, [AbiValue.Tuple(), AbiValue.Tuple()]);

        var encoded = AbiCodec.Encode([type], [value]);
        var huge = () => AbiCodec.Decode([type], Hex.Decode("0x" + "20".PadLeft(64, '0') + "7fffffff".PadLeft(64, '0')));

        Hex.Encode(encoded).Should().Be("0x" + "20".PadLeft(64, '0') + "2".PadLeft(64, '0'));
        AbiCodec.Decode([type], encoded).Single().Should().Be(value);
        huge.Should().Throw<AbiDecodingException>().WithMessage("Cannot decode ()[] at offset 32: the data expands to more than 1024 times*");
    }

    [Fact]
    public void Writer_ElementCountDiffersFromDeclaredLength_ThrowsAbiEncodingException()
    {
        using var writer = new AbiWriter();
        writer.BeginArray(2);
        writer.WriteBool(true);

        var act = () => writer.EndArray();

        act.Should().Throw<AbiEncodingException>().WithMessage("A dynamic array was declared with 2 elements but 1 were written.");
    }

    [Fact]
    public void Writer_UnbalancedEnd_ThrowsInvalidOperation()
    {
        using var writer = new AbiWriter();
        writer.BeginTuple();

        var act = () => writer.EndArray();

        act.Should().Throw<InvalidOperationException>().WithMessage("Cannot end a dynamic array: the innermost open container is a tuple.");
    }
}
