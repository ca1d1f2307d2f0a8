using TcrToolkit.Cli.Infrastructure;
using TcrToolkit.Deployment;

namespace TcrToolkit.Cli.Tests;

public sealed class ErrorTranslatorTests
{
    [Theory]
    [InlineData(DeploymentFailure.Configuration, ExitCode.Configuration)]
    [InlineData(DeploymentFailure.WouldRevert, ExitCode.PreflightRefused)]
    [InlineData(DeploymentFailure.Refused, ExitCode.RpcError)]
    [InlineData(DeploymentFailure.Reverted, ExitCode.Reverted)]
    [InlineData(DeploymentFailure.ReceiptTimeout, ExitCode.ReceiptTimeout)]
    [InlineData(DeploymentFailure.Other, ExitCode.RpcError)]
    public void Translate_DeploymentFailure_GivesTheDocumentedExitCode(DeploymentFailure failure, ExitCode expected)
    {
        var exception = new DeploymentException("The voting deployment went wrong; run again.", failure: failure);

        var translated = ErrorTranslator.Translate(exception, "tcr deploy");

        translated.ExitCode.Should().Be(expected);
        translated.Message.Should().Be("The voting deployment went wrong; run again.");
    }
}

/// <summary>The translator chooses by type: each family of the toolkit's exception root has its documented exit code.</summary>
public sealed class ErrorFamilyTests
{
    private static readonly Ethereum.Address Account = Ethereum.Address.Parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");

    [Fact]
    public void ServiceAndEthereumFamilies_DeriveFromTheOneRoot()
    {
        Type[] families =
        [
            typeof(Ethereum.Rpc.RpcException), typeof(Ethereum.Rpc.ReceiptTimeoutException), typeof(Ethereum.Rpc.SendRefusedException),
            typeof(TcrConfigurationException), typeof(Registry.PreflightException), typeof(TcrRevertedException), typeof(TcrStoreException),
            typeof(DeploymentException), typeof(global::TcrToolkit.Devnet.DevnetException), typeof(Events.RegistryReorgTooDeepException),
            typeof(Votes.SaltVaultException), typeof(Events.RegistryStoreException), typeof(Configuration.DeploymentManifestException),
        ];

        families.Should().OnlyContain(t => t.IsAssignableTo(typeof(TcrToolkitException)));
    }

    [Fact]
    public void DeploymentConfigException_MessageIsUsedAsIs_NotInspectedForItsText()
    {
        var withoutSemicolon = new DeploymentConfigException("token.name", "token.name is empty; fix token.name in the deployment config.");

        var translated = ErrorTranslator.Translate(withoutSemicolon, "tcr deploy");

        translated.ExitCode.Should().Be(ExitCode.Configuration);
        translated.Message.Should().Be("token.name is empty; fix token.name in the deployment config.");
    }

    [Fact]
    public void SaltVaultException_IsAConfigurationErrorNotABug()
    {
        var translated = ErrorTranslator.Translate(new Votes.SaltVaultException("The salt vault /x is a device; give a file."), "tcr vote status");

        translated.ExitCode.Should().Be(ExitCode.Configuration);
        translated.Code.Should().Be("salt-vault-unusable");
    }

    [Fact]
    public void PendingTransaction_IsRefusedWithTheWaysOut()
    {
        var translated = ErrorTranslator.Translate(new Ethereum.Rpc.PendingTransactionException(Account, 4, 5, canReplace: true), "tcr token transfer");

        translated.ExitCode.Should().Be(ExitCode.PreflightRefused);
        translated.Message.Should().Contain("nonce 4").And.Contain("--replace").And.Contain("--queue").And.Contain("nothing was sent");
    }

    [Fact]
    public void InsufficientEther_OnTheDevnet_PointsAtDevnetFund()
    {
        var network = new Infrastructure.Configuration.NetworkResolver(CliEnvironment.System, new Infrastructure.Configuration.DotDevnetLocator())
            .Resolve("devnet", null, null);

        var translated = ErrorTranslator.Translate(new Ethereum.Rpc.InsufficientEtherException(Account, default, Ethereum.EthUnits.ParseEther("0.01")), "tcr vote setup", network);

        translated.ExitCode.Should().Be(ExitCode.PreflightRefused);
        translated.Message.Should().Contain($"tcr devnet fund {Account}").And.NotContain("-32000");
    }

    [Fact]
    public void WebServerWithoutJsonRpc_SaysItIsNotANode()
    {
        var exception = new Ethereum.Rpc.RpcUnavailableException("HTTP 404", "http://127.0.0.1:1", "eth_chainId") { HttpStatus = 404 };

        var translated = ErrorTranslator.Translate(exception, "tcr token balance");

        translated.ExitCode.Should().Be(ExitCode.RpcError);
        translated.Message.Should().Contain("HTTP 404").And.Contain("not an Ethereum node").And.NotContain("Cannot reach");
    }

    [Fact]
    public void CancelWhileWaitingForAReceipt_RepeatsHashAndNonce()
    {
        var hash = Ethereum.Keccak256.HashUtf8("sent");

        var translated = ErrorTranslator.Translate(new OperationCanceledException(), "tcr token transfer", inFlight: new InFlightTransaction("transfer", hash, 7));

        translated.ExitCode.Should().Be(ExitCode.Cancelled);
        translated.Message.Should().Contain(hash.ToString()).And.Contain("nonce 7").And.Contain("may still be mined");
    }

    [Fact]
    public void CancelOfAStream_SaysItStoppedAndNothingAboutTransactions()
    {
        var translated = ErrorTranslator.Translate(new OperationCanceledException(), "tcr watch", streaming: true);

        translated.ExitCode.Should().Be(ExitCode.Cancelled);
        translated.Message.Should().Be("tcr watch stopped; run it again to resume where it left off.");
    }

    [Fact]
    public void CancelBeforeSending_SaysNothingWasSent()
    {
        var translated = ErrorTranslator.Translate(new OperationCanceledException(), "tcr listing list");

        translated.Message.Should().Contain("before sending anything").And.NotContain("already sent");
    }
}
