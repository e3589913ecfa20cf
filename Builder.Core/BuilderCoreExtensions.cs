using Builder.Core.Artifacts;
using Builder.Core.Caching;
using Builder.Core.Events;
using Builder.Core.Persistence;
using Builder.Core.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;

namespace Builder.Core;

public static class BuilderCoreExtensions
{
    /// <summary>What the Api and the Worker share: options, database, event store, artifacts, credential protection.</summary>
    public static IHostApplicationBuilder AddBuilderCore(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(FeatureEventLog)))
            return builder;

        builder.Services.AddOptions<BuilderOptions>()
            .Bind(builder.Configuration.GetSection(BuilderOptions.Section))
            .PostConfigure(o => o.DataDirectory = Path.GetFullPath(o.DataDirectory, builder.Environment.ContentRootPath))
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BuilderOptions>, BuilderOptionsValidator>());

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddBuilderDatabase();
        builder.AddBuilderCache();
        builder.Services.AddHealthChecks().AddDbContextCheck<BuilderDbContext>("database", tags: ["ready"]);

        builder.Services.AddDataProtection()
            .SetApplicationName("Builder")
            .PersistKeysToDbContext<BuilderDbContext>();
        builder.Services.AddSingleton<CredentialProtector>();
        builder.Services.AddSingleton<FeatureEventLog>();
        builder.Services.AddSingleton<ArtifactStore>();
        builder.Services.AddFeatureManagement();
        builder.Services.AddSingleton<Flags.TenantFlags>();
        return builder;
    }
}
