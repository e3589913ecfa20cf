namespace Builder.Tests.AppHost;

/// <summary>Starts the AppHost the way the README says, <c>dotnet run --project Builder.AppHost</c>, on the given ports and data folder.</summary>
static class AppHostCommand
{
    /// <param name="dashboardPorts">The dashboard, its two OTLP endpoints and the resource service: free ports, so runs on one machine do not collide.</param>
    public static CapturedProcess Start(string repositoryRoot, int apiPort, int webPort, string dataDirectory,
        int[] dashboardPorts, StartedProcesses? marker = null, bool anonymousDashboard = false) =>
        CapturedProcess.Start("dotnet",
            [.. RunArguments(), "--project", "Builder.AppHost", "--",
             "--api-port", $"{apiPort}", "--web-port", $"{webPort}", "--data-dir", dataDirectory,
             "--ASPNETCORE_URLS", $"http://localhost:{dashboardPorts[0]}",
             "--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", $"http://localhost:{dashboardPorts[1]}",
             "--ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", $"http://localhost:{dashboardPorts[2]}",
             "--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL", $"http://localhost:{dashboardPorts[3]}",
             // The documented local-only switch: no login page, and the telemetry API open to the test.
             .. (anonymousDashboard ? new[] { "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS", "true" } : [])],
            repositoryRoot,
            marker is null ? null : new Dictionary<string, string> { [StartedProcesses.Variable] = marker.Marker });

    public const int DashboardPortCount = 4;

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
