using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Builder.Worker.PullRequests;

public static class HostingExtensions
{
    /// <summary>The hosts' clients (pull requests, statuses, new repositories), their options from "Builder:Hosting" (validated at start) and the resolver.</summary>
    public static IHostApplicationBuilder AddPullRequestHosts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddPullRequestHosts(builder.Configuration);
        return builder;
    }

    /// <inheritdoc cref="AddPullRequestHosts(IHostApplicationBuilder)"/>
    public static IServiceCollection AddPullRequestHosts(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(PullRequestHostResolver)))
            return services;

        services.AddOptions<HostingOptions>()
            .Bind(configuration.GetSection(HostingOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HostingOptions>, HostingOptionsValidator>());
        services.AddSingleton<HostingHttp>();
        services.AddSingleton<GitHubPullRequestHost>();
        services.AddSingleton<GitLabMergeRequestHost>();
        services.AddSingleton<IPullRequestHost>(sp => sp.GetRequiredService<GitHubPullRequestHost>());
        services.AddSingleton<IPullRequestHost>(sp => sp.GetRequiredService<GitLabMergeRequestHost>());
        services.AddSingleton<IPullRequestHost, GiteaPullRequestHost>();
        services.AddSingleton<IPullRequestHost, AzureDevOpsPullRequestHost>();
        services.AddSingleton<IPullRequestHost, BitbucketPullRequestHost>();
        services.AddSingleton<IPullRequestHost, BitbucketServerPullRequestHost>();
        services.AddSingleton<PullRequestHostResolver>();
        // Where generated components may live besides a local bare repository.
        services.AddSingleton<IRepositoryCreator>(sp => sp.GetRequiredService<GitHubPullRequestHost>());
        services.AddSingleton<IRepositoryCreator>(sp => sp.GetRequiredService<GitLabMergeRequestHost>());
        services.AddSingleton<RepositoryCreators>();
        return services;
    }
}
