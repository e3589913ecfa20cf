using Builder.Core.Llm;
using Builder.Core.Persistence;
using Builder.Worker.Pipeline;
using Microsoft.EntityFrameworkCore;

namespace Builder.Worker.Agent.Transcripts;

/// <summary>
/// Where an agent step's record goes: for a phase, events, artifacts and usage rows of the run; for
/// a replay, nowhere but memory — a replay must not add to the run it reproduces.
/// </summary>
public sealed class AgentRecorder
{
    readonly PhaseRun? _run;
    readonly IDbContextFactory<BuilderDbContext>? _db;

    AgentRecorder(PhaseRun? run, IDbContextFactory<BuilderDbContext>? db)
    {
        _run = run;
        _db = db;
    }

    public static AgentRecorder ForPhase(PhaseRun run, IDbContextFactory<BuilderDbContext> db) => new(run, db);

    public static AgentRecorder ForReplay() => new(null, null);

    public bool IsReplay => _run is null;

    public Task EventAsync(string type, object payload, string? discriminator = null) =>
        _run?.RecordAsync(type, payload, discriminator) ?? Task.CompletedTask;

    public Task ArtifactAsync(string name, string text) => _run?.StoreTextAsync(name, text) ?? Task.CompletedTask;

    public async Task UsageAsync(LlmCall call)
    {
        if (_db is null)
            return;
        await using var db = await _db.CreateDbContextAsync(CancellationToken.None);
        if (await db.LlmCalls.AnyAsync(c => c.FeatureId == call.FeatureId && c.Session == call.Session && c.Index == call.Index))
            return;
        db.LlmCalls.Add(call);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            // A redelivered step recorded this call first.
        }
    }
}
