using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Builder.Core.Domain;

namespace Builder.Api.Mcp;

/// <summary>One file of a draft as a tool argument; the properties' descriptions become its JSON schema.</summary>
public sealed class McpDraftFile
{
    [Required]
    [Description("Repository-relative path with forward slashes, e.g. \"src/reports/summary.py\". No leading '/', no '..', nothing under .git/.")]
    public string? Path { get; init; }

    [Required]
    [Description("add: create a file that does not exist on the target branch; replace: overwrite an existing file with 'content'; delete: remove an existing file (omit 'content').")]
    public DraftFileMode? Mode { get; init; }

    [Description("The complete new text of the file (UTF-8), not a patch. Required for add and replace; omit for delete.")]
    public string? Content { get; init; }
}

/// <summary>The public statuses of a run, for filtering, spelled as the API returns them (the tools' enum converter would camel-case them).</summary>
public enum RunStatus
{
    [JsonStringEnumMemberName("Requested")] Requested,
    [JsonStringEnumMemberName("Running")] Running,
    [JsonStringEnumMemberName("AwaitingApproval")] AwaitingApproval,
    [JsonStringEnumMemberName("Completed")] Completed,
    [JsonStringEnumMemberName("Failed")] Failed,
    [JsonStringEnumMemberName("Cancelled")] Cancelled,
    [JsonStringEnumMemberName("Rejected")] Rejected,
    [JsonStringEnumMemberName("RolledBack")] RolledBack,
}
