using Builder.Api.Infrastructure;
using Builder.Core;
using Builder.Core.Domain;
using Builder.Core.Policy;

namespace Builder.Api.Features;

/// <summary>Checks a submitted draft before anything is stored: paths, modes, sizes, duplicates.</summary>
public static class DraftValidation
{
    /// <param name="noModel">Why Builder's agent cannot write the change for this repository, or null when it can: a request without a draft is then valid.</param>
    public static IReadOnlyList<DraftFile> Validate(DraftRequest? draft, RepositorySettings settings, LimitOptions limits, Validation validation, string? noModel)
    {
        if (draft?.Files is not { Count: > 0 } files)
        {
            if (noModel is not null)
                validation.Add("draft", $"draft.files is required: {noModel}");
            return [];
        }

        if (files.Count > limits.MaxDraftFiles)
            validation.Add("draft.files", $"The draft has {files.Count} files; the limit is {limits.MaxDraftFiles}.");

        return CheckFiles(files, i => $"draft.files[{i}]", "the draft", (path, content) =>
            ChangePolicy.Check(path, content, settings, limits).Select(v => new Refusal(v.Rule is "path" or "allowed_paths", v.Reason)), validation);
    }

    /// <summary>Why the policy refuses a file; <see cref="OfPath"/> when the path is at fault rather than the content.</summary>
    public sealed record Refusal(bool OfPath, string Reason);

    /// <summary>
    /// The checks every way of handing in files shares (a feature's draft, a task's uploads): nulls,
    /// duplicates, the policy's refusals, and a mode that fits the content. Fields are named by
    /// <paramref name="fieldOf"/>; the files that are whole are returned.
    /// </summary>
    public static IReadOnlyList<DraftFile> CheckFiles(IReadOnlyList<DraftFileRequest?> files, Func<int, string> fieldOf, string where,
        Func<string, string?, IEnumerable<Refusal>> refusals, Validation validation)
    {
        var result = new List<DraftFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            var field = fieldOf(i);
            if (files[i] is not { } file)
            {
                validation.Add(field, $"{field} is null.");
                continue;
            }

            if (file.Path is not null && !seen.Add(file.Path))
                validation.Add($"{field}.path", $"'{file.Path}' appears more than once in {where}.");
            foreach (var refusal in refusals(file.Path ?? "", file.Mode is DraftFileMode.Delete ? null : file.Content))
                validation.Add(refusal.OfPath ? $"{field}.path" : $"{field}.content", $"'{file.Path}' was refused: {refusal.Reason}.");

            if (file.Mode is null)
                validation.Add($"{field}.mode", $"{field}.mode is required: add, replace or delete.");
            else if (file.Mode is DraftFileMode.Delete && file.Content is not null)
                validation.Add($"{field}.content", "A deleted file has no content; omit content.");
            else if (file.Mode is not DraftFileMode.Delete && file.Content is null)
                validation.Add($"{field}.content", $"{field}.content is required for mode {file.Mode.ToString()!.ToLowerInvariant()}.");

            if (file is { Path: not null, Mode: not null })
                result.Add(new DraftFile(file.Path, file.Mode.Value, file.Content));
        }

        return result;
    }
}
