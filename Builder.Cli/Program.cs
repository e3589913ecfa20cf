return await Builder.Cli.BuilderCli.RunAsync(args);
