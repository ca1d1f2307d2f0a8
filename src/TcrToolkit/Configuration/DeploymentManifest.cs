using System.Globalization;
using System.Text.Json;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Configuration;

/// <summary>One deployed contract as a deployment manifest records it.</summary>
/// <param name="Address">Where it lives.</param>
/// <param name="TransactionHash">The transaction that created it; null for a contract created by another (the governor).</param>
/// <param name="BlockNumber">The block of that transaction, or null.</param>
/// <param name="CodeHash">keccak256 of its runtime code, to recognise it on chain, or null.</param>
/// <param name="Nonce">The deployer's nonce of the creating transaction, or null (the governor, an existing token, older manifests).</param>
public sealed record DeployedContract(Address Address, Bytes32? TransactionHash, ulong? BlockNumber, Bytes32? CodeHash, ulong? Nonce = null);

/// <summary>
/// A deployment manifest (<c>deployments/&lt;network&gt;.json</c>, or <c>.devnet/devnet.json</c> for the embedded devnet):
/// which chain, and where the token, voting contract, registry and governor of one TCR deployment live.
/// </summary>
/// <remarks>
/// Format 1, as JSON:
/// <code>
/// { "format": 1, "network": "devnet", "chainId": 31337,
///   "contracts": { "registry": { "address": "0x…", "transactionHash": "0x…", "blockNumber": 3, "codeHash": "0x…" },
///                  "voting": { … }, "token": { … }, "governor": { "address": "0x…" } } }
/// </code>
/// Only <c>format</c>, <c>chainId</c> and <c>contracts.registry.address</c> are required; the registry knows the rest.
/// The deployer (<c>TcrToolkit.Deployment.TcrDeployer</c>) adds optional fields to resume an interrupted deployment
/// (see <c>TcrToolkit.Deployment.DeploymentRecord</c>); a manifest whose <c>deployment.status</c> is
/// <c>incomplete</c> is refused here, since its contracts are not all deployed yet.
/// </remarks>
public sealed record DeploymentManifest(
    string Network,
    ulong ChainId,
    DeployedContract Registry,
    DeployedContract? Voting,
    DeployedContract? Token,
    DeployedContract? Governor)
{
    /// <summary>The format this reader understands.</summary>
    public const int Format = 1;

    /// <summary>Reads and checks a manifest file.</summary>
    /// <exception cref="DeploymentManifestException">The file is missing, not JSON, or a field is missing or malformed.</exception>
    public static DeploymentManifest Load(string path) => Parse(ReadFile(path, "check the path, or deploy first to create it"), path);

    /// <summary>Parses manifest JSON; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="DeploymentManifestException">The text is not JSON, or a field is missing or malformed.</exception>
    public static DeploymentManifest Parse(string json, string source = "manifest")
    {
        using var document = ParseDocument(json, source);
        var (network, chainId, contracts) = ReadHeader(document.RootElement, source);
        var root = document.RootElement;
        if (root.TryGetProperty("deployment", out var deployment) && deployment.ValueKind == JsonValueKind.Object &&
            deployment.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && status.GetString() == "incomplete")
        {
            throw new DeploymentManifestException(source, $"records an unfinished {network} deployment; run the deployment again to finish it");
        }

        var registry = Contract(contracts, "registry", source)
            ?? throw new DeploymentManifestException(source, "has no contracts.registry entry; it is the one contract a manifest must name");
        return new DeploymentManifest(
            network,
            chainId,
            registry,
            Contract(contracts, "voting", source),
            Contract(contracts, "token", source),
            Contract(contracts, "governor", source));
    }

    // The one reading of the format's common part, shared with TcrToolkit.Deployment.DeploymentRecord (which adds the
    // deployer's fields): the file, the JSON, the header and each contract entry.

    /// <summary>The text of a manifest file; <paramref name="advice"/> ends the message when it cannot be read.</summary>
    internal static string ReadFile(string path, string advice)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DeploymentManifestException(path, $"cannot be read ({e.Message}); {advice}", e);
        }
    }

    internal static JsonDocument ParseDocument(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new DeploymentManifestException(source, $"is not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>The network, the chain id and the contracts object, each checked.</summary>
    internal static (string Network, ulong ChainId, JsonElement Contracts) ReadHeader(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DeploymentManifestException(source, "must be a JSON object");
        }

        var format = RequiredNumber(root, "format", source);
        if (format != Format)
        {
            throw new DeploymentManifestException(source, $"has format {format}; this version of TcrToolkit reads format {Format}");
        }

        var chainId = RequiredNumber(root, "chainId", source);
        if (chainId == 0)
        {
            throw new DeploymentManifestException(source, "has chainId 0; a chain id is a positive integer");
        }

        var network = root.TryGetProperty("network", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "unnamed";
        if (!root.TryGetProperty("contracts", out var contracts) || contracts.ValueKind != JsonValueKind.Object)
        {
            throw new DeploymentManifestException(source, "has no \"contracts\" object");
        }

        return (network, chainId, contracts);
    }

    /// <summary>A contract entry, or <c>null</c> when the manifest names none.</summary>
    internal static DeployedContract? Contract(JsonElement contracts, string name, string source)
    {
        if (!contracts.TryGetProperty(name, out var entry))
        {
            return null;
        }

        var field = $"contracts.{name}";
        if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("address", out var address) || address.ValueKind != JsonValueKind.String)
        {
            throw new DeploymentManifestException(source, $"has no {field}.address string");
        }

        return new DeployedContract(
            Parse(address.GetString()!, $"{field}.address", source, Address.Parse),
            OptionalBytes32(entry, "transactionHash", field, source),
            entry.TryGetProperty("blockNumber", out var block) && block.ValueKind == JsonValueKind.Number && block.TryGetUInt64(out var number)
                ? number
                : null,
            OptionalBytes32(entry, "codeHash", field, source),
            entry.TryGetProperty("nonce", out var nonce) && nonce.ValueKind == JsonValueKind.Number && nonce.TryGetUInt64(out var n) ? n : null);
    }

    private static Bytes32? OptionalBytes32(JsonElement entry, string property, string field, string source) =>
        entry.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? Parse(value.GetString()!, $"{field}.{property}", source, text => Bytes32.Parse(text))
            : null;

    private static T Parse<T>(string text, string field, string source, Func<string, T> parse)
    {
        try
        {
            return parse(text);
        }
        catch (FormatException e)
        {
            throw new DeploymentManifestException(source, $"has a malformed {field} \"{text}\" ({e.Message})", e);
        }
    }

    private static ulong RequiredNumber(JsonElement root, string property, string source)
    {
        if (!root.TryGetProperty(property, out var value))
        {
            throw new DeploymentManifestException(source, $"has no \"{property}\"");
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var number)
            ? number
            : throw new DeploymentManifestException(source, $"has a \"{property}\" that is not a non-negative integer ({value.GetRawText()})");
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Network} deployment on chain {ChainId.ToString(CultureInfo.InvariantCulture)}, registry {Registry.Address}";
}

/// <summary>A deployment manifest cannot be used; the message names the file, the field and what to do.</summary>
public sealed class DeploymentManifestException : TcrConfigurationException
{
    /// <summary>Creates the exception for <paramref name="source"/>.</summary>
    public DeploymentManifestException(string source, string problem, Exception? innerException = null)
        : base($"The deployment manifest {source} {problem}.", innerException)
    {
        Source = source;
    }

    /// <summary>The manifest's path or name.</summary>
    public new string Source { get; }
}
