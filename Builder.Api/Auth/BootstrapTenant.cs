using Builder.Core;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Api.Auth;

/// <summary>
/// Creates the first tenant and its admin key on first start. The key comes from
/// <c>Builder:Bootstrap:AdminKey</c>; without one, a key is generated and written to
/// <c>&lt;data directory&gt;/admin-key</c> (mode 0600) — never to the log.
/// </summary>
public sealed class BootstrapTenant(IDbContextFactory<BuilderDbContext> dbFactory, IOptions<BuilderOptions> options, ILogger<BootstrapTenant> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var bootstrap = options.Value.Bootstrap;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var tenant = await db.Tenants.OrderBy(t => t.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (tenant is not null && string.IsNullOrWhiteSpace(bootstrap.AdminKey))
            return;

        var key = bootstrap.AdminKey?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            key = ApiKeyGenerator.Create().Key;
            var file = Path.Combine(options.Value.DataDirectory, "admin-key");
            Directory.CreateDirectory(options.Value.DataDirectory);
            await File.WriteAllTextAsync(file, key + "\n", cancellationToken);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            logger.LogWarning("No Builder:Bootstrap:AdminKey was configured: generated an admin key and stored it in {File}", file);
        }
        else if (key.Length < 16)
        {
            throw new OptionsValidationException(BuilderOptions.Section, typeof(BuilderOptions),
                ["Builder:Bootstrap:AdminKey must be at least 16 characters long."]);
        }

        var prefix = ApiKeyGenerator.LookupPrefix(key);
        if (await db.ApiKeys.AnyAsync(k => k.Prefix == prefix, cancellationToken))
            return;

        if (tenant is null)
        {
            tenant = new Tenant { Name = bootstrap.TenantName };
            db.Tenants.Add(tenant);
        }

        db.ApiKeys.Add(new ApiKey { TenantId = tenant.Id, Name = "admin", Prefix = prefix, Hash = ApiKeyGenerator.Hash(key), Scopes = ApiScopes.Admin });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Bootstrapped tenant {Tenant} with an admin key (prefix {Prefix})", tenant.Name, prefix);
        }
        catch (DbUpdateException)
        {
            // Another API process may have bootstrapped the same key at the same moment.
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (!await fresh.ApiKeys.AnyAsync(k => k.Prefix == prefix, cancellationToken))
                throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
