using System.Globalization;
using System.Text.Json;
using TcrToolkit.Ethereum;
using TcrToolkit.Registry;

namespace TcrToolkit.Deployment;

/// <summary>The registry's initial parameters (<c>TcrParameters.Registry</c>); amounts in token units, times in seconds.</summary>
/// <param name="MinDeposit">Tokens a listing must hold; also the challenge stake.</param>
/// <param name="ApplyStageLength">Seconds an application waits before it can be listed.</param>
/// <param name="CommitStageLength">Commit stage of a challenge, in seconds.</param>
/// <param name="RevealStageLength">Reveal stage of a challenge, in seconds.</param>
/// <param name="DispensationPct">Percent of the loser's stake paid to the winner.</param>
/// <param name="VoteQuorum">Percent of the snapshot supply that must reveal.</param>
/// <param name="PassThreshold">Percent of revealed weight a challenge must strictly exceed.</param>
/// <param name="ExitDelay">Seconds between initExit and the earliest finalizeExit.</param>
/// <param name="ExitWindow">Seconds after the delay during which finalizeExit is allowed.</param>
public sealed record InitialRegistryParameters(
    UInt256 MinDeposit,
    ulong ApplyStageLength,
    ulong CommitStageLength,
    ulong RevealStageLength,
    ulong DispensationPct,
    ulong VoteQuorum,
    ulong PassThreshold,
    ulong ExitDelay,
    ulong ExitWindow)
{
    /// <summary>The defaults of <c>scripts/lib/deploy.mjs</c>: short stages that suit a devnet.</summary>
    public static InitialRegistryParameters Default { get; } = new(EthUnits.ParseEther("100"), 600, 600, 600, 50, 10, 50, 600, 3600);

    /// <summary>Each parameter as (JSON key, catalog entry, value), in the contract's order.</summary>
    public IEnumerable<(string Key, ParameterInfo Info, UInt256 Value)> Entries()
    {
        yield return ("minDeposit", TcrParameterCatalog.Get(ParameterName.MinDeposit), MinDeposit);
        yield return ("applyStageLength", TcrParameterCatalog.Get(ParameterName.ApplyStageLength), ApplyStageLength);
        yield return ("commitStageLength", TcrParameterCatalog.Get(ParameterName.CommitStageLength), CommitStageLength);
        yield return ("revealStageLength", TcrParameterCatalog.Get(ParameterName.RevealStageLength), RevealStageLength);
        yield return ("dispensationPct", TcrParameterCatalog.Get(ParameterName.DispensationPct), DispensationPct);
        yield return ("voteQuorum", TcrParameterCatalog.Get(ParameterName.VoteQuorum), VoteQuorum);
        yield return ("passThreshold", TcrParameterCatalog.Get(ParameterName.PassThreshold), PassThreshold);
        yield return ("exitDelay", TcrParameterCatalog.Get(ParameterName.ExitDelay), ExitDelay);
        yield return ("exitWindow", TcrParameterCatalog.Get(ParameterName.ExitWindow), ExitWindow);
    }
}

