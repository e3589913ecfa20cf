using System.Security.Claims;
using System.Text.Json;
using Builder.Api.Auth;
using Builder.Core.Domain;
using Builder.Core.Persistence;

namespace Builder.Api.Audit;

/// <summary>
/// Records a caller's action in the tenant's audit log. <see cref="Add"/> joins the change's own
/// SaveChanges, so the action and its record are stored together or not at all.
/// </summary>
public static class AuditLog
{
    public static void Add(BuilderDbContext db, ClaimsPrincipal user, string action, string target, object? details = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            TenantId = user.TenantId(),
            Actor = user.Actor(),
            KeyId = user.KeyId(),
            Action = action,
            Target = target,
            Details = details is null ? null : JsonSerializer.Serialize(details, JsonSerializerOptions.Web),
        });

    /// <summary>For actions whose effect is a message rather than a row (gate decisions): the record is stored on its own.</summary>
    public static async Task RecordAsync(BuilderDbContext db, ClaimsPrincipal user, string action, string target, object? details, CancellationToken cancellationToken)
    {
        Add(db, user, action, target, details);
        await db.SaveChangesAsync(cancellationToken);
    }
}
