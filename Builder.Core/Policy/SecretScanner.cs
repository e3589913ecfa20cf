using System.Text.RegularExpressions;

namespace Builder.Core.Policy;

/// <summary>A secret found in a file: where and what kind. The secret itself is never kept.</summary>
public sealed record SecretFinding(string Path, int Line, string Kind);

/// <summary>
/// Finds credentials in text before they reach a branch: cloud and forge tokens by their known
/// shapes, private keys by their armour, and high-entropy values assigned to secret-sounding names.
/// </summary>
public static partial class SecretScanner
{
    static readonly (string Kind, Regex Pattern)[] KnownShapes =
    [
        ("AWS access key id", AwsAccessKey()),
        ("AWS secret access key", AwsSecretKey()),
        ("GitHub token", GitHubToken()),
        ("GitLab token", GitLabToken()),
        ("Slack token", SlackToken()),
        ("Google API key", GoogleApiKey()),
        ("Stripe secret key", StripeKey()),
        ("private key", PrivateKey()),
    ];

    public static IReadOnlyList<SecretFinding> Scan(string path, string content)
    {
        var findings = new List<SecretFinding>();
        var lines = content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length > 4000)
                line = line[..4000];
            var before = findings.Count;
            foreach (var (kind, pattern) in KnownShapes)
                if (pattern.IsMatch(line))
                    findings.Add(new SecretFinding(path, i + 1, kind));
            if (findings.Count > before)
                continue;

            foreach (Match match in Assignment().Matches(line))
            {
                var value = match.Groups["value"].Value;
                if (LooksLikeSecret(value))
                    findings.Add(new SecretFinding(path, i + 1, $"high-entropy value assigned to '{match.Groups["name"].Value}'"));
            }
        }

        return findings.DistinctBy(f => (f.Line, f.Kind)).ToList();
    }

    static bool LooksLikeSecret(string value)
    {
        if (value.Length < 16 || value.Contains("${") || value.Contains("{{") || value.StartsWith('<'))
            return false;
        var lower = value.ToLowerInvariant();
        if (lower.Contains("example") || lower.Contains("changeme") || lower.Contains("placeholder") || lower.Distinct().Count() < 6)
            return false;
        return Entropy(value) >= 3.5 && value.Any(char.IsDigit) && value.Any(char.IsLetter);
    }

    /// <summary>Shannon entropy in bits per character.</summary>
    public static double Entropy(string value) =>
        -value.GroupBy(c => c).Sum(g => (double)g.Count() / value.Length * Math.Log2((double)g.Count() / value.Length));

    [GeneratedRegex(@"\b(AKIA|ASIA)[0-9A-Z]{16}\b")]
    private static partial Regex AwsAccessKey();

    [GeneratedRegex(@"(?i)aws_?secret_?access_?key\W{0,5}[A-Za-z0-9/+=]{40}")]
    private static partial Regex AwsSecretKey();

    [GeneratedRegex(@"\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\bglpat-[A-Za-z0-9_\-]{20,}")]
    private static partial Regex GitLabToken();

    [GeneratedRegex(@"\bxox[abprs]-[A-Za-z0-9-]{10,}")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"\bAIza[0-9A-Za-z_\-]{35}")]
    private static partial Regex GoogleApiKey();

    [GeneratedRegex(@"\b[sr]k_live_[0-9a-zA-Z]{24,}")]
    private static partial Regex StripeKey();

    [GeneratedRegex(@"-----BEGIN ((RSA|EC|DSA|OPENSSH|PGP|ENCRYPTED) )?PRIVATE KEY( BLOCK)?-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"(?i)(?<name>[A-Za-z0-9_.\-]*(password|passwd|secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|client[_\-]?secret)[A-Za-z0-9_.\-]*)[""']?\s*[:=]\s*[""']?(?<value>[A-Za-z0-9+/_\-=.]{16,})")]
    private static partial Regex Assignment();
}
