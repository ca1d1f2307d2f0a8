using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TcrToolkit.Ethereum;
using TcrToolkit.Events;

namespace TcrToolkit.Tests.Events;

/// <summary>Registration of the mirror and the event stream as hosted services, and their options.</summary>
public sealed class RegistryHostingTests : IDisposable
{
    private const string Registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-hosting-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task AddRegistryMirror_AfterAddTcrToolkit_TakesRegistryConfirmationsAndWebSocketFromTheToolkit()
    {
        await using var provider = Toolkit()
            .AddRegistryMirror(o => o.DatabasePath = Path.Combine(_directory, "mirror.db"))
            .BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<RegistryMirrorOptions>>().Value;

        options.Registry.Should().Be(Address.Parse(Registry));
        options.ConfirmationDepth.Should().Be(5);
        options.Stream.WebSocketEndpoint.Should().Be(new Uri("ws://127.0.0.1:8546/"));
        provider.GetServices<IHostedService>().Should().ContainSingle(s => s is RegistryMirrorService);
        provider.GetRequiredService<RegistryMirror>().IsTrusting.Should().BeFalse("nothing is trusted before the mirror runs");
    }

    [Fact]
    public async Task AddRegistryMirror_FromAConfigurationSection_BindsEverySetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mirror:Registry"] = "0x00000000000000000000000000000000000000a1",
            ["Mirror:DatabasePath"] = Path.Combine(_directory, "bound.db"),
            ["Mirror:ConfirmationDepth"] = "7",
            ["Mirror:MaxStaleness"] = "00:00:30",
            ["Mirror:Stream:PollInterval"] = "00:00:05",
        }).Build();
        await using var provider = Toolkit().AddRegistryMirror(configuration.GetSection("Mirror")).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<RegistryMirrorOptions>>().Value;

        options.Registry.Should().Be(Address.Parse("0x00000000000000000000000000000000000000a1"));
        options.ConfirmationDepth.Should().Be(7);
        options.MaxStaleness.Should().Be(TimeSpan.FromSeconds(30));
        options.Stream.PollInterval.Should().Be(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AddRegistryMirror_InfiniteStaleness_IsRefusedWhenTheOptionsAreRead()
    {
        await using var provider = Toolkit()
            .AddRegistryMirror(o =>
            {
                o.DatabasePath = Path.Combine(_directory, "mirror.db");
                o.MaxStaleness = Timeout.InfiniteTimeSpan;
            })
            .BuildServiceProvider();

        var read = () => provider.GetRequiredService<IOptions<RegistryMirrorOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("MaxStaleness");
    }

    [Fact]
    public async Task AddRegistryEventStream_AfterAddTcrToolkit_RegistersTheServiceWithTheToolkitsDepth()
    {
        await using var provider = Toolkit()
            .AddRegistryEventStream<CollectingHandler>(o => o.StartAfterBlock = 3)
            .BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<RegistryEventStreamOptions>>().Value;

        options.Stream.Registry.Should().Be(Address.Parse(Registry));
        options.Stream.ConfirmationDepth.Should().Be(5);
        provider.GetServices<IHostedService>().Should().ContainSingle(s => s is RegistryEventStreamService);
    }

    private IServiceCollection Toolkit() => new ServiceCollection().AddTcrToolkit(o =>
    {
        o.RpcUrl = new Uri("http://127.0.0.1:8545/");
        o.WebSocketUrl = new Uri("ws://127.0.0.1:8546/");
        o.RegistryAddress = Registry;
        o.Confirmations = 5;
        o.SaltVaultPath = Path.Combine(_directory, "salts.db");
    });
}

/// <summary>An update handler that keeps what it receives.</summary>
internal sealed class CollectingHandler : IRegistryUpdateHandler
{
    private readonly List<RegistryUpdate> _updates = [];

    public IReadOnlyList<RegistryUpdate> Updates
    {
        get
        {
            lock (_updates)
            {
                return [.. _updates];
            }
        }
    }

    public Task HandleAsync(RegistryUpdate update, CancellationToken cancellationToken)
    {
        lock (_updates)
        {
            _updates.Add(update);
        }

        return Task.CompletedTask;
    }
}
