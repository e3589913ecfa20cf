namespace Builder.Core.Contracts;

// Tools live with the workers (their folder, their sandbox, their engine): the Api asks over the bus.

/// <summary>Runs the execution the Api recorded (status running); the worker fills in how it ended.</summary>
public sealed record ExecuteTool(Guid ExecutionId);

public sealed record ToolExecutionEnded(Guid ExecutionId, string Status);

/// <summary>The tools the workers have, each with its input schema and whether its image is built.</summary>
public sealed record DescribeTools;

public sealed record ToolsDescribed(IReadOnlyList<ToolDescription> Tools, IReadOnlyList<BrokenToolDescription> Broken, string? Engine);

/// <param name="InputSchema">The JSON Schema of the tool's input, as JSON text.</param>
/// <param name="Image">The tag its image has or will have; null without an engine.</param>
public sealed record ToolDescription(
    string Name, string Description, string Runtime, string? Version, string InputSchema, long TimeoutMs, IReadOnlyList<string> Network, string? Image, bool ImageBuilt);

public sealed record BrokenToolDescription(string Name, IReadOnlyList<string> Errors);

public sealed record BuildTool(string Name);

public sealed record ToolBuilt(string Name, string Image, bool Reused, string Log, long DurationMs);

/// <summary>The tool cannot be built or run: no such tool, a broken manifest, no engine, a failed build.</summary>
public sealed record ToolRefused(int Status, string Title, string Detail);
