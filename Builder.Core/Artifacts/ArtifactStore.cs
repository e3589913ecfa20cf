using Builder.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Core.Artifacts;

/// <summary>Stores run outputs in the database so every process (and every worker) sees them.</summary>
public sealed class ArtifactStore(IDbContextFactory<BuilderDbContext> dbFactory, IOptions<BuilderOptions> options)
{
    public async Task PutAsync(Guid featureId, Guid tenantId, string name, string contentType, byte[] content, CancellationToken cancellationToken = default)
    {
        var max = options.Value.Limits.MaxArtifactBytes;
        var truncated = content.Length > max;
        var stored = truncated ? content[^max..] : content;

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var artifact = await db.Artifacts.FirstOrDefaultAsync(a => a.FeatureId == featureId && a.Name == name, cancellationToken);
        if (artifact is null)
        {
            artifact = new Artifact { FeatureId = featureId, TenantId = tenantId, Name = name, ContentType = contentType, Content = stored };
            db.Artifacts.Add(artifact);
        }

        artifact.ContentType = contentType;
        artifact.Content = stored;
        artifact.OriginalSize = content.Length;
        artifact.Truncated = truncated;
        artifact.CreatedAt = DateTime.UtcNow;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent duplicate of the same phase stored it first; its content is equivalent.
        }
    }

    public Task PutTextAsync(Guid featureId, Guid tenantId, string name, string text, CancellationToken cancellationToken = default) =>
        PutAsync(featureId, tenantId, name, name.EndsWith(".json") ? "application/json" : "text/plain; charset=utf-8",
            System.Text.Encoding.UTF8.GetBytes(text), cancellationToken);

    public async Task<Artifact?> GetAsync(Guid featureId, string name, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Artifacts.AsNoTracking().FirstOrDefaultAsync(a => a.FeatureId == featureId && a.Name == name, cancellationToken);
    }
}
