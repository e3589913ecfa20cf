namespace Builder.Core.Domain;

/// <summary>One call of a tool, whoever made it (HTTP, MCP, Builder's agent): its input, how it ended, its output and log.</summary>
public sealed class ToolExecution
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public string Tool { get; set; } = "";

    /// <summary>running, succeeded, failed, timed-out or invalid-input.</summary>
    public string Status { get; set; } = "running";

    public string Input { get; set; } = "{}";
    public string? Output { get; set; }
    public string Logs { get; set; } = "";
    public int? ExitCode { get; set; }
    public long DurationMs { get; set; }
    public string? Image { get; set; }

    /// <summary>Who asked: "key:&lt;name&gt;", "mcp:&lt;key&gt;" or "agent:&lt;feature id&gt;".</summary>
    public string RequestedBy { get; set; } = "";

    public DateTime CreatedAt { get; set; }
    public DateTime? EndedAt { get; set; }
}
