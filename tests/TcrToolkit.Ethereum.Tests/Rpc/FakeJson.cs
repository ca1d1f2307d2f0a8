using System.Text.Json.Serialization;

namespace TcrToolkit.Ethereum.Tests.Rpc;

[JsonSerializable(typeof(string))]
internal sealed partial class FakeJson : JsonSerializerContext;