/// <summary>The parameter governor's initial parameters (<c>TcrParameters.Governance</c>).</summary>
/// <param name="MinDeposit">Deposit of a parameter proposal; also the stake to challenge one.</param>
/// <param name="ApplyStageLength">Seconds a proposal can be challenged.</param>
/// <param name="CommitStageLength">Commit stage of a vote on a proposal, in seconds.</param>
/// <param name="RevealStageLength">Reveal stage of a vote on a proposal, in seconds.</param>
/// <param name="ProcessWindow">Seconds after a proposal becomes processable before it expires.</param>
/// <param name="DispensationPct">Percent of the loser's stake paid to the winner.</param>
/// <param name="VoteQuorum">Percent of the snapshot supply that must reveal.</param>
/// <param name="PassThreshold">Percent of revealed weight a challenge must strictly exceed.</param>
public sealed record InitialGovernanceParameters(
    UInt256 MinDeposit,
    ulong ApplyStageLength,
    ulong CommitStageLength,
    ulong RevealStageLength,
    ulong ProcessWindow,
    ulong DispensationPct,
    ulong VoteQuorum,
    ulong PassThreshold)
{
    /// <summary>The defaults of <c>scripts/lib/deploy.mjs</c>.</summary>
    public static InitialGovernanceParameters Default { get; } = new(EthUnits.ParseEther("200"), 600, 600, 600, 3600, 50, 10, 50);

    /// <summary>Each parameter as (JSON key, catalog entry, value), in the contract's order.</summary>
    public IEnumerable<(string Key, ParameterInfo Info, UInt256 Value)> Entries()
    {
        yield return ("minDeposit", TcrParameterCatalog.Get(ParameterName.GovMinDeposit), MinDeposit);
        yield return ("applyStageLength", TcrParameterCatalog.Get(ParameterName.GovApplyStageLength), ApplyStageLength);
        yield return ("commitStageLength", TcrParameterCatalog.Get(ParameterName.GovCommitStageLength), CommitStageLength);
        yield return ("revealStageLength", TcrParameterCatalog.Get(ParameterName.GovRevealStageLength), RevealStageLength);
        yield return ("processWindow", TcrParameterCatalog.Get(ParameterName.GovProcessWindow), ProcessWindow);
        yield return ("dispensationPct", TcrParameterCatalog.Get(ParameterName.GovDispensationPct), DispensationPct);
        yield return ("voteQuorum", TcrParameterCatalog.Get(ParameterName.GovVoteQuorum), VoteQuorum);
        yield return ("passThreshold", TcrParameterCatalog.Get(ParameterName.GovPassThreshold), PassThreshold);
    }
}

/// <summary>The token the deployment creates: ERC-20 name and symbol, and the whole supply minted to one holder.</summary>
/// <param name="Name">The ERC-20 name (also the EIP-712 domain name of permits).</param>
/// <param name="Symbol">The ERC-20 symbol.</param>
/// <param name="Supply">The whole supply, in the smallest unit (18 decimals).</param>
/// <param name="Holder">Who receives the supply; <c>null</c> for the deploying account.</param>
public sealed record TokenSettings(string Name, string Symbol, UInt256 Supply, Address? Holder = null)
{
    /// <summary>The token of <c>scripts/lib/deploy.mjs</c>: "Mail Server Token" (MST), 10 million tokens to the deployer.</summary>
    public static TokenSettings Default { get; } = new("Mail Server Token", "MST", EthUnits.ParseEther("10000000"));
}

