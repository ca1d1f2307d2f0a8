using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using TcrToolkit.Testing.Node;

namespace TcrToolkit.Ethereum.Tests.TestKit;

/// <summary>
/// The test kit's Node launcher, with small scripts written for each test: the shape an interop peer under
/// <c>tests/peers/&lt;name&gt;/</c> takes (bind the given loopback port, print a ready line, run until killed).
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class NodeScriptTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-nodescript-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task StartAsync_UdpPeerPrintsReadyLine_ReturnsTheMatchAndTheBoundPort()
    {
        var script = Script("udp-peer.mjs", """
            import dgram from "node:dgram";
            const socket = dgram.createSocket("udp4");
            socket.on("message", (msg, from) => socket.send(msg, from.port, from.address));
            socket.bind(Number(process.argv[2]), "127.0.0.1", () => console.log(`peer ready enr:-test on ${socket.address().port}`));
            """);

        await using var peer = await NodeScript.StartAsync(new NodeScriptOptions
        {
            Script = script,
            Arguments = [NodeScriptOptions.PortPlaceholder],
            Port = LoopbackPortKind.Udp,
            ReadyLine = ReadyLine(),
        });

        peer.Ready.Groups["port"].Value.Should().Be(peer.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        peer.Ready.Groups["enr"].Value.Should().Be("enr:-test");
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await client.SendAsync(new byte[] { 1, 2, 3 }, new IPEndPoint(IPAddress.Loopback, peer.Port));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var echo = await client.ReceiveAsync(timeout.Token);
        echo.Buffer.Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task StartAsync_ScriptExitsBeforeReady_ThrowsWithItsOutput()
    {
        var script = Script("fails.mjs", """
            console.error("cannot bind: the reason a test needs to see");
            process.exit(3);
            """);

        var start = () => NodeScript.StartAsync(new NodeScriptOptions { Script = script, ReadyLine = ReadyLine() });

        (await start.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage("*exited with code 3 before it was ready*cannot bind: the reason a test needs to see*");
    }

    [Fact]
    public async Task DisposeAsync_RunningScript_KillsTheProcess()
    {
        var script = Script("forever.mjs", """
            console.log("peer ready enr:-x on 0");
            setInterval(() => {}, 1000);
            """);
        var peer = await NodeScript.StartAsync(new NodeScriptOptions { Script = script, ReadyLine = ReadyLine() });
        var id = peer.ProcessId;

        await peer.DisposeAsync();

        var stillRunning = () => Process.GetProcessById(id);
        stillRunning.Should().Throw<ArgumentException>("the script's process must be gone after dispose");
    }

    [Fact]
    public async Task ReadLineAsync_PipedScript_EchoesLinesInOrder()
    {
        var script = Script("echo.mjs", """
            import readline from "node:readline";
            for await (const line of readline.createInterface({ input: process.stdin })) console.log(`echo ${line}`);
            """);
        await using var echo = await NodeScript.StartAsync(new NodeScriptOptions { Script = script, Piped = true });

        await echo.StandardInput.WriteAsync("a\nb\n");
        await echo.StandardInput.FlushAsync();

        (await echo.ReadLineAsync()).Should().Be("echo a");
        (await echo.ReadLineAsync()).Should().Be("echo b");
        await echo.CloseInputAndStopAsync(TimeSpan.FromSeconds(10));
        (await echo.ReadLineAsync()).Should().BeNull("the script ended when its stdin closed");
    }

    private string Script(string name, string source)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, source);
        return path;
    }

    [GeneratedRegex(@"peer ready (?<enr>enr:\S+) on (?<port>\d+)")]
    private static partial Regex ReadyLine();
}
