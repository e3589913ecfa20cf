using System.Net.Http.Headers;

namespace Builder.AppHost;

/// <summary>
/// Buttons on the Api's row of the Aspire dashboard that ask Builder itself, with the admin key, and
/// show the answer there: what a developer would otherwise fetch with curl while watching the logs.
/// </summary>
static class DashboardCommands
{
    public const string Status = "builder-status";
    public const string RecentRuns = "builder-recent-runs";

    public static IResourceBuilder<ProjectResource> WithBuilderCommands(this IResourceBuilder<ProjectResource> api, AdminKey adminKey)
    {
        Task Authorize(HttpCommandRequestContext context)
        {
            context.Request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey.Value);
            return Task.CompletedTask;
        }

        return api
            .WithHttpCommand("/api/status", "Platform status", commandName: Status, commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Get,
                PrepareRequest = Authorize,
                ResultMode = HttpCommandResultMode.Json,
                Description = "Components, queue depth, workers, runs by state and phase durations (GET /api/status)",
                IconName = "HeartPulse",
            })
            .WithHttpCommand("/api/features", "Recent runs", commandName: RecentRuns, commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Get,
                PrepareRequest = async context =>
                {
                    await Authorize(context);
                    // A query in the command's path would be escaped as part of the path.
                    context.Request.RequestUri = new UriBuilder(context.Request.RequestUri!) { Query = "pageSize=20" }.Uri;
                },
                ResultMode = HttpCommandResultMode.Json,
                Description = "The twenty newest feature runs with their state (GET /api/features)",
                IconName = "TaskListLtr",
            });
    }
}