/// <summary>
/// What to deploy: the registry's and governor's initial parameters, and either a new token or an existing ERC20Votes
/// token. Read from JSON with <see cref="Load"/> or <see cref="Parse"/>; see <c>deployments/config.example.json</c>.
/// </summary>
/// <remarks>
/// JSON shape (every field optional; omitted parameters take <see cref="InitialRegistryParameters.Default"/> and
/// <see cref="InitialGovernanceParameters.Default"/>; unknown fields are errors so that a typo is not silently ignored):
/// <code>
/// { "token": { "name": "Mail Server Token", "symbol": "MST", "supply": "10000000000000000000000000", "holder": "0x…" },
///   // or, to use an existing ERC20Votes token: "token": { "address": "0x…" }
///   "registry": { "minDeposit": "100000000000000000000", "applyStageLength": 600, … },
///   "governance": { "minDeposit": "200000000000000000000", "processWindow": 3600, … } }
/// </code>
/// Integers are JSON numbers or decimal strings (token amounts exceed a double's precision: use strings).
/// </remarks>
/// <param name="Registry">The registry's initial parameters.</param>
/// <param name="Governance">The governor's initial parameters.</param>
/// <param name="Token">The token to deploy; ignored when <paramref name="ExistingToken"/> is set.</param>
/// <param name="ExistingToken">An already deployed ERC20Votes token to use instead of deploying one.</param>
public sealed record DeploymentConfig(
    InitialRegistryParameters Registry,
    InitialGovernanceParameters Governance,
    TokenSettings Token,
    Address? ExistingToken = null)
{
    private static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The defaults of <c>scripts/lib/deploy.mjs</c> (a new token, devnet-length stages).</summary>
    public static DeploymentConfig Default { get; } = new(InitialRegistryParameters.Default, InitialGovernanceParameters.Default, TokenSettings.Default);

    /// <summary>Reads a configuration file and validates it.</summary>
    /// <exception cref="DeploymentConfigException">The file is unreadable, not JSON, or a field is malformed or out of bounds.</exception>
    public static DeploymentConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DeploymentConfigException("(file)", $"The deployment config {path} cannot be read ({e.Message}); check the path.", e);
        }

        return Parse(text, $"deployment config {path}");
    }

    /// <summary>Parses configuration JSON and validates it; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="DeploymentConfigException">Not JSON, or a field is malformed or out of bounds.</exception>
    public static DeploymentConfig Parse(string json, string source = "deployment config")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new DeploymentConfigException("(file)", $"The {source} is not valid JSON ({e.Message}); fix the syntax.", e);
        }

        using (document)
        {
            var root = Object(document.RootElement, "(root)");
            Known(root, "", "$schema", "token", "registry", "governance");
            var registry = Section(root, "registry", InitialRegistryParameters.Default.Entries()) is { } r
                ? new InitialRegistryParameters(
                    r.Amount("minDeposit"),
                    r.Integer("applyStageLength"),
                    r.Integer("commitStageLength"),
                    r.Integer("revealStageLength"),
                    r.Integer("dispensationPct"),
                    r.Integer("voteQuorum"),
                    r.Integer("passThreshold"),
                    r.Integer("exitDelay"),
                    r.Integer("exitWindow"))
                : InitialRegistryParameters.Default;
            var governance = Section(root, "governance", InitialGovernanceParameters.Default.Entries()) is { } g
                ? new InitialGovernanceParameters(
                    g.Amount("minDeposit"),
                    g.Integer("applyStageLength"),
                    g.Integer("commitStageLength"),
                    g.Integer("revealStageLength"),
                    g.Integer("processWindow"),
                    g.Integer("dispensationPct"),
                    g.Integer("voteQuorum"),
                    g.Integer("passThreshold"))
                : InitialGovernanceParameters.Default;

            var token = TokenSettings.Default;
            Address? existing = null;
            if (root.TryGetProperty("token", out var t))
            {
                var o = Object(t, "token");
                if (o.TryGetProperty("address", out var address))
                {
                    Known(o, "token.", "address");
                    existing = AddressField(address, "token.address");
                }
                else
                {
                    Known(o, "token.", "name", "symbol", "supply", "holder");
                    var d = TokenSettings.Default;
                    token = new TokenSettings(
                        Text(o, "token", "name", d.Name),
                        Text(o, "token", "symbol", d.Symbol),
                        Amount(o, "token", "supply", d.Supply),
                        o.TryGetProperty("holder", out var holder) && holder.ValueKind != JsonValueKind.Null ? AddressField(holder, "token.holder") : null);
                }
            }

            var config = new DeploymentConfig(registry, governance, token, existing);
            config.Validate();
            return config;
        }
    }

    /// <summary>
    /// Checks every parameter against the bounds of <see cref="TcrParameterCatalog"/> (the contracts' own bounds) and
    /// the token settings, so that a deployment never fails in a constructor.
    /// </summary>
    /// <exception cref="DeploymentConfigException">The first field out of bounds, named with its value and the allowed range.</exception>
    public void Validate()
    {
        foreach (var (key, info, value) in Registry.Entries())
        {
            Check($"registry.{key}", info, value);
        }

        foreach (var (key, info, value) in Governance.Entries())
        {
            Check($"governance.{key}", info, value);
        }

        if (ExistingToken is null)
        {
            if (string.IsNullOrWhiteSpace(Token.Name))
            {
                throw new DeploymentConfigException("token.name", "token.name is empty but must name the token, for example \"Mail Server Token\"; fix token.name in the deployment config.");
            }

            if (string.IsNullOrWhiteSpace(Token.Symbol))
            {
                throw new DeploymentConfigException("token.symbol", "token.symbol is empty but must be the token's symbol, for example \"MST\"; fix token.symbol in the deployment config.");
            }

            // ERC20Votes caps the supply at 2^208 - 1; zero would leave nobody able to deposit or vote.
            var maxSupply = (UInt256)((System.Numerics.BigInteger.One << 208) - 1);
            if (Token.Supply == UInt256.Zero || Token.Supply > maxSupply)
            {
                throw new DeploymentConfigException("token.supply", $"token.supply is {Token.Supply} but must be between 1 and {maxSupply} (2^208 - 1, the ERC20Votes cap); fix token.supply in the deployment config.");
            }

            if (Token.Holder == Address.Zero)
            {
                throw new DeploymentConfigException("token.holder", "token.holder is the zero address, which cannot receive tokens; give an account or omit it for the deployer.");
            }
        }
        else if (ExistingToken == Address.Zero)
        {
            throw new DeploymentConfigException("token.address", "token.address is the zero address but must be a deployed ERC20Votes token; fix token.address in the deployment config.");
        }
    }

    private static void Check(string field, ParameterInfo info, UInt256 value)
    {
        if (value < info.Min || value > info.Max)
        {
            throw new DeploymentConfigException(field, $"{field} is {value} but must be between {info.Min} and {info.Max} ({info.Describe(info.Min)} to {info.Describe(info.Max)}); fix {field} in the deployment config.");
        }
    }

    /// <summary>
    /// The parameter section <paramref name="name"/> of the file, checked to hold only the keys of
    /// <paramref name="defaults"/>, or <c>null</c> when the file has none; a key it leaves out keeps its default.
    /// </summary>
    private static ParameterSection? Section(JsonElement root, string name, IEnumerable<(string Key, ParameterInfo Info, UInt256 Value)> defaults)
    {
        if (!root.TryGetProperty(name, out var element))
        {
            return null;
        }

        var o = Object(element, name);
        var entries = defaults.ToArray();
        Known(o, name + ".", entries.Select(e => e.Key).ToArray());
        return new ParameterSection(o, name, entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));
    }

    private static JsonElement Object(JsonElement element, string field) =>
        element.ValueKind == JsonValueKind.Object
            ? element
            : throw new DeploymentConfigException(field, $"{field} is {element.GetRawText()} but must be a JSON object; fix {field} in the deployment config.");

    private static void Known(JsonElement element, string prefix, params string[] keys)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!keys.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new DeploymentConfigException(prefix + property.Name, $"{prefix}{property.Name} is not a known field; the fields here are {string.Join(", ", keys)}.");
            }
        }
    }

    private static string Text(JsonElement o, string section, string key, string fallback)
    {
        if (!o.TryGetProperty(key, out var value))
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new DeploymentConfigException($"{section}.{key}", $"{section}.{key} is {value.GetRawText()} but must be a string; fix {section}.{key} in the deployment config.");
    }

    private static UInt256 Amount(JsonElement o, string section, string key, UInt256 fallback)
    {
        if (!o.TryGetProperty(key, out var value))
        {
            return fallback;
        }

        var field = $"{section}.{key}";
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!.Trim(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return text is not null && text.Length > 0 && text.All(char.IsAsciiDigit) && UInt256.TryParse(text, CultureInfo.InvariantCulture, out var amount)
            ? amount
            : throw new DeploymentConfigException(field, $"{field} is {value.GetRawText()} but must be a non-negative integer in the token's smallest unit, as a decimal string (for example \"100000000000000000000\" for 100 tokens); fix {field} in the deployment config.");
    }

    private static ulong Integer(JsonElement o, string section, string key, ulong fallback)
    {
        var amount = Amount(o, section, key, fallback);
        var field = $"{section}.{key}";
        return amount.FitsInUInt64
            ? (ulong)amount
            : throw new DeploymentConfigException(field, $"{field} is {amount} but must be between {TcrParameterCatalog.Get(GovernanceKey(section, key)).Min} and {TcrParameterCatalog.Get(GovernanceKey(section, key)).Max}; fix {field} in the deployment config.");
    }

    private static string GovernanceKey(string section, string key) =>
        section == "governance" ? "gov" + char.ToUpperInvariant(key[0]) + key[1..] : key;

    private static Address AddressField(JsonElement value, string field) =>
        value.ValueKind == JsonValueKind.String && Address.TryParse(value.GetString(), null, out var address)
            ? address
            : throw new DeploymentConfigException(field, $"{field} is {value.GetRawText()} but must be a 0x-prefixed 20-byte address; fix {field} in the deployment config.");

    /// <summary>One parameter section of the file, read key by key with the section's defaults.</summary>
    private sealed class ParameterSection(JsonElement section, string name, Dictionary<string, UInt256> defaults)
    {
        public UInt256 Amount(string key) => DeploymentConfig.Amount(section, name, key, defaults[key]);

        public ulong Integer(string key) => DeploymentConfig.Integer(section, name, key, (ulong)defaults[key]);
    }
}
