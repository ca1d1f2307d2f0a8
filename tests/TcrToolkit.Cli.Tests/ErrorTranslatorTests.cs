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
