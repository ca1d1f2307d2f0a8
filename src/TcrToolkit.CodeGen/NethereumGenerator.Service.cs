using TcrToolkit.Ethereum.Abi;

namespace TcrToolkit.CodeGen;

/// <content>
/// The service file, <c>NameService.g.cs</c>: a <c>ContractWeb3ServiceBase</c> with the deployment methods, per view
/// function <c>…QueryAsync</c> and per transaction <c>…RequestAsync</c> and <c>…RequestAndWaitForReceiptAsync</c>, each
/// taking the message or the plain arguments, and the lists of the contract's function, event and error types.
/// </content>
internal sealed partial class NethereumGenerator
{
    private string EmitService()
    {
        var code = Header("Contract service", ContractNamespace, "Nethereum.Contracts", "Nethereum.RPC.Eth.DTOs", "Nethereum.Web3", DefinitionNamespace);
        var service = Class + "Service";
        var deployment = Class + "Deployment";
        var contractDoc = NatSpec.Contract(_source);
        code.Doc("summary", [$"{Class} through Nethereum: deploy it, query its views and send its transactions with an <c>IWeb3</c>.", .. contractDoc.Notice is null ? [] : EmptyLine.Concat(NatSpec.ToXmlLines(contractDoc.Notice))]);
        code.Open($"public partial class {service} : ContractWeb3ServiceBase");
        code.Line($"/// <summary>Sends the deployment and waits for its receipt.</summary>");
        code.Line("/// <param name=\"web3\">The Web3 whose account deploys.</param>");
        code.Line("/// <param name=\"deployment\">The constructor arguments, and optionally gas and fees.</param>");
        code.Line("/// <param name=\"cancellationToken\">Stops waiting for the receipt.</param>");
        code.Line("/// <returns>The receipt, whose <c>ContractAddress</c> is the new contract.</returns>");
        code.Open($"public static Task<TransactionReceipt> DeployContractAndWaitForReceiptAsync(IWeb3 web3, {deployment} deployment, CancellationToken cancellationToken = default)");
        code.Line($"return web3.Eth.GetContractDeploymentHandler<{deployment}>().SendRequestAndWaitForReceiptAsync(deployment, cancellationToken);");
        code.Close();
        code.Line();
        code.Line("/// <summary>Sends the deployment without waiting.</summary>");
        code.Line("/// <param name=\"web3\">The Web3 whose account deploys.</param>");
        code.Line("/// <param name=\"deployment\">The constructor arguments, and optionally gas and fees.</param>");
        code.Line("/// <returns>The transaction hash.</returns>");
        code.Open($"public static Task<string> DeployContractAsync(IWeb3 web3, {deployment} deployment)");
        code.Line($"return web3.Eth.GetContractDeploymentHandler<{deployment}>().SendRequestAsync(deployment);");
        code.Close();
        code.Line();
        code.Line("/// <summary>Deploys, waits for the receipt and returns a service of the new contract.</summary>");
        code.Line("/// <param name=\"web3\">The Web3 whose account deploys; the service sends with it.</param>");
        code.Line("/// <param name=\"deployment\">The constructor arguments, and optionally gas and fees.</param>");
        code.Line("/// <param name=\"cancellationToken\">Stops waiting for the receipt.</param>");
        code.Line("/// <returns>The service of the deployed contract.</returns>");
        code.Open($"public static async Task<{service}> DeployContractAndGetServiceAsync(IWeb3 web3, {deployment} deployment, CancellationToken cancellationToken = default)");
        code.Line("var receipt = await DeployContractAndWaitForReceiptAsync(web3, deployment, cancellationToken).ConfigureAwait(false);");
        code.Line($"return new {service}(web3, receipt.ContractAddress);");
        code.Close();
        code.Line();
        code.Line($"/// <summary>A service of the {Class} at <paramref name=\"contractAddress\"/>.</summary>");
        code.Line("/// <param name=\"web3\">The Web3 to query and send with.</param>");
        code.Line("/// <param name=\"contractAddress\">The contract's address.</param>");
        code.Line($"public {service}(IWeb3 web3, string contractAddress) : base(web3, contractAddress) {{ }}");
        foreach (var (name, function) in _functions)
        {
            EmitServiceMethods(code, name, function);
        }

        EmitTypeList(code, "GetAllFunctionTypes", "The function message types of the contract.", _functions.Select(f => f.Name + "Function"));
        EmitTypeList(code, "GetAllEventTypes", "The event DTO types of the contract.", _events.Select(e => e.Name + "EventDTO"));
        EmitTypeList(code, "GetAllErrorTypes", "The custom error DTO types of the contract.", _errors.Select(e => e.Name + "Error"));
        code.Close();
        return code.ToString();
    }

    private static readonly string[] EmptyLine = [""];

