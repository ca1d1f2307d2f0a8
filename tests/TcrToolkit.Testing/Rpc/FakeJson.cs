using System.Text.Json.Serialization;

namespace TcrToolkit.Testing.Rpc;

[JsonSerializable(typeof(string))]
internal sealed partial class FakeJson : JsonSerializerContext;
