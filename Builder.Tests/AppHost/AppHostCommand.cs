namespace Builder.Tests.AppHost;

/// <summary>Starts the AppHost the way the README says, <c>dotnet run --project Builder.AppHost</c>, on the given ports and data folder.</summary>
static class AppHostCommand
{
    public static CapturedProcess Start(string repositoryRoot, int apiPort, int webPort, string dataDirectory) =>
        CapturedProcess.Start("dotnet",
            [.. RunArguments(), "--project", "Builder.AppHost", "--",
             "--api-port", $"{apiPort}", "--web-port", $"{webPort}", "--data-dir", dataDirectory], repositoryRoot);

    /// <summary>
    /// The AppHost and the projects it starts are built with this test project (they are project
    /// references), so run that build rather than building again while other tests run.
    /// </summary>
    static string[] RunArguments()
    {
        var framework = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        return framework.Parent is { Parent.Name: "bin" } configuration
            ? ["run", "--no-build", "-c", configuration.Name]
            : ["run"];
    }
}
