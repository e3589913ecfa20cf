using Builder.Worker.StateMachines;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Builder.Core;
using Builder.Core.Artifacts;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Llm;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Builder.Worker.Agent.Llm;
using Builder.Worker.Agent.RepoMap;
using Builder.Worker.Agent.Steps;
using Builder.Worker.Agent.Transcripts;
using Builder.Worker.Pipeline;
using Builder.Worker.Toolchains;
using Builder.Worker.Tools;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace Builder.Worker.Agent;

/// <summary>The change the agent wrote: the binary diff against the base, its files, and what the model said about it.</summary>
public sealed record AgentChange(byte[] Diff, IReadOnlyList<string> Files, GenerationResult Result);

/// <summary>What a replay found: whether the recorded transcripts alone reproduce the delivered change.</summary>
public sealed record ReplayOutcome(
    bool Identical, string RecordedSha, string ReplayedSha, IReadOnlyList<string> Sessions, int Calls, int RequestMismatches, int UnusedAnswers, byte[] Diff);

/// <summary>
/// Runs the agent's steps for the Plan and Generate phases, and replays a finished run from its
/// transcripts. The same code runs live and in replay; only where the model's answers come from
/// (<see cref="ModelTraffic"/>) and where records go (<see cref="AgentRecorder"/>) differ.
/// </summary>
public sealed class AgentRunner(
    PhaseServices services, ChatServiceFactory chats, AgentKernelFactory kernels, RepoIndexCache indexes, TranscriptStore transcripts,
    IDbContextFactory<BuilderDbContext> dbFactory, IOptions<BuilderOptions> options, ILogger<AgentRunner> logger)
{
    LlmOptions Llm => options.Value.Llm;

    public LlmSettings Settings(Repository repository)
    {
        var (settings, problem) = LlmSettings.Resolve(Llm, repository.Settings);
        return settings ?? throw new PhaseFailedException("no_model", problem!);
    }

    public async Task<FeaturePlan> PlanAsync(PhaseRun run, string workspace, string baseCommit, ToolchainCommands commands, string? revisionNotes)
    {
        var settings = Settings(run.Repository);
        var context = await ContextAsync(run.Feature, run.Repository, settings, workspace, baseCommit, run.Attempt, commands,
            AgentRecorder.ForPhase(run, dbFactory), run.CancellationToken);
        var (traffic, budget) = await LiveAsync(run.Feature.Id, settings, run.CancellationToken);
        var manifest = new SessionManifest(TranscriptNames.Session("plan", run.Attempt), "plan", run.Attempt, "running", baseCommit,
            null, null, null, revisionNotes, 0, null, null);
        var (plan, _) = await TrackAsync(context, manifest, async () =>
        {
            var planned = await RunPlanAsync(context, traffic, budget, revisionNotes);
            return (planned, Sha(JsonSerializer.SerializeToUtf8Bytes(planned.Plan, AgentJson.Options)), planned.Calls);
        });

        return new FeaturePlan(
            Summary: plan.Plan.Summary, BaseCommit: baseCommit, TargetBranch: run.Feature.TargetBranch, Toolchain: commands.Toolchain,
            RestoreCommand: commands.Restore, BuildCommand: commands.Build, TestCommand: commands.Test, CommandSource: commands.Source, Author: "agent",
            Files: plan.Plan.Files, RevisionNotes: revisionNotes, Steps: plan.Plan.Steps, Tests: plan.Plan.Tests, Risks: plan.Plan.Risks);
    }

    public async Task<AgentChange> GenerateAsync(PhaseRun run, GenerateChange command)
    {
        var settings = Settings(run.Repository);
        var plan = await run.LoadPlanAsync();
        // A fix round continues from the change that failed; the first round starts from the base.
        var start = command.Feedback is null ? null : await run.LoadAsync(ArtifactNames.Change);
        string? startSession = null;
        if (start is not null)
        {
            var startSha = Sha(start);
            startSession = (await transcripts.SessionsAsync(run.Feature.Id, run.CancellationToken))
                .LastOrDefault(s => s.Kind == "generate" && s.Status == "completed" && s.ResultSha == startSha)?.Session;
        }

        var workspace = await services.Workspaces.PrepareAsync(run.Repository, run.Feature.Id, command.BaseCommit, start, run.CancellationToken);
        var commands = new ToolchainCommands(plan.Toolchain, plan.RestoreCommand, plan.BuildCommand, plan.TestCommand, plan.CommandSource);
        var context = await ContextAsync(run.Feature, run.Repository, settings, workspace, command.BaseCommit, run.Attempt, commands,
            AgentRecorder.ForPhase(run, dbFactory), run.CancellationToken);
        var (traffic, budget) = await LiveAsync(run.Feature.Id, settings, run.CancellationToken);
        var mayRevise = run.State.FixRounds < options.Value.Pipeline.MaxFixRounds;
        var manifest = new SessionManifest(TranscriptNames.Session("generate", run.Attempt), "generate", run.Attempt, "running", command.BaseCommit,
            start is null ? null : Sha(start), startSession, command.Feedback, plan.RevisionNotes, 0, null, null) { MayRevise = mayRevise };

        var (change, _) = await TrackAsync(context, manifest, async () =>
        {
            var (result, calls) = await RunGenerateAsync(context, traffic, budget, AgentPlanOf(plan), command.Feedback, start is not null, mayRevise);
            var (diff, files) = await services.Workspaces.DiffAsync(workspace, run.Feature.Id, command.BaseCommit, run.CancellationToken);
            return (new AgentChange(diff, files, result), Sha(diff), calls);
        });
        return change;
    }

    public async Task<ReplayOutcome> ReplayAsync(Guid featureId, CancellationToken cancellationToken)
    {
        var loaded = await services.LoadAsync(featureId, cancellationToken) ?? throw new ReplayDivergedException($"No feature {featureId}.");
        var (feature, repository, _) = loaded;
        var recorded = (await services.Artifacts.GetAsync(featureId, ArtifactNames.Change, cancellationToken))?.Content
                       ?? throw new ReplayDivergedException("The run has no recorded change to reproduce.");
        var recordedSha = Sha(recorded);
        var sessions = await transcripts.SessionsAsync(featureId, cancellationToken);
        var last = sessions.LastOrDefault(s => s.Kind == "generate" && s.Status == "completed" && s.ResultSha == recordedSha)
                   ?? throw new ReplayDivergedException("No recorded Generate step of the agent produced the delivered change.");
        var chain = new List<SessionManifest> { last };
        while (chain[0].StartSession is { } previous)
            chain.Insert(0, sessions.Single(s => s.Session == previous));
        var planSession = sessions.LastOrDefault(s => s.Kind == "plan" && s.Status == "completed" && s.Attempt <= chain[0].Attempt)
                          ?? throw new ReplayDivergedException("The run has no completed plan step of the agent.");

        var firstCall = (await transcripts.CallsAsync(featureId, planSession.Session, cancellationToken)).FirstOrDefault();
        var (current, _) = LlmSettings.Resolve(Llm, repository.Settings);
        var settings = (current ?? new LlmSettings(firstCall?.Provider ?? LlmSettings.OpenAi, null, firstCall?.Model ?? "replay", null, Llm.Temperature,
            Llm.MaxOutputTokens, null, null)) with
        {
            Provider = firstCall?.Provider ?? current?.Provider ?? LlmSettings.OpenAi,
            Model = firstCall?.Model ?? current?.Model ?? "replay",
            Endpoint = new Uri("http://replay.invalid/v1"), // never reached: every answer comes from the transcript
            ApiKey = null,
        };

        var workspacePath = services.Workspaces.WorkspacePath(featureId, "replay");
        try
        {
            var workspace = await services.Workspaces.PrepareAsync(repository, featureId, planSession.BaseCommit, null, cancellationToken, variant: "replay");
            var commands = CommandDetector.Detect(workspace, repository.Settings);
            int calls = 0, mismatches = 0, unused = 0;

            var planContext = await ContextAsync(feature, repository, settings, workspace, planSession.BaseCommit, planSession.Attempt, commands,
                AgentRecorder.ForReplay(), cancellationToken);
            var planTraffic = ModelTraffic.Replay(await AnswersAsync(featureId, planSession.Session, cancellationToken));
            var plan = await RunPlanAsync(planContext, planTraffic, null, planSession.RevisionNotes);
            (calls, mismatches, unused) = (plan.Calls, planTraffic.ReplayMismatches, planTraffic.ReplayRemaining);

            byte[]? diff = null;
            foreach (var session in chain)
            {
                workspace = await services.Workspaces.PrepareAsync(repository, featureId, session.BaseCommit, diff, cancellationToken, variant: "replay");
                var context = await ContextAsync(feature, repository, settings, workspace, session.BaseCommit, session.Attempt, commands,
                    AgentRecorder.ForReplay(), cancellationToken);
                var traffic = ModelTraffic.Replay(await AnswersAsync(featureId, session.Session, cancellationToken));
                var (_, generateCalls) = await RunGenerateAsync(context, traffic, null, plan.Plan, session.Feedback, session.StartChangeSha is not null, session.MayRevise);
                (diff, _) = await services.Workspaces.DiffAsync(workspace, featureId, session.BaseCommit, cancellationToken);
                calls += generateCalls;
                mismatches += traffic.ReplayMismatches;
                unused += traffic.ReplayRemaining;
            }

            return new ReplayOutcome(diff!.AsSpan().SequenceEqual(recorded), recordedSha, Sha(diff!),
                [planSession.Session, .. chain.Select(s => s.Session)], calls, mismatches, unused, diff!);
        }
        finally
        {
            try
            {
                if (Directory.Exists(workspacePath))
                    Directory.Delete(workspacePath, recursive: true);
                File.Delete(workspacePath + ".state");
                await services.Git.RunAsync(services.Workspaces.MirrorPath(repository.Id), ["worktree", "prune"], CancellationToken.None);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or GitException)
            {
                logger.LogWarning(ex, "Could not remove the replay workspace of feature {FeatureId}", featureId);
            }
        }
    }

    async Task<(AgentPlan Plan, RepositoryAnalysis Analysis, int Calls)> RunPlanAsync(AgentContext context, ModelTraffic traffic, Budget? budget, string? revisionNotes)
    {
        var index = await indexes.LoadAsync(context.Repository.Id, context.BaseCommit, context.CancellationToken);
        var ranked = RepoMapBuilder.Rank(index, context.Workspace.Root, $"{context.Request}\n{revisionNotes}", out var indexChanged);
        if (indexChanged)
            await indexes.SaveAsync(context.Repository.Id, index, context.CancellationToken);

        var connection = chats.Connect(context.Settings, traffic);
        var kernel = kernels.Create(connection, context.Workspace, context.Feature, repositoryTools: []);
        using var step = new AgentStep(context, "plan", kernel, connection, traffic, budget);
        var analysis = (await kernel.InvokeAsync(kernel.Plugins["analyze"]["summarize_repository"],
            new KernelArguments { ["context"] = context, ["index"] = index, ["ranked"] = ranked }, context.CancellationToken)).GetValue<RepositoryAnalysis>()!;
        await context.Recorder.EventAsync(AgentEvents.Analyzed, analysis);
        await context.Recorder.ArtifactAsync("analysis.json", JsonSerializer.Serialize(analysis, AgentJson.Options));

        var plan = (await kernel.InvokeAsync(kernel.Plugins["plan"]["create_plan"], new KernelArguments
        {
            ["step"] = step, ["analysis"] = analysis, ["ranked"] = ranked, ["totalFiles"] = index.Files.Count, ["revisionNotes"] = revisionNotes,
        }, context.CancellationToken)).GetValue<AgentPlan>()!;
        return (plan, analysis, step.Calls);
    }

    async Task<(GenerationResult Result, int Calls)> RunGenerateAsync(
        AgentContext context, ModelTraffic traffic, Budget? budget, AgentPlan plan, string? feedback, bool fromPrevious, bool mayRevise)
    {
        var index = await indexes.LoadAsync(context.Repository.Id, context.BaseCommit, context.CancellationToken);
        var map = RepoMapBuilder.Build(index, context.Workspace.Root, $"{context.Request}\n{string.Join("\n", plan.Files.Select(f => f.Path))}",
            Llm.PlanPromptTokens / 2, out var indexChanged);
        if (indexChanged)
            await indexes.SaveAsync(context.Repository.Id, index, context.CancellationToken);

        var connection = chats.Connect(context.Settings, traffic);
        var kernel = kernels.Create(connection, context.Workspace, context.Feature, await RepositoryToolsAsync(context));
        using var step = new AgentStep(context, "generate", kernel, connection, traffic, budget);
        var root = context.Workspace.Root;
        var result = (await kernel.InvokeAsync(kernel.Plugins["generate"]["write_change"], new KernelArguments
        {
            ["step"] = step, ["plan"] = plan, ["map"] = map.Text, ["feedback"] = feedback, ["fromPrevious"] = fromPrevious, ["mayRevise"] = mayRevise,
            ["diff"] = (Func<Task<string>>)(async () =>
                Encoding.UTF8.GetString((await services.Workspaces.DiffAsync(root, context.Feature.Id, context.BaseCommit, context.CancellationToken)).Diff)),
        }, context.CancellationToken)).GetValue<GenerationResult>()!;
        return (result, step.Calls);
    }

    /// <summary>
    /// The tools the repository carries, as the generate step starts. A broken one is skipped, never
    /// the run: an event says which and why.
    /// </summary>
    static async Task<IReadOnlyList<ToolManifest>> RepositoryToolsAsync(AgentContext context)
    {
        var (tools, broken) = RepositoryTools.Find(context.Workspace.Root);
        foreach (var tool in broken)
            await context.Recorder.EventAsync(EventTypes.RepositoryToolSkipped, new
            {
                tool = tool.Name, manifest = $"{RepositoryTools.Folder}/{tool.Name}/{ToolManifest.FileName}", errors = tool.Errors,
                notice = $"The repository's tool '{tool.Name}' is not offered to the agent: {string.Join("; ", tool.Errors)}",
            }, tool.Name);
        if (tools.Count > 0)
            await context.Recorder.EventAsync(EventTypes.RepositoryToolsOffered, new { tools = tools.Select(t => t.Name) });
        return tools;
    }

    /// <summary>Records the step's manifest before and after it runs, so a replay (or a person) knows its inputs and how it ended.</summary>
    static async Task<(T Value, string ResultSha)> TrackAsync<T>(AgentContext context, SessionManifest manifest, Func<Task<(T Value, string ResultSha, int Calls)>> run)
    {
        var name = TranscriptNames.SessionArtifact(manifest.Session);
        await context.Recorder.ArtifactAsync(name, JsonSerializer.Serialize(manifest, TranscriptStore.Json));
        try
        {
            var (value, sha, calls) = await run();
            await context.Recorder.ArtifactAsync(name, JsonSerializer.Serialize(manifest with { Status = "completed", ResultSha = sha, Calls = calls }, TranscriptStore.Json));
            return (value, sha);
        }
        catch (PhaseFailedException ex)
        {
            var status = ex.ErrorCode == FeatureStateMachine.BudgetExceeded ? "paused" : "failed";
            await context.Recorder.ArtifactAsync(name, JsonSerializer.Serialize(manifest with { Status = status, Error = ex.Message }, TranscriptStore.Json));
            throw;
        }
    }

    async Task<(ModelTraffic Traffic, Budget Budget)> LiveAsync(Guid featureId, LlmSettings settings, CancellationToken cancellationToken)
    {
        var budget = await Budget.LoadAsync(dbFactory, featureId, settings, cancellationToken);
        var answers = await transcripts.AnswersAsync(featureId, cancellationToken);
        var traffic = ModelTraffic.Live(answers, inputTokens =>
        {
            budget.Check(inputTokens, settings.MaxOutputTokens, Pricing.CostMicros(Llm, settings.Model, inputTokens, settings.MaxOutputTokens));
            return Task.CompletedTask;
        });
        return (traffic, budget);
    }

    async Task<IReadOnlyList<RecordedAnswer>> AnswersAsync(Guid featureId, string session, CancellationToken cancellationToken) =>
        (await transcripts.CallsAsync(featureId, session, cancellationToken)).Select(c => new RecordedAnswer(c.RequestSha, c.ResponseBody)).ToList();

    async Task<AgentContext> ContextAsync(Feature feature, Repository repository, LlmSettings settings, string workspace, string baseCommit, int attempt,
        ToolchainCommands commands, AgentRecorder recorder, CancellationToken cancellationToken)
    {
        var listing = await services.Git.RunAsync(workspace, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], cancellationToken);
        var files = listing.Split('\0', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal);
        var agentWorkspace = new AgentWorkspace(workspace, files, repository.Settings, options.Value.Limits);
        agentWorkspace.OnRefused = refusal => recorder.EventAsync(AgentEvents.Refused, refusal, $"{attempt}:{agentWorkspace.Refusals.Count}");
        return new AgentContext
        {
            Feature = feature, Repository = repository, Settings = settings, Options = Llm, Workspace = agentWorkspace, Recorder = recorder,
            BaseCommit = baseCommit, Attempt = attempt, Commands = commands, Logger = logger, CancellationToken = cancellationToken,
        };
    }

    static AgentPlan AgentPlanOf(FeaturePlan plan) => new(plan.Summary, plan.Steps ?? [], plan.Files, plan.Tests ?? [], plan.Risks ?? []);

    public static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
