using System.Globalization;
using System.Text;
using System.Text.Json;
using TcrToolkit.Configuration;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Deployment;

/// <summary>The deployment's steps, in the order they run: each is one contract-creation transaction.</summary>
public enum DeploymentStep
{
    /// <summary>The TcrToken (skipped when the configuration names an existing token).</summary>
    Token,

    /// <summary>The CommitRevealVoting contract, weighing votes with the token.</summary>
    Voting,

    /// <summary>The MailServerRegistry, whose constructor also creates the ParameterGovernor.</summary>
    Registry,
}

/// <summary>
/// A contract-creation transaction signed and recorded before it was sent, so that an interrupted deployment looks it
/// up (or rebroadcasts it: same nonce, same hash) instead of deploying again.
/// </summary>
/// <param name="Step">The step it deploys.</param>
/// <param name="Nonce">The deployer's nonce it uses; it fixes the contract's address.</param>
/// <param name="TransactionHash">Its hash.</param>
/// <param name="Address">The address it creates: CREATE(deployer, nonce).</param>
/// <param name="RawTransaction">The signed transaction as hex (public once sent; holds no secret).</param>
public sealed record PendingDeployment(DeploymentStep Step, ulong Nonce, Bytes32 TransactionHash, Address Address, string RawTransaction);

/// <summary>
/// The deployer's view of <c>deployments/&lt;network&gt;.json</c>: a <see cref="DeploymentManifest"/> (format 1) plus
/// what an unfinished deployment needs to resume: the deploying account, the parameters and token settings it was
/// started with, each contract's nonce and the one transaction in flight. Readers of format 1 ignore the extra fields.
/// </summary>
/// <remarks>
/// Additions to format 1, all optional:
/// <code>
/// "deployment": { "status": "complete" | "incomplete", "deployer": "0x…", "existingToken": false,
///                 "token": { "name": "…", "symbol": "…", "supply": "…", "holder": "0x…" },
///                 "pending": { "step": "voting", "nonce": 1, "transactionHash": "0x…", "address": "0x…", "rawTransaction": "0x…" } },
/// "contracts": { "voting": { …, "nonce": 1 } },
/// "rpc": "http://127.0.0.1:8545"   (the embedded devnet only)
/// </code>
/// A manifest whose <c>deployment.status</c> is <c>incomplete</c> is refused by <see cref="DeploymentManifest.Parse"/>.
/// </remarks>
public sealed record DeploymentRecord
{
    /// <summary>The network name.</summary>
    public required string Network { get; init; }

    /// <summary>The chain id the contracts live on.</summary>
    public required ulong ChainId { get; init; }

    /// <summary>The deploying account; <c>null</c> in manifests written before deployments were resumable.</summary>
    public Address? Deployer { get; init; }

    /// <summary>The registry parameters the deployment was started with.</summary>
    public required InitialRegistryParameters InitialRegistryParameters { get; init; }

    /// <summary>The governance parameters the deployment was started with.</summary>
    public required InitialGovernanceParameters InitialGovernanceParameters { get; init; }

    /// <summary>The token deployed, or <c>null</c> when <see cref="ExistingToken"/> is set or the settings were not recorded.</summary>
    public TokenSettings? TokenSettings { get; init; }

    /// <summary>Whether the token was not deployed here but given.</summary>
    public bool ExistingToken { get; init; }

    /// <summary>The token, once deployed (or given).</summary>
    public DeployedContract? Token { get; init; }

    /// <summary>The voting contract, once deployed.</summary>
    public DeployedContract? Voting { get; init; }

    /// <summary>The registry, once deployed.</summary>
    public DeployedContract? Registry { get; init; }

    /// <summary>The governor the registry created, once the registry is deployed.</summary>
    public DeployedContract? Governor { get; init; }

    /// <summary>The transaction sent (or about to be) and not yet confirmed.</summary>
    public PendingDeployment? Pending { get; init; }

    /// <summary>The devnet's RPC URL (written for the embedded devnet only, as <c>scripts/demo</c> does).</summary>
    public string? Rpc { get; init; }

