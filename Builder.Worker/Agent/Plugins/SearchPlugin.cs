using System.ComponentModel;
using System.Text;
using System.Text.RegularExpressions;
using Builder.Worker.Agent.Prompts;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.SemanticKernel;

namespace Builder.Worker.Agent.Plugins;

/// <summary>Searches the repository's text by regular expression, with bounded time and output.</summary>
public sealed class SearchPlugin(AgentWorkspace workspace)
{
    const long MaxFileBytes = 1024 * 1024;
    const long MaxScannedBytes = 200L * 1024 * 1024;

    [KernelFunction("search_text"), Description("Searches the repository's files for a regular expression (.NET syntax) and returns matching lines as path:line: text.")]
    public async Task<string> SearchTextAsync(
        [Description("The regular expression, e.g. 'class\\s+Order\\b'.")] string pattern,
        [Description("Only files matching this glob, e.g. 'src/**/*.py'. Empty searches every file.")] string? glob = null,
        [Description("The most matching lines to return.")] int maxResults = 50,
        CancellationToken cancellationToken = default)
    {
        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            return $"ERROR: '{pattern}' is not a valid regular expression: {ex.Message}";
        }

        Matcher? matcher = null;
        if (!string.IsNullOrWhiteSpace(glob))
        {
            matcher = new Matcher(StringComparison.Ordinal);
            matcher.AddInclude(glob.Trim());
        }

        maxResults = Math.Clamp(maxResults, 1, 200);
        var results = new StringBuilder();
        var found = 0;
        long scanned = 0;
        foreach (var path in workspace.Files)
        {
            if (matcher is not null && !matcher.Match(path).HasMatches)
                continue;
            var (full, _) = workspace.ResolveRead(path);
            if (full is null || !File.Exists(full))
                continue;
            var size = new FileInfo(full).Length;
            if (size > MaxFileBytes)
                continue;
            if ((scanned += size) > MaxScannedBytes)
            {
                results.Append("(search stopped: too much text; narrow it with a glob)\n");
                break;
            }

            var text = await File.ReadAllTextAsync(full, cancellationToken);
            if (text.Contains('\0'))
                continue;
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                bool hit;
                try
                {
                    hit = regex.IsMatch(lines[i]);
                }
                catch (RegexMatchTimeoutException)
                {
                    return $"ERROR: the expression '{pattern}' is too slow to evaluate; simplify it.";
                }

                if (!hit)
                    continue;
                var line = lines[i].Trim();
                results.Append(path).Append(':').Append(i + 1).Append(": ").Append(line.Length > 200 ? line[..200] + "…" : line).Append('\n');
                if (++found >= maxResults)
                {
                    results.Append($"(stopped at {maxResults} matches)\n");
                    return Fence.Data($"search_text {pattern}", results.ToString().TrimEnd());
                }
            }
        }

        return found == 0 ? $"No line matches '{pattern}'." : Fence.Data($"search_text {pattern}", results.ToString().TrimEnd());
    }
}
