using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using static TcrToolkit.Testing.Differential.DifferentialRun;

namespace TcrToolkit.Ethereum.Tests.Differential;

/// <summary>
/// Compares this library with ethers v6 on random inputs. Every failure message carries the seed; rerun with
/// <c>TCR_DIFF_SEED</c> (and <c>TCR_DIFF_CASES</c>) to reproduce it.
/// </summary>
[Trait("Category", "Differential")]
public sealed partial class EthersDifferentialTests(EthersOracle oracle, ITestOutputHelper output) : IClassFixture<EthersOracle>
{
    [Fact]
    public void Rlp_RandomItemTrees_EncodeAndDecodeLikeEthers()
    {
        Run("rlp", inputs =>
        {
            var item = inputs.RlpItem();
            return (new JsonObject { ["op"] = "rlp", ["item"] = RandomInputs.ToJson(item) }, item);
        }, (item, answer) =>
        {
            var encoded = answer.Get("encoded");
            Expect("encoding", encoded, Hex.Encode(Rlp.Encode(item)));
            Expect("our decoding of ethers' encoding", true, Rlp.Decode(Hex.Decode(encoded)).Equals(item));
            Expect("ethers' decoding", true, RandomInputs.FromJson(answer.Value.GetProperty("decoded")).Equals(item));
        });
    }

    [Fact]
    public void Eip55_RandomAddressesAndCasings_AcceptAndChecksumLikeEthers()
    {
        Run("eip55", inputs =>
        {
            var text = inputs.AddressText(inputs.AddressValue());
            return (new JsonObject { ["op"] = "address", ["input"] = text }, text);
        }, (text, answer) =>
        {
            var ours = Address.TryParse(text, out var address) ? address.ToString() : "rejected";
            Expect("parse result", answer.Error is null ? answer.Get("address") : "rejected", ours);
        });
    }

    [Fact]
    public void Sign_RandomKeysAndDigests_SignAndRecoverLikeEthers()
    {
        Run("sign", inputs =>
        {
            var key = inputs.Bytes(32);
            var digest = inputs.Bytes(32);
            return (new JsonObject { ["op"] = "sign", ["key"] = Hex.Encode(key), ["digest"] = Hex.Encode(digest) }, (key, digest));
        }, (input, answer) =>
        {
            using var key = PrivateKey.FromBytes(input.key);
            var signature = key.Sign(input.digest);
            Expect("r", answer.Get("r"), signature.R.ToBytes32().ToString());
            Expect("s", answer.Get("s"), signature.S.ToBytes32().ToString());
            Expect("yParity", answer.Get("yParity"), signature.YParity.ToString(CultureInfo.InvariantCulture));
            Expect("serialized", answer.Get("serialized"), signature.ToString());
            Expect("compressed public key", answer.Get("compressedPublicKey"), key.PublicKey.ToString());
            Expect("address", answer.Get("address"), key.Address.ToString());
            var recovered = PublicKey.Recover(input.digest, Signature.Parse(answer.Get("serialized")));
            Expect("recovered public key", answer.Get("recovered"), Hex.Encode(recovered.ToUncompressedBytes()));
        });
    }

    [Fact]
    public void Transactions_RandomLegacy_SignAndSerializeLikeEthers() => RunTransactions("tx-legacy", TransactionType.Legacy);

    [Fact]
    public void Transactions_RandomEip2930_SignAndSerializeLikeEthers() => RunTransactions("tx-eip2930", TransactionType.AccessList);

    [Fact]
    public void Transactions_RandomEip1559_SignAndSerializeLikeEthers() => RunTransactions("tx-eip1559", TransactionType.DynamicFee);

    [Fact]
    public void Eip712_RandomTypedData_HashesLikeEthers()
    {
        Run("eip712", inputs =>
        {
            var (types, primaryType, domain, message) = inputs.TypedData();
            var request = new JsonObject
            {
                ["op"] = "eip712",
                ["types"] = types.DeepClone(),
                ["primaryType"] = primaryType,
                ["domain"] = domain.DeepClone(),
                ["message"] = message.DeepClone(),
            };

            // Our side parses the full eth_signTypedData_v4 document, EIP712Domain type included.
            var fullTypes = (JsonObject)types.DeepClone();
            fullTypes["EIP712Domain"] = new JsonArray([.. DomainFields(domain)]);
            var document = new JsonObject
            {
                ["types"] = fullTypes,
                ["primaryType"] = primaryType,
                ["domain"] = domain.DeepClone(),
                ["message"] = message.DeepClone(),
            };
            return (request, document.ToJsonString());
        }, (document, answer) =>
        {
            var typedData = TypedData.Parse(document);
            Expect("primary type", answer.Get("primaryType"), typedData.PrimaryType);
            Expect("encodeType", answer.Get("encodedType"), typedData.Encoder.EncodeType(typedData.PrimaryType));
            Expect("hashStruct", answer.Get("structHash"), typedData.GetStructHash().ToString());
            Expect("domain separator", answer.Get("domainSeparator"), typedData.Domain.Separator.ToString());
            Expect("digest", answer.Get("digest"), typedData.GetSigningHash().ToString());
        });
    }

