using System.CommandLine;
using System.Text.Json.Nodes;
using Builder.Cli.Api;

namespace Builder.Cli.Commands;

/// <summary>Arguments and options several commands share, and how a repository named by name becomes its id.</summary>
public static class Arguments
{
    public static Argument<string> FeatureId() => new("feature-id")
    {
        Description = "The run's id (a UUID), or its first characters as list shows them when no other run starts with them.",
    };

    /// <summary>Shortest prefix taken as an id: shorter ones match too many runs to be meant.</summary>
    const int MinimumPrefix = 4;

    const int ScanPageSize = 200;

    /// <summary>
    /// A full id as is; a prefix by reading the tenant's runs page by page (list shows 8 characters,
    /// which tell runs apart). Refused when no run or more than one starts with it.
    /// </summary>
    public static async Task<Guid> ResolveFeatureAsync(BuilderClient client, string idOrPrefix, CancellationToken cancellationToken)
    {
        var text = idOrPrefix.Trim();
        if (Guid.TryParse(text, out var id))
            return id;
        if (text.Length < MinimumPrefix || !text.All(c => char.IsAsciiHexDigit(c) || c == '-'))
            throw new CliException($"'{idOrPrefix}' is not a run id: give the UUID, or at least its first {MinimumPrefix} characters.");

        var matches = new List<Guid>();
        for (var page = 1; ; page++)
        {
            var answer = await client.GetAsync($"api/features?{Query(("page", page), ("pageSize", ScanPageSize))}", cancellationToken);
            var items = answer["items"]!.AsArray();
            matches.AddRange(items.Select(f => f!["id"]!.GetValue<Guid>()).Where(g => g.ToString().StartsWith(text, StringComparison.OrdinalIgnoreCase)));
            if (items.Count < ScanPageSize || page * ScanPageSize >= (answer["total"]?.GetValue<int>() ?? 0))
                break;
        }

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CliException($"No run's id starts with '{text}'."),
            _ => throw new CliException($"'{text}' starts the ids of {matches.Count} runs ({string.Join(", ", matches.Take(5))}); give more of the id."),
        };
    }

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
        // Then an id's start, as repo list shows it.
        if (match is null && repository.Length >= MinimumPrefix)
        {
            var byId = all.Where(r => ((string?)r!["id"])?.StartsWith(repository, StringComparison.OrdinalIgnoreCase) == true).ToList();
            if (byId.Count == 1)
                match = byId[0];
        }
        return match is null
            ? throw new CliException($"No repository is named '{repository}'; known: {(all.Count == 0 ? "none" : string.Join(", ", all.Select(r => (string?)r!["name"])))}.")
            : match["id"]!.GetValue<Guid>();
    }

    public static string Query(params (string Name, object? Value)[] parameters) =>
        string.Join("&", parameters.Where(p => p.Value is not null)
            .Select(p => $"{p.Name}={Uri.EscapeDataString(Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)!)}"));

    public static JsonNode? Node(object? value) => value is null ? null : System.Text.Json.JsonSerializer.SerializeToNode(value, BuilderClient.Json);
}
