using Microsoft.AspNetCore.DataProtection;

namespace Builder.Core.Security;

/// <summary>Encrypts repository credentials at rest; the keys live in the database, shared by every process.</summary>
public sealed class CredentialProtector(IDataProtectionProvider provider)
{
    readonly IDataProtector _protector = provider.CreateProtector("Builder.RepositoryCredentials.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
