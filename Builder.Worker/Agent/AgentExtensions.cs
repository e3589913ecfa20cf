using Builder.Worker.Agent.Llm;
using Builder.Worker.Agent.RepoMap;
using Builder.Worker.Agent.Steps;
using Builder.Worker.Agent.Transcripts;
using MassTransit;

namespace Builder.Worker.Agent;

public static class AgentExtensions
{
    /// <summary>The agent's services: model connections, kernels, the step plugins, the repository index cache and transcripts.</summary>
    public static IHostApplicationBuilder AddAgent(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ChatServiceFactory>();
        builder.Services.AddSingleton<AgentKernelFactory>();
        builder.Services.AddSingleton<RepoIndexCache>();
        builder.Services.AddSingleton<TranscriptStore>();
        builder.Services.AddSingleton<AgentRunner>();
        builder.Services.AddSingleton<AnalyzePlugin>();
        builder.Services.AddSingleton<PlanPlugin>();
        builder.Services.AddSingleton<GeneratePlugin>();
        builder.Services.AddSingleton<ValidatePlugin>();
        return builder;
    }

    /// <summary>Replays run on their own queue, so a long replay never holds up a phase.</summary>
    public static void AddAgentConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<ReplayFeatureConsumer>().Endpoint(e =>
        {
            e.Name = "feature-replays";
            e.ConcurrentMessageLimit = 1;
        });
}
