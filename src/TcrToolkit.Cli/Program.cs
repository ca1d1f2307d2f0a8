using TcrToolkit.Cli.Infrastructure;

return await CliApplication.RunAsync(args, CliEnvironment.System, Console.Out, Console.Error).ConfigureAwait(false);
