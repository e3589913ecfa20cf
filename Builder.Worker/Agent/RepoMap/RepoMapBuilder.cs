using System.Text;
using System.Text.RegularExpressions;
using Builder.Worker.Agent.Llm;

namespace Builder.Worker.Agent.RepoMap;

/// <summary>A ranked file of the map with the symbols shown for it.</summary>
public sealed record RankedFile(string Path, double Score, IReadOnlyList<Symbol> Symbols);

/// <summary>The map as the model sees it, and what was left out.</summary>
public sealed record RepoMapResult(string Text, IReadOnlyList<RankedFile> Ranked, int TotalFiles, int ShownFiles, int Tokens);

/// <summary>
/// Builds the repository map of a request: files and their symbols ranked by how well their paths
/// and declarations match the request's words, how often other candidate files refer to their
/// symbols, and how close they sit to the best matches — then cut to a token budget. Only a bounded
/// set of candidate files is ever read, however large the repository.
/// </summary>
public static partial class RepoMapBuilder
{
    const int MaxCandidates = 300;
    const long MaxReadBytes = 256 * 1024;

    static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "with", "that", "this", "from", "into", "when", "should", "must", "add", "adds", "new", "use", "make", "can", "not",
        "are", "was", "has", "have", "its", "our", "your", "all", "any", "but", "one", "two", "get", "set", "let", "out", "test", "tests",
    };

    public static IReadOnlySet<string> Terms(string text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match word in Word().Matches(text))
            foreach (var part in SplitIdentifier(word.Value))
                if (part.Length >= 3 && !StopWords.Contains(part))
                    terms.Add(part);
        return terms;
    }

    public static RepoMapResult Build(RepoIndex index, string workspace, string request, int tokenBudget, out bool indexChanged) =>
        Render(Rank(index, workspace, request, out indexChanged), index.Files.Count, tokenBudget);

    /// <summary>Every file of the commit, best first, with the symbols to show for the candidates.</summary>
    public static IReadOnlyList<RankedFile> Rank(RepoIndex index, string workspace, string request, out bool indexChanged)
    {
        indexChanged = false;
        var terms = Terms(request);
        var pathScores = index.Files.ToDictionary(f => f.Path, f => PathScore(f.Path, terms), StringComparer.Ordinal);

        // Candidates: the best path matches, then the files near the root (where entry points and
        // build files live), then nothing more: a 20,000-file tree is listed, never read.
        var candidates = index.Files
            .Where(f => pathScores[f.Path] > 0 && f.Size <= MaxReadBytes)
            .OrderByDescending(f => pathScores[f.Path]).ThenBy(f => f.Path, StringComparer.Ordinal)
            .Take(MaxCandidates / 2)
            .Concat(index.Files.Where(f => f.Size <= MaxReadBytes && SymbolOutliner.LanguageOf(f.Path) is not null)
                .OrderBy(f => Depth(f.Path)).ThenBy(f => f.Path, StringComparer.Ordinal).Take(MaxCandidates))
            .DistinctBy(f => f.Path)
            .Take(MaxCandidates)
            .ToList();

        var identifiers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in candidates)
        {
            var full = Path.Combine(workspace, file.Path);
            if (SymbolOutliner.LanguageOf(file.Path) is null || !File.Exists(full) || new FileInfo(full).LinkTarget is not null)
                continue;
            var text = File.ReadAllText(full);
            if (!index.Outlines.ContainsKey(file.Path))
            {
                index.Outlines[file.Path] = [.. SymbolOutliner.Outline(file.Path, text)];
                indexChanged = true;
            }

            identifiers[file.Path] = Identifier().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        }

        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        var symbolScores = new Dictionary<(string Path, Symbol Symbol), double>();
        foreach (var file in index.Files)
        {
            var score = pathScores[file.Path] * 3.0;
            if (index.Outlines.TryGetValue(file.Path, out var symbols) && identifiers.ContainsKey(file.Path))
            {
                foreach (var symbol in symbols)
                {
                    var matches = SplitIdentifier(symbol.Name).Count(terms.Contains);
                    var references = identifiers.Count(other => other.Key != file.Path && other.Value.Contains(symbol.Name));
                    var symbolScore = matches * 2.0 + Math.Log(1 + references);
                    symbolScores[(file.Path, symbol)] = symbolScore;
                    score += matches * 2.0 + Math.Log(1 + references) * 0.5;
                }
            }

            scores[file.Path] = score;
        }

        // Proximity: a file beside a strong match (its tests, its siblings) is likely to be touched too.
        var strongDirectories = scores.Where(s => s.Value >= 3).Select(s => Path.GetDirectoryName(s.Key) ?? "").ToHashSet(StringComparer.Ordinal);
        foreach (var file in index.Files)
            if (strongDirectories.Contains(Path.GetDirectoryName(file.Path) ?? ""))
                scores[file.Path] += 1;

        var ranked = index.Files
            .OrderByDescending(f => scores[f.Path]).ThenBy(f => Depth(f.Path)).ThenBy(f => f.Path, StringComparer.Ordinal)
            // Only this request's candidates show symbols: outlines other requests cached must not change this map.
            .Select(f => new RankedFile(f.Path, scores[f.Path], identifiers.ContainsKey(f.Path) && index.Outlines.TryGetValue(f.Path, out var symbols)
                ? symbols.OrderByDescending(s => symbolScores.GetValueOrDefault((f.Path, s))).ThenBy(s => s.Line).Take(12).OrderBy(s => s.Line).ToList()
                : []))
            .ToList();
        return ranked;
    }

    public static RepoMapResult Render(IReadOnlyList<RankedFile> ranked, int total, int tokenBudget)
    {
        var text = new StringBuilder();
        var shown = new List<RankedFile>();
        var tokens = 0;
        foreach (var file in ranked)
        {
            var entry = new StringBuilder().Append(file.Path).Append('\n');
            foreach (var symbol in file.Symbols)
                entry.Append("  ").Append(symbol.Line).Append(' ').Append(symbol.Kind).Append(' ').Append(symbol.Name).Append('\n');
            // Each line also costs its JSON escaping in the request body.
            var cost = TokenEstimate.OfText(entry.ToString()) + file.Symbols.Count + 1;
            if (tokens + cost > tokenBudget)
            {
                if (file.Symbols.Count == 0)
                    break;
                cost = TokenEstimate.OfText(file.Path) + 1;
                if (tokens + cost > tokenBudget)
                    break;
                entry.Clear().Append(file.Path).Append('\n');
            }

            text.Append(entry);
            tokens += cost;
            shown.Add(file);
        }

        if (shown.Count < total)
            text.Append($"… {total - shown.Count} more file(s) not shown; find them with list_files or search_text.\n");
        return new RepoMapResult(text.ToString(), shown, total, shown.Count, tokens);
    }

    static double PathScore(string path, IReadOnlySet<string> terms)
    {
        if (terms.Count == 0)
            return 0;
        var name = Path.GetFileNameWithoutExtension(path);
        var score = 0.0;
        foreach (var part in SplitIdentifier(name))
            if (terms.Contains(part))
                score += 2;
        var directory = Path.GetDirectoryName(path) ?? "";
        foreach (var segment in directory.Split('/', StringSplitOptions.RemoveEmptyEntries))
            foreach (var part in SplitIdentifier(segment))
                if (terms.Contains(part))
                    score += 0.5;
        return score;
    }

    static int Depth(string path) => path.Count(c => c == '/');

    /// <summary>"parseHttpRequest" and "parse_http-request" both give parse, http, request.</summary>
    static IEnumerable<string> SplitIdentifier(string identifier)
    {
        foreach (Match part in IdentifierPart().Matches(identifier))
        {
            var lower = part.Value.ToLowerInvariant();
            yield return lower;
            // A crude stem, so "numbers" finds "Number" and "parsing" finds "parse".
            if (lower.Length > 4 && lower.EndsWith('s'))
                yield return lower[..^1];
            if (lower.Length > 5 && lower.EndsWith("ing"))
                yield return lower[..^3];
        }
    }

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9_]*")]
    private static partial Regex Word();

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"[A-Z]{2,}(?=[A-Z][a-z]|\b|[^A-Za-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")]
    private static partial Regex IdentifierPart();
}
