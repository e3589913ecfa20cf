using System.Globalization;
using System.Security.Claims;
using Builder.Web.Services;

namespace Builder.Web.Account;

/// <summary>
/// What the sign-in cookie carries: the API key and the answer of <c>GET /api/me</c>, as claims of
/// the ticket that cookie authentication encrypts with Data Protection. The browser holds only
/// the encrypted ticket; the key is read back on the server when a circuit starts.
/// </summary>
public static class SessionClaims
{
    public const string Scheme = "Builder.Session";

    const string ApiKey = "builder:api-key";
    const string TenantId = "builder:tenant-id";
    const string TenantName = "builder:tenant-name";
    const string KeyName = "builder:key-name";
    const string Scope = "builder:scope";

    public static ClaimsPrincipal Create(string apiKey, Me me)
    {
        List<Claim> claims =
        [
            new(ApiKey, apiKey),
            // Antiforgery ties its tokens to the user through this claim; the key name is stable and not secret.
            new(ClaimTypes.NameIdentifier, $"{me.TenantId:N}/{me.KeyName}"),
            new(ClaimTypes.Name, me.KeyName),
            new(TenantId, me.TenantId.ToString("D", CultureInfo.InvariantCulture)),
            new(TenantName, me.TenantName),
            new(KeyName, me.KeyName),
            .. me.Scopes.Select(s => new Claim(Scope, s)),
        ];
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
    }

    /// <summary>The key and its owner from a signed-in principal; false for anyone else.</summary>
    public static bool TryRead(ClaimsPrincipal user, out string apiKey, out Me me)
    {
        apiKey = user.FindFirstValue(ApiKey) ?? "";
        me = default!;
        if (user.Identity?.IsAuthenticated != true || apiKey.Length == 0
            || !Guid.TryParse(user.FindFirstValue(TenantId), out var tenantId))
            return false;
        me = new Me(tenantId, user.FindFirstValue(TenantName) ?? "", user.FindFirstValue(KeyName) ?? "",
            [.. user.FindAll(Scope).Select(c => c.Value)]);
        return true;
    }
}