    /// <summary>Whether every contract is deployed and nothing is in flight.</summary>
    public bool IsComplete => Token is not null && Voting is not null && Registry is not null && Governor is not null && Pending is null;

    /// <summary>The contract recorded for a step, or <c>null</c>.</summary>
    public DeployedContract? ContractOf(DeploymentStep step) => step switch
    {
        DeploymentStep.Token => Token,
        DeploymentStep.Voting => Voting,
        _ => Registry,
    };

    /// <summary>The manifest TcrToolkit's services read (<see cref="TcrToolkitOptions.ManifestPath"/>).</summary>
    /// <exception cref="InvalidOperationException">The deployment is not complete.</exception>
    public DeploymentManifest ToManifest() => IsComplete
        ? new DeploymentManifest(Network, ChainId, Registry!, Voting, Token, Governor)
        : throw new InvalidOperationException($"The {Network} deployment is not complete; resume it first.");

    /// <summary>Reads a manifest, finished or not.</summary>
    /// <exception cref="DeploymentManifestException">The file is unreadable, not JSON or malformed.</exception>
    public static DeploymentRecord Load(string path) => Parse(DeploymentManifest.ReadFile(path, "check the path"), path);

    /// <summary>Parses manifest JSON, finished or not; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="DeploymentManifestException">Not JSON, or a field is missing or malformed.</exception>
    public static DeploymentRecord Parse(string json, string source = "manifest")
    {
        using var document = DeploymentManifest.ParseDocument(json, source);
        var root = document.RootElement;
        var (network, chainId, contracts) = DeploymentManifest.ReadHeader(root, source);
        try
        {
            var deployment = root.TryGetProperty("deployment", out var d) ? d : default;
            var parameters = root.TryGetProperty("parameters", out var p) ? p : default;
            return new DeploymentRecord
            {
                Network = network,
                ChainId = chainId,
                Deployer = deployment.ValueKind == JsonValueKind.Object && deployment.TryGetProperty("deployer", out var deployer) ? Address.Parse(deployer.GetString()!) : null,
                ExistingToken = deployment.ValueKind == JsonValueKind.Object && deployment.TryGetProperty("existingToken", out var existing) && existing.GetBoolean(),
                TokenSettings = deployment.ValueKind == JsonValueKind.Object && deployment.TryGetProperty("token", out var token) ? ReadToken(token) : null,
                Pending = deployment.ValueKind == JsonValueKind.Object && deployment.TryGetProperty("pending", out var pending) && pending.ValueKind == JsonValueKind.Object ? ReadPending(pending) : null,
                InitialRegistryParameters = parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("registry", out var r)
                    ? DeploymentConfig.Parse($$"""{ "registry": {{r.GetRawText()}} }""", source).Registry
                    : InitialRegistryParameters.Default,
                InitialGovernanceParameters = parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("governance", out var g)
                    ? DeploymentConfig.Parse($$"""{ "governance": {{g.GetRawText()}} }""", source).Governance
                    : InitialGovernanceParameters.Default,
                Token = DeploymentManifest.Contract(contracts, "token", source),
                Voting = DeploymentManifest.Contract(contracts, "voting", source),
                Registry = DeploymentManifest.Contract(contracts, "registry", source),
                Governor = DeploymentManifest.Contract(contracts, "governor", source),
                Rpc = root.TryGetProperty("rpc", out var rpc) ? rpc.GetString() : null,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or DeploymentConfigException)
        {
            throw new DeploymentManifestException(source, $"is not a readable deployment manifest ({e.Message}); fix it or move it away", e);
        }
    }

    /// <summary>The manifest as indented JSON (format 1 with the additions above).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("format", DeploymentManifest.Format);
            w.WriteString("network", Network);
            w.WriteNumber("chainId", ChainId);
            w.WriteStartObject("contracts");
            WriteContract(w, "token", Token);
            WriteContract(w, "voting", Voting);
            WriteContract(w, "registry", Registry);
            WriteContract(w, "governor", Governor);
            w.WriteEndObject();
            w.WriteStartObject("parameters");
            w.WriteStartObject("registry");
            WriteParameters(w, InitialRegistryParameters.Entries());
            w.WriteEndObject();
            w.WriteStartObject("governance");
            WriteParameters(w, InitialGovernanceParameters.Entries());
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("deployment");
            w.WriteString("status", IsComplete ? "complete" : "incomplete");
            if (Deployer is { } deployer)
            {
                w.WriteString("deployer", deployer.ToString());
            }

            w.WriteBoolean("existingToken", ExistingToken);
            if (TokenSettings is { } t)
            {
                w.WriteStartObject("token");
                w.WriteString("name", t.Name);
                w.WriteString("symbol", t.Symbol);
                w.WriteString("supply", t.Supply.ToString());
                if (t.Holder is { } holder)
                {
                    w.WriteString("holder", holder.ToString());
                }

                w.WriteEndObject();
            }

            if (Pending is { } pending)
            {
                w.WriteStartObject("pending");
                w.WriteString("step", Name(pending.Step));
                w.WriteNumber("nonce", pending.Nonce);
                w.WriteString("transactionHash", pending.TransactionHash.ToString());
                w.WriteString("address", pending.Address.ToString());
                w.WriteString("rawTransaction", pending.RawTransaction);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            if (Rpc is not null)
            {
                w.WriteString("rpc", Rpc);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>
    /// Writes the manifest atomically: to a temporary file in the same folder, flushed to disk, then renamed over
    /// <paramref name="path"/>, so a crash leaves either the old or the new manifest, never half of one.
    /// </summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = $"{full}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.tmp";
        var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            // Not cancellable once started: a half-written temporary file is harmless, but a skipped rename is not.
            await stream.WriteAsync(Encoding.UTF8.GetBytes(ToJson()), CancellationToken.None).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, full, overwrite: true);
    }

    internal static string Name(DeploymentStep step) => step switch
    {
        DeploymentStep.Token => "token",
        DeploymentStep.Voting => "voting",
        _ => "registry",
    };

    private static DeploymentStep StepNamed(string name) => name switch
    {
        "token" => DeploymentStep.Token,
        "voting" => DeploymentStep.Voting,
        "registry" => DeploymentStep.Registry,
        _ => throw new FormatException($"unknown step \"{name}\""),
    };

    private static void WriteParameters(Utf8JsonWriter w, IEnumerable<(string Key, TcrToolkit.Registry.ParameterInfo Info, UInt256 Value)> entries)
    {
        foreach (var (key, info, value) in entries)
        {
            // Token amounts exceed a double's precision: strings, as scripts/lib/deploy.mjs writes them.
            if (info.Unit == TcrToolkit.Registry.ParameterUnit.Tokens)
            {
                w.WriteString(key, value.ToString());
            }
            else
            {
                w.WriteNumber(key, (ulong)value);
            }
        }
    }

    private static void WriteContract(Utf8JsonWriter w, string name, DeployedContract? contract)
    {
        if (contract is null)
        {
            return;
        }

        w.WriteStartObject(name);
        w.WriteString("address", contract.Address.ToString());
        if (contract.TransactionHash is { } hash)
        {
            w.WriteString("transactionHash", hash.ToString());
        }

        if (contract.BlockNumber is { } block)
        {
            w.WriteNumber("blockNumber", block);
        }

        if (contract.CodeHash is { } codeHash)
        {
            w.WriteString("codeHash", codeHash.ToString());
        }

        if (contract.Nonce is { } nonce)
        {
            w.WriteNumber("nonce", nonce);
        }

        w.WriteEndObject();
    }

    private static TokenSettings ReadToken(JsonElement e) => new(
        e.GetProperty("name").GetString()!,
        e.GetProperty("symbol").GetString()!,
        UInt256.Parse(e.GetProperty("supply").GetString()!),
        e.TryGetProperty("holder", out var holder) ? Address.Parse(holder.GetString()!) : null);

    private static PendingDeployment ReadPending(JsonElement e) => new(
        StepNamed(e.GetProperty("step").GetString()!),
        e.GetProperty("nonce").GetUInt64(),
        Bytes32.Parse(e.GetProperty("transactionHash").GetString()!),
        Address.Parse(e.GetProperty("address").GetString()!),
        e.GetProperty("rawTransaction").GetString()!);
}
