using System.Security.Claims;
using Builder.Api.Auth;
using Builder.Api.Features;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Flags;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Api.Improvements;

/// <summary>What a caller asks of a cycle; the seed's analysis_window_hours and max_improvements.</summary>
public sealed record StartCycleRequest(double? AnalysisWindowHours, int? MaxImprovements, List<string>? Services);

/// <summary>A cycle started, or why not: invalid input (400) or a flag that is off (409).</summary>
public sealed record CycleStart(ImprovementCycle? Cycle, Validation? Invalid, string? Refused);

/// <summary>
/// Runs an improvement cycle: reads the telemetry of the tenant's live services over the window, finds
/// opportunities, and starts a governed feature run on the service's repository for the best of them,
/// within the cycle's max improvements and the tenant's concurrent improvements, skipping what an open
/// improvement run already works on. The runs go through the whole pipeline; the tracker records how
/// they end.
/// </summary>
public sealed class ImprovementCycles(
    BuilderDbContext db, FeatureSubmitter submitter, TenantFlags flags, ImprovementMetrics metrics, IOptions<ImprovementOptions> options)
{
    public async Task<CycleStart> StartAsync(StartCycleRequest request, ClaimsPrincipal caller, string trigger, CancellationToken cancellationToken)
    {
        var tenantId = caller.TenantId();
        var validation = new Validation();
        var window = request.AnalysisWindowHours ?? 24;
        if (window is <= 0 or > 2160 || double.IsNaN(window))
            validation.Add("analysisWindowHours", "analysisWindowHours must be more than 0 and at most 2160 (90 days).");
        var max = request.MaxImprovements ?? 1;
        if (max < 1 || max > options.Value.MaxImprovementsPerCycle)
            validation.Add("maxImprovements", $"maxImprovements must be from 1 to {options.Value.MaxImprovementsPerCycle}.");
        var names = (request.Services ?? []).Distinct(StringComparer.Ordinal).ToList();
        var known = await db.Services.AsNoTracking().Where(s => s.TenantId == tenantId && names.Contains(s.Name)).Select(s => s.Name).ToListAsync(cancellationToken);
        foreach (var missing in names.Except(known))
            validation.Add("services", $"No service named '{missing}' is deployed in this tenant.");
        if (!validation.IsValid)
            return new CycleStart(null, validation, null);
        if (!await flags.IsEnabledAsync(tenantId, BuilderFlags.SelfBuilding, cancellationToken))
            return new CycleStart(null, null,
                $"The {BuilderFlags.SelfBuilding} flag is off for this tenant, so improvement cycles do not run; an administrator can switch it on (PUT /api/flags/{BuilderFlags.SelfBuilding}).");

        var cycle = new ImprovementCycle
        {
            TenantId = tenantId, Trigger = trigger, TriggeredBy = caller.Actor(), TriggeredByKeyId = caller.KeyId(), AnalysisWindowHours = window,
            MaxImprovements = max, Services = names,
        };
        db.ImprovementCycles.Add(cycle);
        Audit.AuditLog.Add(db, caller, "improvement.cycle_started", $"improvement-cycle/{cycle.Id}", new { trigger, analysisWindowHours = window, maxImprovements = max, services = names });
        await db.SaveChangesAsync(cancellationToken);
        metrics.CycleStarted(trigger);

        try
        {
            await AnalyseAndStartAsync(cycle, caller, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            cycle.State = ImprovementCycleState.Failed;
            cycle.EndedAt = DateTime.UtcNow;
            cycle.Notes.Add($"The cycle failed: {ex.Message}");
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }

        return new CycleStart(cycle, null, null);
    }

    async Task AnalyseAndStartAsync(ImprovementCycle cycle, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var since = DateTime.UtcNow - TimeSpan.FromHours(cycle.AnalysisWindowHours);
        var services = await db.Services.AsNoTracking()
            .Where(s => s.TenantId == cycle.TenantId && s.LiveVersionId != null && (cycle.Services.Count == 0 || cycle.Services.Contains(s.Name)))
            .OrderBy(s => s.Name).ToListAsync(cancellationToken);
        if (!await flags.IsEnabledAsync(cycle.TenantId, BuilderFlags.TelemetryCollection, cancellationToken))
            cycle.Notes.Add($"The {BuilderFlags.TelemetryCollection} flag is off: only telemetry collected before it was switched off is read.");
        if (services.Count == 0)
            cycle.Notes.Add("No service of this tenant has a live version to analyse.");

        var found = new List<(DeployedService Service, FoundOpportunity Opportunity)>();
        foreach (var service in services)
        {
            var telemetry = await TelemetryAsync(service, since, cancellationToken);
            cycle.Notes.AddRange(SkippedSources(service, telemetry.LiveSamples));
            found.AddRange(OpportunityRules.Find(telemetry, options.Value).Select(o => (service, o)));
        }

        var open = await OpenImprovementsAsync(cycle.TenantId, cancellationToken);
        var autonomous = await flags.IsEnabledAsync(cycle.TenantId, BuilderFlags.AutonomousImprovements, cancellationToken);
        var started = 0;
        foreach (var (service, opportunity) in found.OrderByDescending(f => f.Opportunity.Impact))
        {
            var row = new ImprovementOpportunity
            {
                CycleId = cycle.Id, TenantId = cycle.TenantId, ServiceId = service.Id, Service = service.Name, Kind = opportunity.Kind,
                Endpoint = opportunity.Endpoint, Key = opportunity.Key, Summary = Cut(opportunity.Summary, 1000), Evidence = opportunity.Evidence.ToJsonString(),
                Impact = opportunity.Impact,
            };
            db.ImprovementOpportunities.Add(row);
            if (open.Contains(opportunity.Key))
            {
                row.Decision = OpportunityDecision.Duplicate;
                continue;
            }

            if (started >= cycle.MaxImprovements || open.Count + started >= options.Value.MaxConcurrentImprovements)
            {
                row.Decision = OpportunityDecision.OverLimit;
                continue;
            }

            var submission = new FeatureSubmission(service.RepositoryId, ImprovementRequest.Title(opportunity),
                ImprovementRequest.Description(service, opportunity, cycle.AnalysisWindowHours), null, autonomous ? ApprovalMode.Auto : ApprovalMode.Final,
                null, true, $"improvement:{row.Id}", row.Id.ToString("N"));
            var outcome = await submitter.SubmitAsync(submission, caller, new Validation(), cancellationToken);
            if (outcome.Feature is { } feature)
            {
                row.Decision = OpportunityDecision.Started;
                row.FeatureId = feature.Id;
                cycle.ImpactTotal += row.Impact;
                metrics.RunStarted(row.Impact);
                started++;
            }
            else
            {
                row.Decision = OpportunityDecision.NotStarted;
                cycle.Notes.Add($"{service.Name}: no run was started for \"{row.Summary}\": {outcome.Invalid?.Describe() ?? "the submission was refused"}");
            }
        }

        var overLimit = found.Count - started - db.ChangeTracker.Entries<ImprovementOpportunity>().Count(e => e.Entity.Decision is OpportunityDecision.Duplicate or OpportunityDecision.NotStarted);
        if (overLimit > 0)
            cycle.Notes.Add($"{overLimit} opportunities were left for later: the cycle starts at most {cycle.MaxImprovements} and the tenant runs at most "
                            + $"{options.Value.MaxConcurrentImprovements} improvements at once ({open.Count} already open).");
        cycle.State = started > 0 ? ImprovementCycleState.Running : ImprovementCycleState.Completed;
        if (started == 0)
            cycle.EndedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        if (started == 0)
            metrics.CycleEnded(cycle.EndedAt!.Value - cycle.StartedAt);
    }

    async Task<ServiceTelemetry> TelemetryAsync(DeployedService service, DateTime since, CancellationToken cancellationToken)
    {
        var live = await db.ServiceVersions.AsNoTracking().FirstAsync(v => v.Id == service.LiveVersionId, cancellationToken);
        var liveSamples = await db.TelemetrySamples.AsNoTracking().Where(s => s.VersionId == live.Id && s.To >= since).ToListAsync(cancellationToken);
        var previous = await db.ServiceVersions.AsNoTracking()
            .Where(v => v.ServiceId == service.Id && v.Number < live.Number && v.LiveAt != null)
            .OrderByDescending(v => v.Number).FirstOrDefaultAsync(cancellationToken);
        var previousSamples = previous is null
            ? []
            : await db.TelemetrySamples.AsNoTracking().Where(s => s.VersionId == previous.Id).ToListAsync(cancellationToken);
        return new ServiceTelemetry(service, live, liveSamples, previous, previousSamples);
    }

    /// <summary>The sources that could not be read at their last reading in the window, and a service with no telemetry at all.</summary>
    static IEnumerable<string> SkippedSources(DeployedService service, IReadOnlyList<TelemetrySample> samples)
    {
        if (samples.Count == 0)
        {
            yield return $"{service.Name}: no telemetry in the window (collection is off, or no worker reaches the live version).";
            yield break;
        }

        foreach (var source in samples.Where(s => s.Source != TelemetrySources.Probe).GroupBy(s => s.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
            if (source.MaxBy(s => s.To) is { Error: { } error })
                yield return $"{service.Name}: the {source.Key} source was skipped ({error}); the cycle used what the other sources gave.";
    }

    /// <summary>The keys of the tenant's improvement runs that have not ended.</summary>
    async Task<HashSet<string>> OpenImprovementsAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var open = await db.ImprovementOpportunities.AsNoTracking()
            .Where(o => o.TenantId == tenantId && o.Decision == OpportunityDecision.Started && o.Outcome == null)
            .Join(db.FeatureStates.AsNoTracking(), o => o.FeatureId, s => s.CorrelationId, (o, s) => new { o.Key, s.CurrentState })
            .ToListAsync(cancellationToken);
        return open.Where(o => !FeatureStatus.IsTerminal(o.CurrentState)).Select(o => o.Key).ToHashSet();
    }

    static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}
