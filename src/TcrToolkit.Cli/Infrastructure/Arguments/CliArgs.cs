using System.CommandLine;
using System.CommandLine.Parsing;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Cli.Infrastructure.Arguments;

/// <summary>
/// Arguments and options of the types registry commands share, parsed and checked while the command line is parsed:
/// a malformed value fails with one sentence and exit code 2 before anything else runs.
/// </summary>
public static class CliArgs
{
    /// <summary>A positional address argument (EIP-55 checksummed, all lower or all upper case).</summary>
    /// <param name="name">Its name in help, for example <c>account</c>.</param>
    /// <param name="description">Help text.</param>
    public static Argument<Address> Address(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => ParseAddress(result, $"<{name}>"),
    };

    /// <summary>An address option, for example <c>--to</c>.</summary>
    /// <param name="name">The option name with its dashes.</param>
    /// <param name="description">Help text.</param>
    public static Option<Address?> AddressOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "address",
        CustomParser = result => ParseAddress(result, name),
    };

    /// <summary>A positional node id: the bytes32 id of a mail server listing, <c>0x</c> and 64 hex digits.</summary>
    /// <param name="name">Its name in help; <c>node-id</c> by default.</param>
    /// <param name="description">Help text.</param>
    public static Argument<Bytes32> NodeId(string name = "node-id", string description = "The listing's node id: 0x and 64 hex digits") => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (text.Length == 66 && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    return Bytes32.Parse(text);
                }
                catch (FormatException)
                {
                    // Reported below with the same sentence as a wrong length.
                }
            }

            result.AddError($"<{name}> '{Shorten(text)}' is not a node id; a node id is 0x followed by 64 hex digits (see `tcr listing list`).");
            return default;
        },
    };

    /// <summary>A token amount in whole tokens with up to 18 decimals (<c>100</c>, <c>0.5</c>), parsed to base units.</summary>
    /// <param name="name">Its name in help, for example <c>amount</c>.</param>
    /// <param name="description">Help text.</param>
    public static Argument<UInt256> TokenAmount(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            try
            {
                return EthUnits.ParseEther(text);
            }
            catch (FormatException)
            {
                result.AddError($"<{name}> '{Shorten(text)}' is not a token amount; give whole tokens with up to 18 decimals, like 100 or 0.5.");
                return default;
            }
        },
    };

    /// <summary>Parses an address token of an argument or option; adds a parse error (and returns zero) when malformed.</summary>
    /// <param name="result">The argument result.</param>
    /// <param name="shownName">How the value is named in the error, for example <c>&lt;to&gt;</c>.</param>
    public static Address ParseAddressArgument(ArgumentResult result, string shownName) => ParseAddress(result, shownName);

    private static Address ParseAddress(ArgumentResult result, string shownName)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (Ethereum.Address.TryParse(text, out var address))
        {
            return address;
        }

        var why = text.Length == 42 && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Skip(2).All(char.IsAsciiHexDigit)
            ? "its mixed-case EIP-55 checksum is wrong"
            : "an address is 0x followed by 40 hex digits";
        result.AddError($"{shownName} '{Shorten(text)}' is not a valid address: {why}; check it was copied whole.");
        return default;
    }

    // Long junk (a pasted key?) is not echoed whole.
    private static string Shorten(string text) => text.Length <= 70 ? text : text[..12] + "…";
}
