using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Builder.Benchmarks.Verify;

/// <summary>
/// Builder in its embedded topology (SQLite, in-memory transport, the worker in the same process),
/// hosted in this process with a data directory of its own and a known admin key. Everything else is
/// left at its defaults: the figures are those of an out-of-the-box installation.
/// </summary>
public sealed class EmbeddedApi(string dataDirectory) : WebApplicationFactory<Builder.Api.ApiEntryPoint>
{
    const string AdminKey = "bld-bench-admin-key-0123456789";

    public string DataDirectory => dataDirectory;

    /// <summary>The package folders Builder's sandboxed restore fills and its builds read for a tenant (see DotnetToolchain's cache directories).</summary>
    public IReadOnlyDictionary<string, string> PackageCaches(Guid tenantId) => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = Path.Combine(dataDirectory, "caches", tenantId.ToString("N"), "nuget", "packages"),
        ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(dataDirectory, "caches", tenantId.ToString("N"), "nuget", "http-cache"),
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Builder:DataDirectory", dataDirectory);
        builder.UseSetting("Builder:Bootstrap:AdminKey", AdminKey);
        // Builder's own logs would bury the figures.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Warning");
        // MassTransit warns when its usage telemetry finds no network; that says nothing about the figures.
        builder.UseSetting("Logging:LogLevel:MassTransit", "Error");
        // Keys kept unencrypted in a throw-away data directory are expected here.
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.DataProtection", "Error");
    }

    public BuilderClient Admin()
    {
        var http = CreateClient();
        http.Timeout = TimeSpan.FromMinutes(2);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return new BuilderClient(http);
    }
}
