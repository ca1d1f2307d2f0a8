using Microsoft.Extensions.DependencyInjection;
using TcrToolkit.DependencyInjection;
using TcrToolkit.Tests.Events;

namespace TcrToolkit.Tests.Services;

public sealed class ConnectionTests(RegistryChainFixture fixture) : ServiceTest(fixture)
{
    [Fact]
    public async Task AddTcrToolkit_RegistryAddressOnly_ConnectsAndReadsTheOtherContractsFromTheRegistry()
    {
        await using var provider = Build(Chain.ChainId);

        var connection = await provider.GetRequiredService<TcrConnectionProvider>().GetAsync();

        connection.ChainId.Should().Be(Chain.ChainId);
        connection.Voting.Should().Be(Chain.Voting);
        connection.Token.Should().Be(Chain.Token);
        (await provider.GetRequiredService<TcrConnectionProvider>().GetAsync()).Should().BeSameAs(connection);
    }

    [Fact]
    public async Task Connect_NodeOnAnotherChain_IsRefusedWithBothChainIds()
    {
        await using var provider = Build(11155111);

        var act = () => provider.GetRequiredService<TcrConnectionProvider>().GetAsync();

        (await act.Should().ThrowAsync<TcrConfigurationException>()).Which.Message
            .Should().Contain($"is on chain {Chain.ChainId}, but the deployment is on chain 11155111");
    }

    [Fact]
    public async Task Connect_NoCodeAtTheRegistryAddress_SaysSo()
    {
        var act = () => TcrConnection.ConnectAsync(Chain.Client, Chain.Deployment with { Registry = Actors[0].Address });

        (await act.Should().ThrowAsync<TcrConfigurationException>()).Which.Message.Should().Contain("No contract is deployed at the registry address");
    }

    private ServiceProvider Build(ulong chainId) =>
        new ServiceCollection().AddTcrToolkit(o =>
        {
            o.RpcUrl = Chain.Node.HttpEndpoint;
            o.RegistryAddress = Chain.Registry.ToString();
            o.ChainId = chainId;
            o.SaltVaultPath = TempPath("di-salts.db");
        }).BuildServiceProvider();
}
