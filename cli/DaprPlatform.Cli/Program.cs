using DaprPlatform.Cli;

return await CliApplication.RunAsync(args, CliEnvironment.FromProcess());