    private void EmitServiceMethods(CodeWriter code, string name, AbiFunction function)
    {
        var message = name + "Function";
        var variable = char.ToLowerInvariant(name[0]) + name[1..] + "Function";
        var doc = NatSpec.Find(_source, "methods", function.Signature);
        var properties = Properties(function.Inputs, message + "Base", outputs: false, doc, message: true, [variable, "blockParameter", "cancellationToken"]);
        var signature = $"<c>{Xml(function.Signature)}</c>";
        var declared = string.Join(", ", properties.Select(p => $"{p.DotNetType} {p.Variable}"));
        if (function.IsReadOnly)
        {
            if (function.Outputs.Count == 0)
            {
                return;
            }

            var multiple = IsMultipleOutput(function);
            var returned = multiple ? name + "OutputDTO" : DotNetType(function.Outputs[0].Type, function.Outputs[0].InternalType);
            var call = multiple ? $"QueryDeserializingToObjectAsync<{message}, {returned}>" : $"QueryAsync<{message}, {returned}>";
            var returns = multiple ? "The outputs." : doc.Returns.Count == 1 ? NatSpec.ToXmlInline(doc.Returns.Values.Single()) : "The output.";
            code.Line();
            code.Line($"/// <summary>Calls {signature} (no transaction).</summary>");
            code.Line($"/// <param name=\"{variable}\">The arguments.</param>");
            code.Line("/// <param name=\"blockParameter\">The block to read at; the latest when <c>null</c>.</param>");
            code.Line($"/// <returns>{returns}</returns>");
            code.Open($"public virtual Task<{returned}> {name}QueryAsync({message} {variable}, BlockParameter blockParameter = null)");
            code.Line($"return ContractHandler.{call}({variable}, blockParameter);");
            code.Close();
            code.Line();
            code.Line($"/// <summary>Calls {signature} (no transaction).</summary>");
            ParamDocs(code, properties);
            code.Line("/// <param name=\"blockParameter\">The block to read at; the latest when <c>null</c>.</param>");
            code.Line($"/// <returns>{returns}</returns>");
            code.Open($"public virtual Task<{returned}> {name}QueryAsync({(declared.Length > 0 ? declared + ", " : "")}BlockParameter blockParameter = null)");
            EmitMessage(code, message, variable, properties);
            code.Line($"return ContractHandler.{call}({variable}, blockParameter);");
            code.Close();
            return;
        }

        code.Line();
        code.Line($"/// <summary>Sends {signature} without waiting.</summary>");
        code.Line($"/// <param name=\"{variable}\">The arguments, and optionally gas, fees and value.</param>");
        code.Line("/// <returns>The transaction hash.</returns>");
        code.Open($"public virtual Task<string> {name}RequestAsync({message} {variable})");
        code.Line($"return ContractHandler.SendRequestAsync({variable});");
        code.Close();
        code.Line();
        code.Line($"/// <summary>Sends {signature} and waits for the receipt.</summary>");
        code.Line($"/// <param name=\"{variable}\">The arguments, and optionally gas, fees and value.</param>");
        code.Line("/// <param name=\"cancellationToken\">Stops waiting for the receipt.</param>");
        code.Line("/// <returns>The receipt; its <c>Status</c> is 0 when the call reverted.</returns>");
        code.Open($"public virtual Task<TransactionReceipt> {name}RequestAndWaitForReceiptAsync({message} {variable}, CancellationToken cancellationToken = default)");
        code.Line($"return ContractHandler.SendRequestAndWaitForReceiptAsync({variable}, cancellationToken);");
        code.Close();
        code.Line();
        code.Line($"/// <summary>Sends {signature} without waiting.</summary>");
        ParamDocs(code, properties);
        code.Line("/// <returns>The transaction hash.</returns>");
        code.Open($"public virtual Task<string> {name}RequestAsync({declared})");
        EmitMessage(code, message, variable, properties);
        code.Line($"return ContractHandler.SendRequestAsync({variable});");
        code.Close();
        code.Line();
        code.Line($"/// <summary>Sends {signature} and waits for the receipt.</summary>");
        ParamDocs(code, properties);
        code.Line("/// <param name=\"cancellationToken\">Stops waiting for the receipt.</param>");
        code.Line("/// <returns>The receipt; its <c>Status</c> is 0 when the call reverted.</returns>");
        code.Open($"public virtual Task<TransactionReceipt> {name}RequestAndWaitForReceiptAsync({(declared.Length > 0 ? declared + ", " : "")}CancellationToken cancellationToken = default)");
        EmitMessage(code, message, variable, properties);
        code.Line($"return ContractHandler.SendRequestAndWaitForReceiptAsync({variable}, cancellationToken);");
        code.Close();
    }

    private static void EmitMessage(CodeWriter code, string message, string variable, List<Property> properties)
    {
        if (properties.Count == 0)
        {
            code.Line($"var {variable} = new {message}();");
            return;
        }

        code.Line($"var {variable} = new {message}");
        code.Line("{");
        foreach (var p in properties)
        {
            code.Line($"    {p.Name} = {p.Variable},");
        }

        code.Line("};");
    }

    private static void ParamDocs(CodeWriter code, IEnumerable<Property> properties)
    {
        foreach (var p in properties)
        {
            code.Line($"/// <param name=\"{p.Variable.TrimStart('@')}\">{p.Doc}</param>");
        }
    }

    private static void EmitTypeList(CodeWriter code, string method, string summary, IEnumerable<string> types)
    {
        code.Line();
        code.Line($"/// <summary>{summary}</summary>");
        code.Line("/// <returns>The types, in name order.</returns>");
        code.Open($"public override List<Type> {method}()");
        var list = types.ToList();
        if (list.Count == 0)
        {
            code.Line("return [];");
        }
        else
        {
            code.Line("return");
            code.Line("[");
            foreach (var type in list)
            {
                code.Line($"    typeof({type}),");
            }

            code.Line("];");
        }

        code.Close();
    }
}
