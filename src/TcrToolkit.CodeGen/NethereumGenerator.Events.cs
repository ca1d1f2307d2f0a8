using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.CodeGen;

/// <content>The events file, <c>NameEvents.g.cs</c>: an <c>[Event]</c> DTO per event, implementing <c>IEventDTO</c>, with indexed flags.</content>
internal sealed partial class NethereumGenerator
{
    private string EmitEvents()
    {
        var code = Header("Event DTOs", DefinitionNamespace, "Nethereum.Contracts");
        var first = true;
        foreach (var (name, e) in _events)
        {
            if (!first)
            {
                code.Line();
            }

            first = false;
            EmitEvent(code, name, e);
        }

        return code.ToString();
    }

    private void EmitEvent(CodeWriter code, string name, AbiEvent e)
    {
        var type = name + "EventDTO";
        var doc = NatSpec.Find(_source, "events", e.Signature);
        EmitPartialMain(code, type, $"The event <c>{Xml(e.Signature)}</c>{(e.Anonymous ? " (anonymous)" : "")}.");
        code.Doc("summary", Summary(doc, $"The event <c>{Xml(e.Signature)}</c> of {Class}."));
        code.Line(e.Anonymous ? $"[Event(\"{e.Name}\", true)]" : $"[Event(\"{e.Name}\")]");
        code.Open($"public class {type}Base : IEventDTO");
        EmitProperties(code, Properties(e.Inputs, type + "Base", outputs: false, doc), events: true);
        code.Close();
    }
}
