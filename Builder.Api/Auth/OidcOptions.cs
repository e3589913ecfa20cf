using System.ComponentModel.DataAnnotations;
using Builder.Core.Domain;

namespace Builder.Api.Auth;

/// <summary>
/// The "Builder:Auth:Oidc" section: bearer tokens (JWTs) from the company's identity provider,
/// accepted beside API keys. Off while <see cref="Authority"/> is unset.
/// </summary>
public sealed class OidcOptions : IValidatableObject
{
    public const string Section = "Builder:Auth:Oidc";

    /// <summary>The issuer, e.g. https://login.example.com/realms/acme; its discovery document and keys are read from there.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must be issued for (the API's client id or resource URI).</summary>
    public string? Audience { get; set; }

    /// <summary>The claim naming the Builder tenant (its name or id).</summary>
    [Required]
    public string TenantClaim { get; set; } = "builder_tenant";

    /// <summary>The claim holding the caller's roles (a string or an array).</summary>
    [Required]
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The claim shown as who acted, in the audit log and on runs.</summary>
    [Required]
    public string NameClaim { get; set; } = "preferred_username";

    /// <summary>Role → the scopes it grants, separated by spaces. A role not listed grants nothing.</summary>
    public Dictionary<string, string> RoleScopes { get; set; } = new(StringComparer.Ordinal)
    {
        ["builder-admin"] = ApiScopes.Admin,
        ["builder-developer"] = $"{ApiScopes.FeaturesRead} {ApiScopes.FeaturesWrite} {ApiScopes.DraftsWrite}",
        ["builder-approver"] = $"{ApiScopes.FeaturesRead} {ApiScopes.ApprovalsWrite}",
        ["builder-viewer"] = ApiScopes.FeaturesRead,
    };

    /// <summary>Leeway for the clocks of Builder and the provider.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
            yield break;
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            yield return new ValidationResult($"{Section}:Authority must be an absolute http(s) URL; '{Authority}' is not.", [nameof(Authority)]);
        else if (authority.Scheme == "http" && !authority.IsLoopback)
            yield return new ValidationResult($"{Section}:Authority must use https unless it is on this machine (loopback).", [nameof(Authority)]);
        if (string.IsNullOrWhiteSpace(Audience))
            yield return new ValidationResult($"{Section}:Audience is required with an Authority: tokens for other applications must not be accepted.", [nameof(Audience)]);
        foreach (var (role, scopes) in RoleScopes)
        {
            var unknown = scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => !ApiScopes.All.Contains(s)).ToList();
            if (unknown.Count > 0)
                yield return new ValidationResult($"{Section}:RoleScopes:{role} names unknown scopes ({string.Join(", ", unknown)}); known: {string.Join(", ", ApiScopes.All)}.",
                    [nameof(RoleScopes)]);
        }
    }
}