    [Fact]
    public void Units_RandomAmounts_FormatAndParseLikeEthers()
    {
        Run("units", inputs =>
        {
            var value = inputs.UInt256Value();
            int[] common = [0, 6, 9, 18];
            var decimals = inputs.Random.Next(2) == 0 ? common[inputs.Random.Next(common.Length)] : inputs.Random.Next(0, 40);
            var text = EthUnits.Format(value, decimals);
            var request = new JsonObject { ["op"] = "units", ["value"] = value.ToString(), ["decimals"] = decimals, ["text"] = text };
            return (request, (value, decimals, text));
        }, (input, answer) =>
        {
            // ethers always shows a fractional part ("1.0"); ours is the shortest exact form ("1").
            var theirs = answer.Get("formatted");
            theirs = theirs.EndsWith(".0", StringComparison.Ordinal) ? theirs[..^2] : theirs;
            Expect("formatted", theirs, input.text);
            Expect("ethers parsing our text", answer.Get("parsed"), input.value.ToString());
            Expect("our parsing of ethers' text", input.value.ToString(), EthUnits.Parse(answer.Get("formatted"), input.decimals).ToString());
        });
    }

    [Fact]
    public void Oracle_UnknownOperation_AnswersWithError()
    {
        var answers = oracle.Ask([new JsonObject { ["op"] = "no-such-op" }, new JsonObject { ["op"] = "version" }]);
        answers[0].Error.Should().Contain("unknown op no-such-op");
        answers[1].Get("ethers").Should().Be("6.17.0");
    }

    [Fact]
    public void PersonalMessage_RandomMessages_HashLikeEthers()
    {
        Run("personal", inputs =>
        {
            var message = inputs.Bytes(inputs.InterestingLength(300));
            return (new JsonObject { ["op"] = "personal", ["message"] = Hex.Encode(message) }, message);
        }, (message, answer) => Expect("hash", answer.Get("hash"), PersonalMessage.Hash(message).ToString()));
    }

    private void RunTransactions(string category, TransactionType type)
    {
        Run(category, inputs =>
        {
            var key = inputs.Bytes(32);
            var tx = RandomTransaction(inputs, type);
            var request = new JsonObject { ["op"] = "tx", ["key"] = Hex.Encode(key), ["tx"] = ToJson(tx) };
            return (request, (key, tx));
        }, (input, answer) =>
        {
            using var key = PrivateKey.FromBytes(input.key);
            var tx = input.tx;
            if (answer.Error is not null)
            {
                // ethers refuses inconsistent fields (a priority fee above the max fee); so must we.
                var ours = "accepted";
                try
                {
                    tx.Sign(key);
                }
                catch (InvalidOperationException)
                {
                    ours = "rejected";
                }

                Expect("outcome", "rejected", ours);
                return;
            }

            Expect("unsigned serialization", answer.Get("unsigned"), Hex.Encode(tx.EncodeForSigning()));
            Expect("signing hash", answer.Get("unsignedHash"), tx.GetSigningHash().ToString());
            var signed = tx.Sign(key);
            Expect("signed serialization", answer.Get("signed"), signed.ToHex());
            Expect("transaction hash", answer.Get("hash"), signed.Hash.ToString());
            Expect("sender", answer.Get("from"), key.Address.ToString());
            var decoded = Transaction.DecodeHex(answer.Get("signed"));
            Expect("re-encoding of decoded ethers transaction", answer.Get("signed"), decoded.ToHex());
            Expect("decoded fields", Hex.Encode(tx.EncodeForSigning()), Hex.Encode(decoded.Transaction.EncodeForSigning()));
            Expect("decoded sender", answer.Get("from"), decoded.From.ToString());
        });
    }

