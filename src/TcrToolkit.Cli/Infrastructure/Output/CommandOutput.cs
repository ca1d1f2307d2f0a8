using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TcrToolkit.Cli.Infrastructure.Output;

/// <summary>
/// Where a command's output goes. A command writes exactly one result with <see cref="Result{T}"/>: a JSON document on
/// stdout under <c>--json</c> (its schema is the result type, serialised by the source-generated
/// <see cref="CliJsonContext"/>), otherwise a human rendering (tables via <see cref="HumanView"/>). Progress and notes go
/// to stderr, so stdout holds only the result.
/// </summary>
public sealed class CommandOutput
{
    private readonly CliEnvironment _environment;
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private HumanView? _human;
    private bool _streaming;

    /// <summary>Creates the output for one invocation.</summary>
    /// <param name="isJson">Whether <c>--json</c> was given.</param>
    /// <param name="environment">Tells whether the streams are terminals.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    public CommandOutput(bool isJson, CliEnvironment environment, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        IsJson = isJson;
        _environment = environment;
        _stdout = stdout;
        _stderr = stderr;
    }

    /// <summary>Whether <c>--json</c> was given: the result is one JSON document on stdout.</summary>
    public bool IsJson { get; }

    /// <summary>Whether a spinner may be drawn: human output with stdout and stderr both terminals.</summary>
    public bool ShowsProgress => !IsJson && _environment.IsOutputTerminal && _environment.IsErrorTerminal;

    /// <summary>Whether the command declared a stream (<see cref="BeginStream"/>).</summary>
    public bool IsStreaming => _streaming;

    /// <summary>Whether the command has written its result.</summary>
    public bool HasResult { get; private set; }

    /// <summary>
    /// Writes the command's result: <paramref name="value"/> as JSON under <c>--json</c>, otherwise
    /// <paramref name="human"/>'s rendering. Call it once.
    /// </summary>
    /// <typeparam name="T">The result type; register it in <see cref="CliJsonContext"/>, which fixes its JSON schema.</typeparam>
    /// <param name="value">The result.</param>
    /// <param name="jsonType">Its source-generated metadata, <c>CliJsonContext.Default.MyResult</c>.</param>
    /// <param name="human">Renders it for people.</param>
    /// <exception cref="InvalidOperationException">A result was already written (a bug in the command).</exception>
    public void Result<T>(T value, JsonTypeInfo<T> jsonType, Action<HumanView> human)
    {
        ArgumentNullException.ThrowIfNull(jsonType);
        ArgumentNullException.ThrowIfNull(human);
        if (HasResult)
        {
            throw new InvalidOperationException("A command writes one result; this one wrote a second.");
        }

        HasResult = true;
        if (IsJson)
        {
            // The same generated metadata, with an encoder that leaves <, > and ' readable (output is not HTML).
            var readable = (JsonTypeInfo<T>?)CliJsonContext.Readable.GetTypeInfo(typeof(T)) ?? jsonType;
            _stdout.Write(JsonSerializer.Serialize(value, readable));
            _stdout.Write('\n');
            _stdout.Flush();
        }
        else
        {
            human(Human);
        }
    }

    /// <summary>
    /// Declares a streaming command (<c>tcr watch</c>): instead of one result it writes any number of items, zero
    /// included, with <see cref="StreamItem{T}"/>. Under <c>--json</c> stdout is then NDJSON: one compact JSON object per
    /// line, and a failure adds one error object line.
    /// </summary>
    public void BeginStream()
    {
        if (HasResult && !_streaming)
        {
            throw new InvalidOperationException("A command writes one result or a stream, not both.");
        }

        HasResult = true;
        _streaming = true;
    }

    /// <summary>Writes one item of a stream (see <see cref="BeginStream"/>): one JSON line, or the human rendering.</summary>
    /// <typeparam name="T">The item type, registered in <see cref="CliJsonContext"/>.</typeparam>
    /// <param name="value">The item.</param>
    /// <param name="jsonType">Its source-generated metadata.</param>
    /// <param name="human">Renders it for people.</param>
    public void StreamItem<T>(T value, JsonTypeInfo<T> jsonType, Action<HumanView> human)
    {
        ArgumentNullException.ThrowIfNull(jsonType);
        ArgumentNullException.ThrowIfNull(human);
        BeginStream();
        if (IsJson)
        {
            var readable = (JsonTypeInfo<T>?)CliJsonContext.Readable.GetTypeInfo(typeof(T)) ?? jsonType;
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                JsonSerializer.Serialize(writer, value, readable);
            }

            _stdout.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            _stdout.Write('\n');
        }
        else
        {
            human(Human);
        }

        _stdout.Flush();
    }

    /// <summary>A line for people on stderr (for example "Saved keystore to …"); nothing under <c>--json</c>.</summary>
    /// <param name="message">The line.</param>
    public void Note(string message)
    {
        if (!IsJson)
        {
            _stderr.WriteLine(message);
        }
    }

    /// <summary>
    /// Starts reporting one transaction: a spinner with the transaction's hash on a terminal, one line on stderr when
    /// redirected, nothing under <c>--json</c>. Dispose it when the receipt is in (or the send failed).
    /// <see cref="CommandContext.SendTransactionAsync"/> does this for you.
    /// </summary>
    /// <param name="action">What the transaction does, for example "Approve 100 TCR for the registry".</param>
    public ITransactionProgress BeginTransaction(string action)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        return IsJson ? TransactionDisplays.Silent
            : ShowsProgress ? new SpinnerTransactionProgress(action, _stderr)
            : new LineTransactionProgress(action, _stderr);
    }

    /// <summary>The human renderer (Spectre.Console is loaded on first use only).</summary>
    public HumanView Human => _human ??= new HumanView(_stdout, _environment.IsOutputTerminal);

    /// <summary>
    /// Writes a failure: one sentence on stderr, and under <c>--json</c> an error document on stdout — except when a
    /// stream is interrupted (Ctrl-C), which is how a stream ends, not a failure of it: its NDJSON stays events only.
    /// </summary>
    /// <param name="error">The failure.</param>
    public void Error(CliException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var interruptedStream = _streaming && error.ExitCode == ExitCode.Cancelled;
        _stderr.WriteLine(interruptedStream ? error.Message : $"error: {error.Message}");
        _stderr.Flush();
        if (IsJson && !interruptedStream && (!HasResult || _streaming))
        {
            HasResult = true;
            _stdout.Write(ErrorDocument(error, indented: !_streaming));
            _stdout.Write('\n');
            _stdout.Flush();
        }
    }

    /// <summary>The <c>--json</c> error document: <c>{"error":{"code":…,"exitCode":…,"message":…}}</c>.</summary>
    /// <param name="error">The failure.</param>
    public static string ErrorDocument(CliException error) => ErrorDocument(error, indented: true);

    // Compact (one line) in an NDJSON stream.
    private static string ErrorDocument(CliException error, bool indented)
    {
        ArgumentNullException.ThrowIfNull(error);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("code", error.Code);
            writer.WriteNumber("exitCode", (int)error.ExitCode);
            writer.WriteString("exitName", ExitCodeNames.Of(error.ExitCode));
            writer.WriteString("message", error.Message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
