using System.Text.Json;

namespace TcrToolkit.Ethereum.Tests;

public sealed class Eip712Tests
{
    // The example from the EIP-712 specification (Example.js).
    private const string MailJson = """
    {
      "types": {
        "EIP712Domain": [
          { "name": "name", "type": "string" },
          { "name": "version", "type": "string" },
          { "name": "chainId", "type": "uint256" },
          { "name": "verifyingContract", "type": "address" }
        ],
        "Person": [
          { "name": "name", "type": "string" },
          { "name": "wallet", "type": "address" }
        ],
        "Mail": [
          { "name": "from", "type": "Person" },
          { "name": "to", "type": "Person" },
          { "name": "contents", "type": "string" }
        ]
      },
      "primaryType": "Mail",
      "domain": {
        "name": "Ether Mail",
        "version": "1",
        "chainId": 1,
        "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"
      },
      "message": {
        "from": { "name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826" },
        "to": { "name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB" },
        "contents": "Hello, Bob!"
      }
    }
    """;

    [Fact]
    public void MailExample_MatchesEveryPublishedIntermediate()
    {
        var typedData = TypedData.Parse(MailJson);

        typedData.Encoder.EncodeType("Mail").Should().Be("Mail(Person from,Person to,string contents)Person(string name,address wallet)");
        typedData.Encoder.GetTypeHash("Mail").ToString().Should().Be("0xa0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2");
        typedData.Domain.Separator.ToString().Should().Be("0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
        typedData.GetStructHash().ToString().Should().Be("0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e");
        typedData.GetSigningHash().ToString().Should().Be("0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
    }

    [Fact]
    public void MailExample_SignedByCow_MatchesPublishedSignature()
    {
        using var cow = PrivateKey.FromBytes(Keccak256.HashUtf8("cow").AsSpan());
        var signature = TypedData.Parse(MailJson).Sign(cow);
        signature.ToString().Should().Be(
            "0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b915621c");
    }

    [Fact]
    public void FastPath_PrecomputedTypeHash_MatchesGeneralEncoder()
    {
        const string encodedType = "NodeKeyProof(bytes32 nodeId,address owner,uint256 nonce,string label,bool active)";
        var types = new Dictionary<string, IReadOnlyList<TypedDataField>>
        {
            ["NodeKeyProof"] =
            [
                new("nodeId", "bytes32"), new("owner", "address"), new("nonce", "uint256"), new("label", "string"), new("active", "bool"),
            ],
        };
        var nodeId = Keccak256.HashUtf8("node");
        var owner = Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        var domain = new TypedDataDomain { Name = "TCR", Version = "1", ChainId = 31337UL, VerifyingContract = owner };
        var message = JsonDocument.Parse($$"""{"nodeId":"{{nodeId}}","owner":"{{owner}}","nonce":"12345678901234567890","label":"n1","active":true}""").RootElement;
        var encoder = new TypedDataEncoder(types);

        var typeHash = Eip712.HashType(encodedType);
        var structHash = Eip712.HashStruct(typeHash,
        [
            nodeId, Eip712.EncodeAddress(owner), Eip712.EncodeUInt(UInt256.Parse("12345678901234567890")),
            Eip712.EncodeString("n1"), Eip712.EncodeBool(true),
        ]);

        encoder.EncodeType("NodeKeyProof").Should().Be(encodedType);
        typeHash.Should().Be(encoder.GetTypeHash("NodeKeyProof"));
        structHash.Should().Be(encoder.HashStruct("NodeKeyProof", message));
        Eip712.GetSigningHash(domain.Separator, structHash).Should().Be(encoder.GetSigningHash(domain, "NodeKeyProof", message));
    }

    [Fact]
    public void FastPath_HashStructAndDigest_AllocateNothing()
    {
        var typeHash = Eip712.HashType("T(uint256 a,uint256 b)");
        var separator = Keccak256.HashUtf8("domain");
        ReadOnlySpan<Bytes32> fields = [Bytes32.Zero, Bytes32.Zero];
        _ = Eip712.GetSigningHash(separator, Eip712.HashStruct(typeHash, fields));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var digest = Eip712.GetSigningHash(separator, Eip712.HashStruct(typeHash, fields));
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
        digest.Should().NotBe(Bytes32.Zero);
    }

    [Fact]
    public void Encoder_ArraysNestedStructsAndSignedInts_EncodeAsSpecified()
    {
        var types = new Dictionary<string, IReadOnlyList<TypedDataField>>
        {
            ["Inner"] = [new("v", "int8")],
            ["Outer"] = [new("items", "Inner[2]"), new("data", "bytes"), new("tags", "bytes4[]")],
        };
        var encoder = new TypedDataEncoder(types);
        var value = JsonDocument.Parse("""{"items":[{"v":-1},{"v":"0x7f"}],"data":"0x01","tags":["0xdeadbeef"]}""").RootElement;

        var innerType = Keccak256.HashUtf8("Inner(int8 v)");
        var minusOne = Bytes32.Parse("0x" + new string('f', 64));
        var inner0 = Eip712.HashStruct(innerType, [minusOne]);
        var inner1 = Eip712.HashStruct(innerType, [Eip712.EncodeUInt(127UL)]);
        var itemsHash = Keccak256.Hash(Bytes32.AsBytes([inner0, inner1]));
        var tagWord = Bytes32.Parse("0xdeadbeef" + new string('0', 56));
        var tagsHash = Keccak256.Hash(tagWord.AsSpan());
        var expected = Eip712.HashStruct(
            Keccak256.HashUtf8("Outer(Inner[2] items,bytes data,bytes4[] tags)Inner(int8 v)"),
            [itemsHash, Keccak256.Hash([0x01]), tagsHash]);

        encoder.HashStruct("Outer", value).Should().Be(expected);
    }

    [Fact]
    public void Domain_WithSaltOnly_UsesOnlyPresentMembers()
    {
        var salt = Keccak256.HashUtf8("salt");
        var domain = new TypedDataDomain { Salt = salt };
        domain.EncodeType().Should().Be("EIP712Domain(bytes32 salt)");
        domain.Separator.Should().Be(Eip712.HashStruct(Keccak256.HashUtf8("EIP712Domain(bytes32 salt)"), [salt]));
    }

    public static TheoryData<string, string> BadTypes => new()
    {
        { "uint7", "unknown type 'uint7'" },
        { "uint264", "unknown type 'uint264'" },
        { "uint", "unknown type 'uint'" },
        { "int08", "unknown type 'int08'" },
        { "bytes0", "unknown type 'bytes0'" },
        { "bytes33", "unknown type 'bytes33'" },
        { "Missing", "unknown type 'Missing'" },
        { "uint256[01]", "invalid array length '01'" },
        { "uint256[x]", "invalid array length 'x'" },
        { "]", "unmatched ']'" },
    };

    [Theory]
    [MemberData(nameof(BadTypes))]
    public void Encoder_InvalidMemberType_ThrowsNamingType(string type, string expected)
    {
        var types = new Dictionary<string, IReadOnlyList<TypedDataField>> { ["T"] = [new("a", type)] };
        var act = () => new TypedDataEncoder(types);
        act.Should().Throw<TypedDataException>().WithMessage($"types.T[0]: *{expected}*")
            .Which.Path.Should().Be("types.T[0]");
    }

    [Fact]
    public void Encoder_InvalidNames_Throw()
    {
        var duplicate = () => new TypedDataEncoder(new Dictionary<string, IReadOnlyList<TypedDataField>>
        {
            ["T"] = [new("a", "bool"), new("a", "bool")],
        });
        duplicate.Should().Throw<TypedDataException>().WithMessage("*declared twice*");

        var builtin = () => new TypedDataEncoder(new Dictionary<string, IReadOnlyList<TypedDataField>> { ["uint8"] = [] });
        builtin.Should().Throw<TypedDataException>().WithMessage("*built-in type*");

        var badName = () => new TypedDataEncoder(new Dictionary<string, IReadOnlyList<TypedDataField>> { ["My Type"] = [] });
        badName.Should().Throw<TypedDataException>().WithMessage("*identifier*");

        var badMember = () => new TypedDataEncoder(new Dictionary<string, IReadOnlyList<TypedDataField>> { ["T"] = [new("1a", "bool")] });
        badMember.Should().Throw<TypedDataException>().WithMessage("*member name '1a'*");
    }

    public static TheoryData<string, string, string, string> BadValues => new()
    {
        { "uint8", "256", "message.a", "out of range for uint8" },
        { "uint8", "-1", "message.a", "out of range for uint8" },
        { "int8", "-129", "message.a", "out of range for int8" },
        { "int8", "128", "message.a", "out of range for int8" },
        { "uint256", "1.5", "message.a", "'1.5' is not an integer" },
        { "uint256", "1e3", "message.a", "'1e3' is not an integer" },
        { "uint256", "\"12a\"", "message.a", "'12a' is not an integer" },
        { "uint256", "\"0x\"", "message.a", "not a valid hex integer" },
        { "uint256", "true", "message.a", "expected an integer" },
        { "bool", "1", "message.a", "expected true or false" },
        { "address", "\"0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\"", "message.a", "invalid EIP-55 checksum" },
        { "address", "42", "message.a", "expected a string for address" },
        { "bytes4", "\"0x0102\"", "message.a", "expected exactly 4 bytes for bytes4 but found 2" },
        { "bytes", "\"0x123\"", "message.a", "odd number of digits" },
        { "bytes", "\"1234\"", "message.a", "must start with '0x'" },
        { "string", "7", "message.a", "expected a string for string" },
        { "uint8[2]", "[1]", "message.a", "expected exactly 2 elements" },
        { "uint8[]", "{}", "message.a", "expected an array" },
        { "uint8[]", "[1, 300]", "message.a[1]", "out of range" },
        { "Inner", "{\"b\": true, \"c\": 1}", "message.a.c", "struct Inner has no member 'c'" },
        { "Inner", "{}", "message.a.b", "member 'b' of struct Inner is missing" },
        { "Inner", "[]", "message.a", "expected an object for struct Inner" },
        { "Inner", "{\"b\": true, \"b\": false}", "message.a.b", "appears more than once" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void HashStruct_ValueNotMatchingType_ThrowsWithPath(string type, string valueJson, string path, string expected)
    {
        var types = new Dictionary<string, IReadOnlyList<TypedDataField>>
        {
            ["T"] = [new("a", type)],
            ["Inner"] = [new("b", "bool")],
        };
        var encoder = new TypedDataEncoder(types);
        var value = JsonDocument.Parse($$"""{"a": {{valueJson}} }""").RootElement;

        var act = () => encoder.HashStruct("T", value);

        var error = act.Should().Throw<TypedDataException>().WithMessage($"*{expected}*").Which;
        error.Path.Should().Be(path);
    }

    [Fact]
    public void HashStruct_UndefinedType_Throws()
    {
        var encoder = new TypedDataEncoder(new Dictionary<string, IReadOnlyList<TypedDataField>>());
        var act = () => encoder.HashStruct("Nope", JsonDocument.Parse("{}").RootElement);
        act.Should().Throw<TypedDataException>().WithMessage("*'Nope' is not defined*");
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{"types":{"M":[]},"primaryType":"M","primaryType":"M","domain":{},"message":{}}""", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"types":{},"primaryType":"Mail","domain":{},"message":{}}""", "'Mail' is not defined")]
    [InlineData("""{"types":{"M":[]},"primaryType":"M","domain":{},"message":{},"extra":1}""", "unknown top-level member")]
    [InlineData("""{"types":{"M":[]},"domain":{},"message":{}}""", "primaryType: is missing")]
    [InlineData("""{"types":{"M":[]},"primaryType":"M","domain":{"chainid":1},"message":{}}""", "unknown domain member")]
    [InlineData("""{"types":{"M":[]},"primaryType":"M","domain":{"chainId":-1},"message":{}}""", "domain.chainId")]
    [InlineData("""{"types":{"M":[]},"primaryType":"M","domain":{"salt":"0x01"},"message":{}}""", "domain.salt: Expected 32 bytes")]
    [InlineData("""{"types":{"M":[]},"primaryType":"EIP712Domain","domain":{},"message":{}}""", "not EIP712Domain")]
    [InlineData("""{"types":{"M":[],"EIP712Domain":[{"name":"name","type":"string"}]},"primaryType":"M","domain":{"version":"1"},"message":{}}""", "types.EIP712Domain: declares (string name) but the domain has (string version)")]
    [InlineData("""{"types":{"M":[{"name":"a"}]},"primaryType":"M","domain":{},"message":{}}""", "types.M[0].type: is missing")]
    public void Parse_MalformedDocument_ThrowsTypedDataException(string json, string expected)
    {
        var act = () => TypedData.Parse(json);
        act.Should().Throw<TypedDataException>().WithMessage($"*{expected}*");
    }

    [Fact]
    public void Encoder_RecursiveTypeThroughArray_IsSupported()
    {
        var types = new Dictionary<string, IReadOnlyList<TypedDataField>>
        {
            ["Node"] = [new("value", "uint8"), new("children", "Node[]")],
        };
        var encoder = new TypedDataEncoder(types);
        var value = JsonDocument.Parse("""{"value":1,"children":[{"value":2,"children":[]}]}""").RootElement;

        encoder.EncodeType("Node").Should().Be("Node(uint8 value,Node[] children)");
        var leaf = Eip712.HashStruct(encoder.GetTypeHash("Node"), [Eip712.EncodeUInt(2UL), Keccak256.Hash([])]);
        var root = Eip712.HashStruct(encoder.GetTypeHash("Node"), [Eip712.EncodeUInt(1UL), Keccak256.Hash(leaf.AsSpan())]);
        encoder.HashStruct("Node", value).Should().Be(root);
    }
}
