using System.Text.Json;
using Builder.Web.Diffs;
using Builder.Web.Services;

namespace Builder.Web.Components.Approvals;

/// <summary>What a gate's decision rests on: the diff (release gate) or the plan (plan gate).</summary>
public sealed record GateSummary(DateTimeOffset At, UnifiedDiff? Diff, PlanSummary? Plan)
{
    public static PlanSummary? PlanOf(string? json)
    {
        if (json is null)
            return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return new PlanSummary(Payloads.Text(root, "summary"),
                [.. Payloads.Objects(root, "files").Select(f => (Payloads.Text(f, "path") ?? "?", Payloads.Text(f, "mode", "change") ?? "change"))],
                Payloads.Text(root, "testCommand"));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed record PlanSummary(string? Summary, IReadOnlyList<(string Path, string Mode)> Files, string? TestCommand);
