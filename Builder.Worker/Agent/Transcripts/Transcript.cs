using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Builder.Worker.Agent.Llm;
using Microsoft.EntityFrameworkCore;

namespace Builder.Worker.Agent.Transcripts;

/// <summary>One model call as recorded: the exact request and response with what they cost. Stored as the artifact llm-&lt;session&gt;-&lt;index&gt;.json.</summary>
public sealed record CallTranscript(
    string Session, int Index, string Function, string Provider, string Model, string Url,
    string RequestSha, int RequestBytes, int RequestTokensEstimate, JsonNode? Request,
    int Status, string ResponseBody, bool Cached, IReadOnlyList<RetryNote> Retries,
    int InputTokens, int OutputTokens, long CostMicros, long DurationMs, string? FinishReason);

/// <summary>
/// One agent step (a session): its inputs, how it ended and what it produced. Stored as the
/// artifact llm-&lt;session&gt;.json; replay starts from it.
/// </summary>
public sealed record SessionManifest(
    string Session, string Kind, int Attempt, string Status, string BaseCommit,
    string? StartChangeSha, string? StartSession, string? Feedback, string? RevisionNotes,
    int Calls, string? ResultSha, string? Error)
{
    /// <summary>Whether a gap the review found could earn one more round (the run's fix budget was not spent).</summary>
    public bool MayRevise { get; init; }
}

public static partial class TranscriptNames
{
    public static string Session(string kind, int attempt) => $"{kind}-{attempt}";

    public static string CallArtifact(string session, int index) => $"llm-{session}-{index:D3}.json";

    public static string SessionArtifact(string session) => $"llm-{session}.json";

    public static bool IsCall(string name, out string session, out int index)
    {
        var match = Call().Match(name);
        session = match.Success ? match.Groups["session"].Value : "";
        index = match.Success ? int.Parse(match.Groups["index"].Value) : 0;
        return match.Success;
    }

    public static bool IsSession(string name) => SessionName().IsMatch(name);

    [GeneratedRegex(@"^llm-(?<session>[a-z]+-\d+)-(?<index>\d{3,})\.json$")]
    private static partial Regex Call();

    [GeneratedRegex(@"^llm-[a-z]+-\d+\.json$")]
    private static partial Regex SessionName();
}

/// <summary>Reads a feature's recorded transcripts back.</summary>
public sealed class TranscriptStore(IDbContextFactory<BuilderDbContext> dbFactory)
{
    public static readonly JsonSerializerOptions Json = FeatureEventLog.Json;

    public async Task<IReadOnlyList<CallTranscript>> CallsAsync(Guid featureId, string? session, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var prefix = session is null ? "llm-" : $"llm-{session}-";
        var rows = await db.Artifacts.AsNoTracking().Where(a => a.FeatureId == featureId && a.Name.StartsWith(prefix))
            .Select(a => new { a.Name, a.Content }).ToListAsync(cancellationToken);
        return rows.Where(r => TranscriptNames.IsCall(r.Name, out var s, out _) && (session is null || s == session))
            .Select(r => JsonSerializer.Deserialize<CallTranscript>(r.Content, Json)!)
            .OrderBy(c => c.Session, StringComparer.Ordinal).ThenBy(c => c.Index)
            .ToList();
    }

    public async Task<IReadOnlyList<SessionManifest>> SessionsAsync(Guid featureId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Artifacts.AsNoTracking().Where(a => a.FeatureId == featureId && a.Name.StartsWith("llm-"))
            .Select(a => new { a.Name, a.Content }).ToListAsync(cancellationToken);
        return rows.Where(r => TranscriptNames.IsSession(r.Name))
            .Select(r => JsonSerializer.Deserialize<SessionManifest>(r.Content, Json)!)
            .OrderBy(s => s.Attempt).ThenBy(s => s.Kind == "plan" ? 0 : 1)
            .ToList();
    }

    /// <summary>The answers this feature already received, for a resumed step to reuse instead of paying again.</summary>
    public async Task<IReadOnlyList<RecordedAnswer>> AnswersAsync(Guid featureId, CancellationToken cancellationToken) =>
        (await CallsAsync(featureId, null, cancellationToken)).Where(c => c.Status == 200)
        .Select(c => new RecordedAnswer(c.RequestSha, c.ResponseBody)).ToList();
}
