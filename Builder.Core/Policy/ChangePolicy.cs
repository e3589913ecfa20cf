using System.Text;
using Builder.Core.Domain;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Builder.Core.Policy;

/// <summary>Why one file of a change was refused.</summary>
public sealed record PolicyViolation(string Path, string Rule, string Reason)
{
    public override string ToString() => $"{Path}: {Reason}";
}

/// <summary>
/// The rules every change must satisfy before it is built, whoever wrote it (a draft or the agent):
/// paths inside the repository and inside its allowed paths, files under the size limit, no secrets.
/// </summary>
public static class ChangePolicy
{
    /// <summary>Checks one file a change writes (content null for a deletion).</summary>
    public static IReadOnlyList<PolicyViolation> Check(string path, string? content, RepositorySettings settings, LimitOptions limits)
    {
        var violations = new List<PolicyViolation>();
        if (DraftPaths.Problem(path) is { } problem)
        {
            violations.Add(new PolicyViolation(path, "path", problem));
            return violations;
        }

        if (!IsAllowed(path, settings.AllowedPaths))
            violations.Add(new PolicyViolation(path, "allowed_paths",
                $"it is outside the repository's allowed paths ({string.Join(", ", settings.AllowedPaths!)})"));

        if (content is null)
            return violations;

        var bytes = Encoding.UTF8.GetByteCount(content);
        var limit = settings.MaxFileBytes ?? limits.MaxFileBytes;
        if (bytes > limit)
            violations.Add(new PolicyViolation(path, "file_size", $"it is {bytes:N0} bytes; the limit is {limit:N0} bytes per file"));

        foreach (var secret in SecretScanner.Scan(path, content))
            violations.Add(new PolicyViolation(path, "secret", $"line {secret.Line} looks like a {secret.Kind}; secrets never go into a repository"));

        return violations;
    }

    public static bool IsAllowed(string path, IReadOnlyList<string>? allowedPaths)
    {
        if (allowedPaths is not { Count: > 0 })
            return true;
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddIncludePatterns(allowedPaths);
        return matcher.Match(path).HasMatches;
    }
}
