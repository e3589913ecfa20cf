using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Worker.Toolchains;
using Microsoft.EntityFrameworkCore;

namespace Builder.Worker.Verification;

/// <summary>
/// The base commit's test results, shared by every feature on that base: kept per repository, commit
/// and fingerprint (the commands, their environment, the toolchain's version and the version of the
/// report readers), so a second feature on the same base runs two suites, not three.
/// </summary>
public sealed class BaseResultsCache(IDbContextFactory<BuilderDbContext> dbFactory)
{
    /// <summary>Raised when the report readers change what they make of a report: older entries stop matching.</summary>
    const int ReaderVersion = 2;

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public sealed record Entry(IReadOnlyList<TestCaseResult> Results, Guid MeasuredBy, DateTime MeasuredAt);

    public static string Fingerprint(ToolchainCommands commands)
    {
        var text = new StringBuilder()
            .Append("readers ").Append(ReaderVersion).Append('\n')
            .Append(commands.Toolchain).Append('\n')
            .Append(ToolVersions.Of(commands.Toolchain)).Append('\n')
            .Append(commands.Restore).Append('\n')
            .Append(commands.Build).Append('\n')
            .Append(commands.Test).Append('\n')
            .Append(commands.ExitCodeTestId).Append('\n');
        foreach (var (key, value) in commands.Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
            text.Append(key).Append('=').Append(value).Append('\n');
        foreach (var path in commands.TestReportPaths)
            text.Append("report ").Append(path).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))).ToLowerInvariant();
    }

    public async Task<Entry?> FindAsync(Guid repositoryId, string baseCommit, string fingerprint, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.BaseTestRuns.AsNoTracking()
            .FirstOrDefaultAsync(r => r.RepositoryId == repositoryId && r.BaseCommit == baseCommit && r.Fingerprint == fingerprint, cancellationToken);
        if (row is null)
            return null;
        var results = JsonSerializer.Deserialize<List<TestCaseResult>>(row.Results, Json);
        return results is null ? null : new Entry(results, row.FeatureId, row.CreatedAt);
    }

    /// <summary>Stores the results unless another feature stored them first (both measured the same thing).</summary>
    public async Task StoreAsync(Repository repository, string baseCommit, string fingerprint, Guid featureId, IReadOnlyList<TestCaseResult> results,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.BaseTestRuns.AnyAsync(r => r.RepositoryId == repository.Id && r.BaseCommit == baseCommit && r.Fingerprint == fingerprint, cancellationToken))
            return;
        db.BaseTestRuns.Add(new BaseTestRun
        {
            TenantId = repository.TenantId,
            RepositoryId = repository.Id,
            BaseCommit = baseCommit,
            Fingerprint = fingerprint,
            Results = JsonSerializer.Serialize(results, Json),
            FeatureId = featureId,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique index: a feature on the same base stored the same results a moment earlier.
        }
    }
}
