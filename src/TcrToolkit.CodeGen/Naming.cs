namespace TcrToolkit.CodeGen;

/// <summary>C# identifiers from Solidity names.</summary>
internal static class Naming
{
    private static readonly HashSet<string> Keywords =
    [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    ];

    /// <summary><c>_token</c>, <c>token_</c> → <c>Token</c>; <c>minDeposit</c> → <c>MinDeposit</c>.</summary>
    public static string Pascal(string name)
    {
        var trimmed = name.Trim('_');
        if (trimmed.Length == 0)
        {
            return "";
        }

        var parts = trimmed.Split('_', StringSplitOptions.RemoveEmptyEntries);
        return string.Concat(parts.Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    /// <summary>A camelCase parameter name, escaped with <c>@</c> when it is a keyword.</summary>
    public static string Camel(string name)
    {
        var pascal = Pascal(name);
        if (pascal.Length == 0)
        {
            return "";
        }

        // Leading acronyms stay readable: "ID" → "id", "URLValue" stays "urlValue" only in part; keep it simple.
        var camel = char.ToLowerInvariant(pascal[0]) + pascal[1..];
        return camel;
    }

    /// <summary>Escapes a keyword with <c>@</c>.</summary>
    public static string Escape(string identifier) => Keywords.Contains(identifier) ? "@" + identifier : identifier;
}
