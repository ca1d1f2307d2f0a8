using System.Text;
using System.Text.Json;
using TcrToolkit.Ethereum;

namespace TcrToolkit.Wallets;

/// <summary>One keystore file in a <see cref="KeystoreDirectory"/>.</summary>
/// <param name="Name">The file name without <c>.json</c>: how <c>--account</c> refers to it.</param>
/// <param name="Path">The file's full path.</param>
/// <param name="Address">The account, from the file's <c>address</c> field (read without decrypting); <c>null</c> when the
/// file does not say or cannot be read.</param>
/// <param name="Problem">Why <paramref name="Address"/> is unknown, in a few words ("not valid JSON: truncated or
/// damaged"), or <c>null</c> when the address was read.</param>
public sealed record KeystoreEntry(string Name, string Path, Address? Address, string? Problem = null);

/// <summary>
/// A folder of keystore v3 files (<c>&lt;name&gt;.json</c>), as <c>tcr</c> keeps them in <c>~/.tcr/keystore</c>: lists
/// them, finds one by name or address, and saves new ones readable by their owner only.
/// </summary>
/// <remarks>Only file names and public <c>address</c> fields are read here; decrypting is <c>Keystore.Decrypt</c>'s job.</remarks>
public sealed class KeystoreDirectory
{
    /// <summary>The extension of keystore files.</summary>
    public const string Extension = ".json";

    private const int MaxNameLength = 64;

    /// <summary>Uses the folder at <paramref name="path"/>, which need not exist yet.</summary>
    public KeystoreDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>Whether <paramref name="name"/> can name a keystore: 1–64 of letters, digits, <c>.</c>, <c>_</c>, <c>-</c>, not starting with <c>.</c>.</summary>
    public static bool IsValidName(string name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxNameLength && name[0] != '.'
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>The name given to a keystore saved without one: the address in lower-case hex, without <c>0x</c>.</summary>
    public static string DefaultName(Address address) => address.ToLowerHex()[2..];

    /// <summary>The keystores in the folder, by name; empty when the folder does not exist.</summary>
    public IReadOnlyList<KeystoreEntry> List()
    {
        if (!Directory.Exists(Path))
        {
            return [];
        }

        return Directory.EnumerateFiles(Path, "*" + Extension)
            .Select(Read)
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The keystore named <paramref name="name"/> (with or without <c>.json</c>), or <c>null</c>.</summary>
    public KeystoreEntry? FindByName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bare = name.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) ? name[..^Extension.Length] : name;
        if (!IsValidName(bare))
        {
            return null;
        }

        var path = System.IO.Path.Combine(Path, bare + Extension);
        return File.Exists(path) ? Read(path) : null;
    }

    /// <summary>The keystores whose <c>address</c> field is <paramref name="address"/>.</summary>
    public IReadOnlyList<KeystoreEntry> FindByAddress(Address address) => List().Where(e => e.Address == address).ToList();

    /// <summary>Reads the public facts of a keystore file anywhere (name, path, address field).</summary>
    public static KeystoreEntry Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        var (address, problem) = ReadAddress(full);
        return new KeystoreEntry(System.IO.Path.GetFileNameWithoutExtension(full), full, address, problem);
    }

    /// <summary>
    /// Saves <paramref name="keystoreJson"/> as <c>&lt;name&gt;.json</c>, creating the folder (mode 700) if needed; the file
    /// is written to a temporary name, flushed to disk, made mode 600 and then renamed, so a crash leaves no half file.
    /// </summary>
    /// <param name="name">The keystore's name (see <see cref="IsValidName"/>).</param>
    /// <param name="keystoreJson">The encrypted keystore, from <c>Keystore.Encrypt</c>.</param>
    /// <returns>The saved entry.</returns>
    /// <exception cref="ArgumentException">The name is not valid.</exception>
    /// <exception cref="IOException">A keystore of that name exists already (it is never overwritten), or the write failed.</exception>
    public KeystoreEntry Save(string name, string keystoreJson)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(keystoreJson);
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' cannot name a keystore: use 1 to {MaxNameLength} letters, digits, '.', '_' or '-', not starting with '.'.", nameof(name));
        }

        if (!Directory.Exists(Path))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(Path);
            }
            else
            {
                Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var target = System.IO.Path.Combine(Path, name + Extension);
        if (File.Exists(target))
        {
            throw new IOException($"A keystore named '{name}' already exists at {target}; choose another name.");
        }

        var temporary = System.IO.Path.Combine(Path, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(keystoreJson));
                stream.Flush(flushToDisk: true);
            }

            // No overwrite: a keystore that appeared meanwhile is kept, and this save fails.
            File.Move(temporary, target, overwrite: false);
        }
        finally
        {
            File.Delete(temporary);
        }

        return Read(target);
    }

    private static (Address? Address, string? Problem) ReadAddress(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, "not a keystore: the JSON is not an object");
            }

            if (!document.RootElement.TryGetProperty("address", out var field) || field.ValueKind != JsonValueKind.String || field.GetString() is not { } text)
            {
                return (null, "no address field: unlock it to learn the address");
            }

            var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
            return Address.TryParse("0x" + hex.ToLowerInvariant(), out var address) ? (address, null) : (null, "malformed address field");
        }
        catch (JsonException)
        {
            return (null, "not valid JSON: truncated or damaged, restore it from a backup");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot be read ({e.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)}): check its permissions");
        }
    }
}
