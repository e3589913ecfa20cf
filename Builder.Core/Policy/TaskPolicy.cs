using Builder.Core.Contracts;
using Builder.Core.Domain;

namespace Builder.Core.Policy;

/// <summary>
/// The checks a task's file must pass: a safe path inside the task's scope, and the repository's
/// change policy (allowed paths, size, secrets). Each check is reported, passed or not, so a dry run
/// can show the whole verdict and an upload can refuse with every reason at once.
/// </summary>
public static class TaskPolicy
{
    public const string Path = "path";
    public const string Scope = "scope";
    public const string AllowedPaths = "allowed_paths";
    public const string FileSize = "file_size";
    public const string Secrets = "secret";

    public static IReadOnlyList<FileCheck> Check(BuilderTask task, string path, string? content, RepositorySettings settings, LimitOptions limits)
    {
        if (DraftPaths.Problem(path) is { } problem)
            return [new FileCheck(Path, false, problem)];

        var violations = ChangePolicy.Check(path, content, settings, limits);
        string? Reason(string rule) => violations.Where(v => v.Rule == rule).Select(v => v.Reason).FirstOrDefault();
        return
        [
            new FileCheck(Path, true, null),
            new FileCheck(Scope, task.InScope(path), task.InScope(path) ? null : $"it is outside the task's scope ({string.Join(", ", task.Scope)})"),
            new FileCheck(AllowedPaths, Reason(AllowedPaths) is null, Reason(AllowedPaths)),
            new FileCheck(FileSize, Reason(FileSize) is null, Reason(FileSize)),
            new FileCheck(Secrets, Reason(Secrets) is null,
                violations.Any(v => v.Rule == Secrets) ? string.Join("; ", violations.Where(v => v.Rule == Secrets).Select(v => v.Reason)) : null),
        ];
    }
}
