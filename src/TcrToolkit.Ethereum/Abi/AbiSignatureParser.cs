using System.Globalization;

namespace TcrToolkit.Ethereum.Abi;

/// <summary>
/// Recursive-descent parser for ABI type strings and human-readable signatures such as
/// <c>transfer(address to, uint256 amount)</c> or <c>Transfer(address indexed from, address indexed to, uint256)</c>.
/// </summary>
internal ref struct AbiSignatureParser
{
    private readonly string _text;
    private int _position;

    private AbiSignatureParser(string text)
    {
        _text = text;
        _position = 0;
    }

    public static AbiType ParseType(string text)
    {
        var parser = new AbiSignatureParser(text);
        var type = parser.Type();
        parser.SkipSpaces();
        parser.ExpectEnd("type");
        return type;
    }

    /// <summary>Parses <c>name(params)</c>; an empty name is allowed for constructors written <c>constructor(...)</c>.</summary>
    public static (string Name, IReadOnlyList<AbiParameter> Parameters) ParseSignature(string text, bool allowIndexed)
    {
        var parser = new AbiSignatureParser(text);
        parser.SkipSpaces();
        var name = parser.Identifier();
        if (name.Length == 0)
        {
            throw parser.Error("expected a name before '('");
        }

        parser.SkipSpaces();
        var parameters = parser.ParameterList(allowIndexed);
        parser.SkipSpaces();
        parser.ExpectEnd("signature");
        return (name, parameters);
    }

    /// <summary>Builds a type from a JSON ABI <c>type</c> string whose tuples take their members from <c>components</c>.</summary>
    public static AbiType FromJsonType(string type, IReadOnlyList<AbiParameter>? components)
    {
        if (!type.StartsWith("tuple", StringComparison.Ordinal))
        {
            if (components is { Count: > 0 })
            {
                throw new AbiFormatException($"ABI type '{type}' has components, but only tuple types take components.");
            }

            return ParseType(type);
        }

        if (components is null)
        {
            throw new AbiFormatException($"ABI type '{type}' is a tuple but has no 'components'.");
        }

        var parser = new AbiSignatureParser(type) { _position = "tuple".Length };
        var result = parser.ArraySuffixes(AbiType.Tuple(components));
        parser.ExpectEnd("type");
        return result;
    }

    private AbiType Type()
    {
        SkipSpaces();
        AbiType baseType;
        if (Peek() == '(')
        {
            baseType = AbiType.Tuple(ParameterList(allowIndexed: false));
        }
        else
        {
            var start = _position;
            var word = Identifier();
            if (word == "tuple" && Peek() == '(')
            {
                baseType = AbiType.Tuple(ParameterList(allowIndexed: false));
            }
            else
            {
                baseType = Elementary(word, start);
            }
        }

        return ArraySuffixes(baseType);
    }

    private AbiType ArraySuffixes(AbiType type)
    {
        while (Peek() == '[')
        {
            var open = _position++;
            var digitsStart = _position;
            while (char.IsAsciiDigit(Peek()))
            {
                _position++;
            }

            var digits = _text.AsSpan(digitsStart, _position - digitsStart);
            if (Peek() != ']')
            {
                throw Error("expected ']' to close the array suffix");
            }

            _position++;
            if (digits.IsEmpty)
            {
                type = AbiType.Array(type);
                continue;
            }

            if ((digits.Length > 1 && digits[0] == '0') ||
                !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length == 0)
            {
                throw new AbiFormatException(
                    $"Invalid fixed array length '{digits}' at position {open} of '{_text}'; lengths are positive decimal numbers without leading zeros.",
                    open);
            }

            type = AbiType.FixedArray(type, length);
        }

        return type;
    }

    private List<AbiParameter> ParameterList(bool allowIndexed)
    {
        if (Peek() != '(')
        {
            throw Error("expected '('");
        }

        _position++;
        var parameters = new List<AbiParameter>();
        SkipSpaces();
        if (Peek() == ')')
        {
            _position++;
            return parameters;
        }

        while (true)
        {
            var type = Type();
            SkipSpaces();
            var indexed = false;
            var name = "";
            var word = Identifier();
            if (word == "indexed")
            {
                if (!allowIndexed)
                {
                    throw Error("'indexed' is only allowed on event parameters");
                }

                indexed = true;
                SkipSpaces();
                word = Identifier();
            }

            if (word.Length > 0)
            {
                name = word;
                SkipSpaces();
            }

            parameters.Add(new AbiParameter(name, type, indexed));
            var c = Peek();
            _position++;
            if (c == ')')
            {
                return parameters;
            }

            if (c != ',')
            {
                _position--;
                throw Error("expected ',' or ')' after a parameter");
            }
        }
    }

    private AbiType Elementary(string word, int start)
    {
        switch (word)
        {
            case "address":
                return AbiType.Address;
            case "bool":
                return AbiType.Bool;
            case "string":
                return AbiType.String;
            case "bytes":
                return AbiType.Bytes;
            case "uint":
                return AbiType.UInt256;
            case "int":
                return AbiType.Int256;
            case "":
                throw Error("expected a type");
        }

        if (TrySuffix(word, "uint", out var bits) || TrySuffix(word, "int", out bits))
        {
            if (bits is >= 8 and <= 256 && bits % 8 == 0)
            {
                return word[0] == 'u' ? AbiType.UInt(bits) : AbiType.Int(bits);
            }

            throw new AbiFormatException(
                $"Invalid integer type '{word}' at position {start} of '{_text}'; widths are multiples of 8 from 8 to 256.", start);
        }

        if (TrySuffix(word, "bytes", out var size))
        {
            if (size is >= 1 and <= 32)
            {
                return AbiType.FixedBytes(size);
            }

            throw new AbiFormatException(
                $"Invalid fixed-size bytes type '{word}' at position {start} of '{_text}'; sizes run from bytes1 to bytes32.", start);
        }

        throw new AbiFormatException(
            $"Unknown ABI type '{word}' at position {start} of '{_text}'; expected uint<M>, int<M>, address, bool, bytes<M>, bytes, string or a tuple.",
            start);
    }

    private static bool TrySuffix(string word, string prefix, out int number)
    {
        number = 0;
        if (!word.StartsWith(prefix, StringComparison.Ordinal) || word.Length == prefix.Length || word.Length > prefix.Length + 3)
        {
            return false;
        }

        var digits = word.AsSpan(prefix.Length);
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        // A leading zero (uint08) is not canonical; report it as an invalid width.
        number = digits[0] == '0' ? -1 : int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    private string Identifier()
    {
        var start = _position;
        while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] is '_' or '$'))
        {
            _position++;
        }

        return _text[start.._position];
    }

    private readonly char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void SkipSpaces()
    {
        while (_position < _text.Length && _text[_position] == ' ')
        {
            _position++;
        }
    }

    private readonly void ExpectEnd(string what)
    {
        if (_position != _text.Length)
        {
            throw Error($"unexpected text after the {what}");
        }
    }

    private readonly AbiFormatException Error(string problem)
    {
        var found = _position < _text.Length ? $"'{_text[_position]}'" : "the end";
        return new AbiFormatException($"Invalid ABI text '{_text}': {problem} at position {_position} (found {found}).", _position);
    }
}
