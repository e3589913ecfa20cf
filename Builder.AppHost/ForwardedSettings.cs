using Microsoft.Extensions.Configuration;

namespace Builder.AppHost;

/// <summary>
/// Builder's own settings given to the AppHost (Builder__Auth__Oidc__Authority=... in its environment,
/// --Builder:Hosting:Hosts:git.example.com=gitea on its command line, or its appsettings) passed on to
/// every project it starts as the environment variables .NET configuration reads, so the one command
/// configures the whole platform. The data folder is the AppHost's to set per project.
/// </summary>
public static class ForwardedSettings
{
    public static IReadOnlyDictionary<string, string> From(IConfiguration configuration) =>
        configuration.GetSection("Builder").AsEnumerable(makePathsRelative: false)
            .Where(entry => entry.Value is not null && !entry.Key.Equals("Builder:DataDirectory", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(entry => entry.Key.Replace(":", "__", StringComparison.Ordinal), entry => entry.Value!, StringComparer.Ordinal);
}