    private static Transaction RandomTransaction(RandomInputs inputs, TransactionType type)
    {
        var nonce = inputs.UInt64(53); // ethers keeps the nonce as a JavaScript number
        var gasLimit = inputs.UInt64();
        Address? to = inputs.Random.Next(8) == 0 ? null : inputs.AddressValue();
        var value = inputs.UInt256Value();
        ReadOnlyMemory<byte> data = inputs.Bytes(inputs.InterestingLength(inputs.Random.Next(10) == 0 ? 3000 : 200));
        IReadOnlyList<AccessListEntry> accessList =
        [
            .. Enumerable.Range(0, inputs.Random.Next(0, 4)).Select(_ => new AccessListEntry(
                inputs.AddressValue(),
                [.. Enumerable.Range(0, inputs.Random.Next(0, 4)).Select(_ => new Bytes32(inputs.Bytes(32)))])),
        ];
        var chainId = inputs.Random.Next(3) == 0 ? inputs.UInt64() : (ulong)inputs.Random.Next(1, 100_000);
        var (priorityFee, maxFee) = (inputs.UInt256Value(), inputs.UInt256Value());
        if (priorityFee > maxFee && inputs.Random.Next(20) != 0)
        {
            // Mostly valid fee pairs; one in twenty keeps the invalid order to check that both sides reject it.
            (priorityFee, maxFee) = (maxFee, priorityFee);
        }

        return type switch
        {
            TransactionType.Legacy => new LegacyTransaction
            {
                ChainId = inputs.Random.Next(5) == 0 || chainId == 0 ? null : chainId,
                Nonce = nonce,
                GasPrice = inputs.UInt256Value(),
                GasLimit = gasLimit,
                To = to,
                Value = value,
                Data = data,
            },
            TransactionType.AccessList => new Eip2930Transaction
            {
                ChainId = chainId,
                Nonce = nonce,
                GasPrice = inputs.UInt256Value(),
                GasLimit = gasLimit,
                To = to,
                Value = value,
                Data = data,
                AccessList = accessList,
            },
            _ => new Eip1559Transaction
            {
                ChainId = chainId,
                Nonce = nonce,
                MaxPriorityFeePerGas = priorityFee,
                MaxFeePerGas = maxFee,
                GasLimit = gasLimit,
                To = to,
                Value = value,
                Data = data,
                AccessList = accessList,
            },
        };
    }

    private static JsonObject ToJson(Transaction tx)
    {
        var json = new JsonObject
        {
            ["type"] = (int)tx.Type,
            ["nonce"] = tx.Nonce.ToString(CultureInfo.InvariantCulture),
            ["gasLimit"] = tx.GasLimit.ToString(CultureInfo.InvariantCulture),
            ["to"] = tx.To?.ToString(),
            ["value"] = tx.Value.ToString(),
            ["data"] = Hex.Encode(tx.Data.Span),
        };
        IReadOnlyList<AccessListEntry>? accessList = null;
        switch (tx)
        {
            case LegacyTransaction legacy:
                json["chainId"] = legacy.ChainId?.ToString(CultureInfo.InvariantCulture);
                json["gasPrice"] = legacy.GasPrice.ToString();
                break;
            case Eip2930Transaction eip2930:
                json["chainId"] = eip2930.ChainId.ToString(CultureInfo.InvariantCulture);
                json["gasPrice"] = eip2930.GasPrice.ToString();
                accessList = eip2930.AccessList;
                break;
            case Eip1559Transaction eip1559:
                json["chainId"] = eip1559.ChainId.ToString(CultureInfo.InvariantCulture);
                json["maxPriorityFeePerGas"] = eip1559.MaxPriorityFeePerGas.ToString();
                json["maxFeePerGas"] = eip1559.MaxFeePerGas.ToString();
                accessList = eip1559.AccessList;
                break;
        }

        if (accessList is not null)
        {
            json["accessList"] = new JsonArray([.. accessList.Select(e => (JsonNode)new JsonObject
            {
                ["address"] = e.Address.ToString(),
                ["storageKeys"] = new JsonArray([.. e.StorageKeys.Select(k => (JsonNode)JsonValue.Create(k.ToString()))]),
            })]);
        }

        return json;
    }

    private static IEnumerable<JsonNode> DomainFields(JsonObject domain)
    {
        (string Name, string Type)[] order =
            [("name", "string"), ("version", "string"), ("chainId", "uint256"), ("verifyingContract", "address"), ("salt", "bytes32")];
        return order.Where(f => domain.ContainsKey(f.Name)).Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["type"] = f.Type });
    }

    private void Run<TInput>(
        string category,
        Func<RandomInputs, (JsonObject Request, TInput Input)> generate,
        Action<TInput, OracleAnswer> compare) =>
        new DifferentialRun(oracle, output).Run(category, DifferentialShares.CasesFor(category), seed => new RandomInputs(seed), generate, compare);
}
