using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;

namespace Builder.Api.Mcp;

/// <summary>
/// The tools run the HTTP endpoints' handlers, whose problems name the JSON fields of the REST
/// requests (repositoryId, draft.files[0].path); a tool's caller knows only the tool's own argument
/// names (repository_id, draft_files[0].path), so a tool error says those.
/// </summary>
public static partial class ArgumentNames
{
    static readonly Dictionary<string, string> Arguments = new(StringComparer.Ordinal)
    {
        ["draft.files"] = "draft_files",
        ["repositoryId"] = "repository_id",
        ["targetBranch"] = "target_branch",
        ["approvalMode"] = "approval_mode",
        ["testsRequired"] = "tests_required",
        ["Idempotency-Key"] = "idempotency_key",
        ["pageSize"] = "page_size",
        ["featureId"] = "feature_id",
        ["taskId"] = "task_id",
        ["analysisWindowHours"] = "analysis_window_hours",
        ["maxImprovements"] = "max_improvements",
    };

    public static ProblemDetails Translate(ProblemDetails problem)
    {
        problem.Detail = problem.Detail is null ? null : Rename(problem.Detail);
        if (problem is HttpValidationProblemDetails validation)
        {
            var errors = validation.Errors.ToDictionary(
                e => e.Key == "draft" ? "draft_files" : Rename(e.Key), e => e.Value.Select(Rename).ToArray(), StringComparer.Ordinal);
            validation.Errors.Clear();
            foreach (var (field, messages) in errors)
                validation.Errors[field] = messages;
        }

        return problem;
    }

    static string Rename(string text) => FieldName().Replace(text, m => Arguments[m.Value]);

    [GeneratedRegex(@"(?<![\w.\-])(draft\.files|repositoryId|targetBranch|approvalMode|testsRequired|Idempotency-Key|pageSize|featureId|taskId|analysisWindowHours|maxImprovements)(?![\w\-])")]
    private static partial Regex FieldName();
}
