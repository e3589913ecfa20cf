using Builder.Core.Domain;
using Builder.Core.Llm;
using Builder.Worker.Agent.Transcripts;
using Builder.Worker.Toolchains;

namespace Builder.Worker.Agent;

/// <summary>Everything one agent step works with: the run, the model settings, the workspace's files and where records go.</summary>
public sealed class AgentContext
{
    public required Feature Feature { get; init; }
    public required Repository Repository { get; init; }
    public required LlmSettings Settings { get; init; }
    public required LlmOptions Options { get; init; }
    public required AgentWorkspace Workspace { get; init; }
    public required AgentRecorder Recorder { get; init; }
    public required string BaseCommit { get; init; }
    public required int Attempt { get; init; }
    public required ToolchainCommands Commands { get; init; }
    public required ILogger Logger { get; init; }
    public CancellationToken CancellationToken { get; init; }

    /// <summary>The request as the requester wrote it: the one source of instructions besides Builder's own.</summary>
    public string Request => $"{Feature.Title.Trim()}\n\n{Feature.Description.Trim()}".Trim();
}
