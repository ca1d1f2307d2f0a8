namespace TcrToolkit.Ethereum;

/// <summary>Named ether denominations, by their number of decimals relative to wei.</summary>
public enum EthUnit
{
    /// <summary>1 wei.</summary>
    Wei = 0,

    /// <summary>10^3 wei.</summary>
    Kwei = 3,

    /// <summary>10^6 wei.</summary>
    Mwei = 6,

    /// <summary>10^9 wei, the usual unit for gas prices.</summary>
    Gwei = 9,

    /// <summary>10^12 wei.</summary>
    Szabo = 12,

    /// <summary>10^15 wei.</summary>
    Finney = 15,

    /// <summary>10^18 wei.</summary>
    Ether = 18,
}

/// <summary>
/// Exact conversion between decimal amount text (such as <c>"1.5"</c> ether) and integer base units (wei).
/// Never rounds: text with more significant fractional digits than the unit allows is rejected.
/// </summary>
public static class EthUnits
{
    /// <summary>The largest number of decimals supported; 10^77 is the largest power of ten below 2^256.</summary>
    public const int MaxDecimals = 77;

    /// <summary>Parses an ether amount into wei, for example <c>"0.01"</c> to 10^16.</summary>
    /// <exception cref="NumberFormatException">The text is malformed, too precise or too large.</exception>
    public static UInt256 ParseEther(ReadOnlySpan<char> amount) => Parse(amount, EthUnit.Ether);

    /// <summary>Parses a gwei amount into wei, for example <c>"1.5"</c> to 1,500,000,000.</summary>
    /// <exception cref="NumberFormatException">The text is malformed, too precise or too large.</exception>
    public static UInt256 ParseGwei(ReadOnlySpan<char> amount) => Parse(amount, EthUnit.Gwei);

    /// <summary>Formats wei as an ether amount, for example 1.5 * 10^18 to <c>"1.5"</c>.</summary>
    public static string FormatEther(UInt256 wei) => Format(wei, EthUnit.Ether);

    /// <summary>Formats wei as a gwei amount.</summary>
    public static string FormatGwei(UInt256 wei) => Format(wei, EthUnit.Gwei);

    /// <summary>Parses an amount in <paramref name="unit"/> into wei.</summary>
    /// <exception cref="NumberFormatException">The text is malformed, too precise or too large.</exception>
    public static UInt256 Parse(ReadOnlySpan<char> amount, EthUnit unit) => Parse(amount, (int)unit);

    /// <summary>
    /// Parses decimal text with up to <paramref name="decimals"/> fractional digits into base units: digits, optionally
    /// followed by a point and more digits (<c>"12"</c>, <c>"0.5"</c>). Extra fractional digits are accepted only when
    /// they are zeros. No sign, exponent, spaces or separators.
    /// </summary>
    /// <exception cref="NumberFormatException">The text is malformed, too precise or too large.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decimals"/> is outside 0 .. 77.</exception>
    public static UInt256 Parse(ReadOnlySpan<char> amount, int decimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decimals, MaxDecimals);
        if (amount.IsEmpty)
        {
            throw new NumberFormatException("Amount text is empty.");
        }

        var point = amount.IndexOf('.');
        var whole = point < 0 ? amount : amount[..point];
        var fraction = point < 0 ? [] : amount[(point + 1)..];
        if (whole.IsEmpty)
        {
            throw new NumberFormatException("Amount has no digits before the decimal point; write '0.5', not '.5'.", 0);
        }

        if (point >= 0 && fraction.IsEmpty)
        {
            throw new NumberFormatException("Amount has no digits after the decimal point; write '1' or '1.0', not '1.'.", point);
        }

        var value = UInt256.Zero;
        for (var i = 0; i < whole.Length; i++)
        {
            value = AppendDigit(value, whole[i], i);
        }

        var significant = fraction.Length;
        while (significant > decimals && fraction[significant - 1] == '0')
        {
            significant--;
        }

        for (var i = 0; i < fraction.Length; i++)
        {
            if (fraction[i] is < '0' or > '9')
            {
                throw InvalidDigit(fraction[i], point + 1 + i);
            }
        }

        if (significant > decimals)
        {
            throw new NumberFormatException(
                $"Amount has {significant} significant fractional digits but only {decimals} fit in the base unit; it cannot be represented exactly.",
                point + 1 + decimals);
        }

        for (var i = 0; i < decimals; i++)
        {
            var digit = i < significant ? fraction[i] : '0';
            value = AppendDigit(value, digit, point + 1 + i);
        }

        return value;
    }

    /// <summary>Formats wei as an amount in <paramref name="unit"/>.</summary>
    public static string Format(UInt256 value, EthUnit unit) => Format(value, (int)unit);

    /// <summary>
    /// Formats base units as the shortest exact decimal text: no trailing fractional zeros and no point for whole
    /// amounts (10^18 with 18 decimals is <c>"1"</c>, 1 is <c>"0.000000000000000001"</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decimals"/> is outside 0 .. 77.</exception>
    public static string Format(UInt256 value, int decimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decimals, MaxDecimals);
        var digits = value.ToString();
        if (decimals == 0)
        {
            return digits;
        }

        if (digits.Length <= decimals)
        {
            digits = new string('0', decimals - digits.Length + 1) + digits;
        }

        var whole = digits[..^decimals];
        var fraction = digits[^decimals..].TrimEnd('0');
        return fraction.Length == 0 ? whole : $"{whole}.{fraction}";
    }

    private static UInt256 AppendDigit(UInt256 value, char c, int position)
    {
        if (c is < '0' or > '9')
        {
            throw InvalidDigit(c, position);
        }

        return value.TryMultiplyAdd(10, (ulong)(c - '0'), out var result)
            ? result
            : throw new NumberFormatException("Amount exceeds 2^256 - 1 base units.", position);
    }

    private static NumberFormatException InvalidDigit(char c, int position) =>
        new($"Invalid character {Hex.Describe(c)} at position {position} of the amount; expected digits and at most one '.', with no sign, exponent or separators.", position);
}
