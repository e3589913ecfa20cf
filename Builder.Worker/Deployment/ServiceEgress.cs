using Builder.Core.Policy;

namespace Builder.Worker.Deployment;

/// <summary>Which of the hosts a service's builder.yaml declares it may reach: those an administrator also allows.</summary>
public static class ServiceEgress
{
    public static (List<string> Allowed, List<string> Refused) Split(IReadOnlyList<string> declared, IEnumerable<string> administratorAllowed)
    {
        var patterns = administratorAllowed.Select(p => p.Trim().ToLowerInvariant()).ToHashSet();
        var administrator = new EgressPolicy(patterns);
        var allowed = declared.Where(host => patterns.Contains(host) || (!host.StartsWith("*.", StringComparison.Ordinal) && Allows(administrator, host))).ToList();
        return (allowed, declared.Except(allowed).ToList());
    }

    /// <summary>The policy the running service gets; null keeps it offline.</summary>
    public static EgressPolicy? PolicyFor(IReadOnlyList<string> declared, IEnumerable<string> administratorAllowed) =>
        Split(declared, administratorAllowed).Allowed is { Count: > 0 } allowed ? new EgressPolicy(allowed) : null;

    static bool Allows(EgressPolicy policy, string hostPattern)
    {
        var colon = hostPattern.LastIndexOf(':');
        return colon > 0 && int.TryParse(hostPattern[(colon + 1)..], out var port)
            ? policy.Allows(hostPattern[..colon], port)
            : policy.Allows(hostPattern, 443);
    }
}
