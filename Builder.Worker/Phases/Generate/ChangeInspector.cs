using Builder.Core;
using Builder.Core.Domain;
using Builder.Core.Policy;

namespace Builder.Worker.Phases.Generate;

/// <summary>Applies the change policy to the files a change touched, as they are in the workspace (whoever wrote them).</summary>
public static class ChangeInspector
{
    public static IReadOnlyList<PolicyViolation> Inspect(string workspace, IReadOnlyList<string> files, RepositorySettings settings, LimitOptions limits)
    {
        var root = Path.GetFullPath(workspace) + Path.DirectorySeparatorChar;
        var violations = new List<PolicyViolation>();
        foreach (var path in files)
        {
            var full = Path.Combine(workspace, path);
            var info = new FileInfo(full);
            if (info.LinkTarget is { } target)
            {
                var resolved = Path.GetFullPath(target, Path.GetDirectoryName(full)!);
                if (!resolved.StartsWith(root, StringComparison.Ordinal))
                    violations.Add(new PolicyViolation(path, "symlink", $"it is a symlink to '{target}', outside the workspace"));
                continue;
            }

            string? content = null;
            if (info.Exists)
            {
                if (info.Length > 64L * 1024 * 1024)
                {
                    violations.Add(new PolicyViolation(path, "file_size", $"it is {info.Length:N0} bytes"));
                    continue;
                }

                content = File.ReadAllText(full);
            }

            violations.AddRange(ChangePolicy.Check(path, content, settings, limits));
        }

        return violations;
    }
}
