using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TcrToolkit.Configuration;
using TcrToolkit.Ethereum;
using TcrToolkit.Ethereum.Rpc;
using TcrToolkit.Votes;

namespace TcrToolkit.Tests.Configuration;

public sealed class AddTcrToolkitTests : IDisposable
{
    private const string Registry = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0";
    private readonly string _directory = Directory.CreateTempSubdirectory("tcr-di-").FullName;

    private ServiceProvider Build(Action<TcrToolkitOptions> configure) =>
        new ServiceCollection().AddTcrToolkit(o =>
        {
            o.RpcUrl = new Uri("http://127.0.0.1:8545");
            o.SaltVaultPath = Path.Combine(_directory, "salts.db");
            configure(o);
        }).BuildServiceProvider();

    private static void Start(IServiceProvider provider) => provider.GetRequiredService<IStartupValidator>().Validate();

    [Fact]
    public async Task AddTcrToolkit_RegistryAddress_ResolvesDeploymentClientAndVault()
    {
        // RpcClient is IAsyncDisposable only: the container is disposed asynchronously, as the Generic Host does.
        await using var provider = Build(o => o.RegistryAddress = Registry);

        Start(provider);

        provider.GetRequiredService<TcrDeployment>().Registry.Should().Be(Address.Parse(Registry));
        provider.GetRequiredService<RpcClient>().Should().BeSameAs(provider.GetRequiredService<RpcClient>());
        provider.GetRequiredService<SaltVault>().Path.Should().Be(Path.Combine(_directory, "salts.db"));
    }

    [Fact]
    public void AddTcrToolkit_Manifest_ResolvesItsContracts()
    {
        var manifest = Path.Combine(_directory, "devnet.json");
        File.WriteAllText(manifest, $$"""
            { "format": 1, "chainId": 31337, "contracts": { "registry": { "address": "{{Registry}}" },
              "token": { "address": "0x5fbdb2315678afecb367f032d93f642f64180aa3" } } }
            """);
        using var provider = Build(o => o.ManifestPath = manifest);

        Start(provider);

        var deployment = provider.GetRequiredService<TcrDeployment>();
        deployment.ChainId.Should().Be(31337UL);
        deployment.Token.Should().Be(Address.Parse("0x5fbdb2315678afecb367f032d93f642f64180aa3"));
    }

    [Fact]
    public void AddTcrToolkit_CalledTwice_RegistersOnce()
    {
        var services = new ServiceCollection();
        services.AddTcrToolkit(o => o.RegistryAddress = Registry).AddTcrToolkit(o => o.Confirmations = 5);

        services.Count(d => d.ServiceType == typeof(IValidateOptions<TcrToolkitOptions>)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(RpcClient)).Should().Be(1);
    }

    [Theory]
    [InlineData(null, Registry, null, 2, "RpcUrl is required*")]
    [InlineData("ws://127.0.0.1:8546", Registry, null, 2, "RpcUrl must be an absolute http:// or https:// URL, not ws://127.0.0.1:8546*")]
    [InlineData("http://127.0.0.1:8545", null, null, 2, "Set exactly one of RegistryAddress*")]
    [InlineData("http://127.0.0.1:8545", Registry, "x.json", 2, "Set exactly one of RegistryAddress*")]
    [InlineData("http://127.0.0.1:8545", "0x9FE46736679d2D9a65F0992F2272dE9f3c7fa6e1", null, 2, "RegistryAddress \"0x9FE46736679d2D9a65F0992F2272dE9f3c7fa6e1\" is not an address*")]
    [InlineData("http://127.0.0.1:8545", Registry, null, -1, "Confirmations must be between 0 and 128, not -1.")]
    [InlineData("http://127.0.0.1:8545", null, "/nonexistent/devnet.json", 2, "The deployment manifest /nonexistent/devnet.json cannot be read*")]
    public void Start_InvalidOptions_FailsWithActionableMessage(string? rpc, string? registry, string? manifest, int confirmations, string expected)
    {
        using var provider = Build(o =>
        {
            o.RpcUrl = rpc is null ? null : new Uri(rpc);
            o.RegistryAddress = registry;
            o.ManifestPath = manifest;
            o.Confirmations = confirmations;
        });

        var act = () => Start(provider);

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainMatch(expected);
    }

    [Fact]
    public void Start_ChainIdDiffersFromManifest_Fails()
    {
        var manifest = Path.Combine(_directory, "sepolia.json");
        File.WriteAllText(manifest, $$"""{ "format": 1, "chainId": 11155111, "contracts": { "registry": { "address": "{{Registry}}" } } }""");
        using var provider = Build(o => (o.ManifestPath, o.ChainId) = (manifest, 17000UL));

        var act = () => Start(provider);

        act.Should().Throw<OptionsValidationException>().Which.Failures
            .Should().ContainMatch("ChainId 17000 does not match chain 11155111 of the manifest*");
    }

    [Fact]
    public void Start_RpcUrlWithCredentials_NeverEchoesThem()
    {
        using var provider = Build(o => (o.RpcUrl, o.RegistryAddress) = (new Uri("wss://user:secret@node.example:8546/key123"), Registry));

        var act = () => Start(provider);

        var failures = act.Should().Throw<OptionsValidationException>().Which.Failures;
        failures.Should().ContainMatch("*wss://node.example:8546*").And.NotContainMatch("*secret*").And.NotContainMatch("*key123*");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
