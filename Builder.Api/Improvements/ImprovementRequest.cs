using System.Text.Json;
using Builder.Core.Domain;

namespace Builder.Api.Improvements;

/// <summary>The feature request an opportunity becomes: what was seen, where, and what a good change does.</summary>
public static class ImprovementRequest
{
    public static string Title(FoundOpportunity opportunity)
    {
        var title = opportunity.Kind switch
        {
            OpportunityKinds.FailingEndpoint => $"Fix failing GET {opportunity.Endpoint}",
            OpportunityKinds.LatencyRegression => $"Make GET {opportunity.Endpoint} fast again",
            OpportunityKinds.CrashLoop => "Stop the service crashing",
            _ => $"Fix recurring {opportunity.Evidence["exception"]}",
        };
        return title.Length > 300 ? title[..300] : title;
    }

    public static string Description(DeployedService service, FoundOpportunity opportunity, double windowHours)
    {
        var evidence = opportunity.Evidence.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var goal = opportunity.Kind switch
        {
            OpportunityKinds.FailingEndpoint => $"Make GET {opportunity.Endpoint} answer successfully (no 5xx) for the requests it fails today.",
            OpportunityKinds.LatencyRegression => $"Bring GET {opportunity.Endpoint}'s latency back to the previous version's without changing what it answers.",
            OpportunityKinds.CrashLoop => "Find why the process exits and make it keep running.",
            _ => "Find where the exception comes from and handle its cause.",
        };
        return $"""
            Builder's telemetry of service {service.Name} (live version {opportunity.Evidence["version"]}) over the last {windowHours:0.##} h found: {opportunity.Summary}.

            {goal}
            Add a test that fails without the change and passes with it. Keep the service's other endpoints, its builder.yaml and its existing tests as they are.

            Evidence (from Builder's probes, the service's output and its metrics):
            {evidence}
            """;
    }
}
