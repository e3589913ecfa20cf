using System.CommandLine;
using System.Text.Json.Nodes;
using Builder.Cli.Api;

namespace Builder.Cli.Commands;

/// <summary>Arguments and options several commands share, and how a repository named by name becomes its id.</summary>
public static class Arguments
{
    public static Argument<Guid> FeatureId() => new("feature-id") { Description = "The run's id (a UUID), as submit and list show it." };

    public static Argument<Guid> TaskId() => new("task-id") { Description = "The task's id (a UUID), as task create shows it." };

    public static Option<string> Repository(bool required) => new("--repo")
    {
        Description = "The repository, by name or id (see builder repo list).",
        Required = required,
    };

    public static Option<string?> Approval() => new Option<string?>("--approval")
    {
        Description = "Where the run stops for a decision: auto (no gates, the default), checkpoints (after plan and before delivery) or final (before delivery).",
    }.AcceptOnlyFromAmong("auto", "checkpoints", "final");

    public static Option<bool> NoTestsRequired() => new("--no-tests-required")
    {
        Description = "Accept the change without a test proving it (docs, configuration). By default a test must fail before the change and pass after it.",
    };

    public static Option<bool> Watch() => new("--watch")
    {
        Description = "Follow the run until it ends: per-phase progress and log lines; the exit code is 0 only if it Completed.",
    };

    public static async Task<Guid> ResolveRepositoryAsync(BuilderClient client, string repository, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(repository, out var id))
            return id;
        var all = (await client.GetAsync("api/repositories", cancellationToken)).AsArray();
        var match = all.FirstOrDefault(r => string.Equals((string?)r!["name"], repository, StringComparison.Ordinal))
                    ?? all.FirstOrDefault(r => string.Equals((string?)r!["name"], repository, StringComparison.OrdinalIgnoreCase));
        return match is null
            ? throw new CliException($"No repository is named '{repository}'; known: {(all.Count == 0 ? "none" : string.Join(", ", all.Select(r => (string?)r!["name"])))}.")
            : match["id"]!.GetValue<Guid>();
    }

    public static string Query(params (string Name, object? Value)[] parameters) =>
        string.Join("&", parameters.Where(p => p.Value is not null)
            .Select(p => $"{p.Name}={Uri.EscapeDataString(Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)!)}"));

    public static JsonNode? Node(object? value) => value is null ? null : System.Text.Json.JsonSerializer.SerializeToNode(value, BuilderClient.Json);
}
