// One parser of git's unified diff for the Worker's checks and the dashboard's view. The dashboard talks to
// Builder over HTTP only and does not reference Builder.Core, so it compiles this file into its own namespace.
#if UNIFIED_DIFF_IN_WEB
namespace Builder.Web.Diffs;
#else
namespace Builder.Core.Diffs;
#endif

public enum FileChange
{
    Modified,
    Added,
    Deleted,
    Renamed,
}

public enum LineKind
{
    Context,
    Added,
    Removed,
}

/// <param name="OldNumber">The line's number before the change; null for an added line.</param>
/// <param name="NewNumber">The line's number after the change; null for a removed line.</param>
public sealed record DiffLine(LineKind Kind, string Text, int? OldNumber, int? NewNumber);

/// <param name="Section">What git printed after the range: often the enclosing function.</param>
public sealed record DiffHunk(int OldStart, int OldCount, int NewStart, int NewCount, string Section, IReadOnlyList<DiffLine> Lines)
{
    public string Header => $"@@ -{OldStart},{OldCount} +{NewStart},{NewCount} @@{(Section.Length > 0 ? " " + Section : "")}";
}

public sealed record DiffFile(string OldPath, string NewPath, FileChange Change, bool Binary, IReadOnlyList<DiffHunk> Hunks)
{
    public string Path => Change == FileChange.Deleted ? OldPath : NewPath;

    public int Added => Hunks.Sum(h => h.Lines.Count(l => l.Kind == LineKind.Added));

    public int Removed => Hunks.Sum(h => h.Lines.Count(l => l.Kind == LineKind.Removed));

    public int LineCount => Hunks.Sum(h => h.Lines.Count);
}

/// <summary>A change as the files it touches, read from git's unified diff (<c>change.diff</c>).</summary>
public sealed record UnifiedDiff(IReadOnlyList<DiffFile> Files)
{
    public static readonly UnifiedDiff Empty = new([]);

    public int Added => Files.Sum(f => f.Added);

    public int Removed => Files.Sum(f => f.Removed);

    /// <summary>
    /// Reads <c>git diff</c> output. It is forgiving: lines it does not understand are skipped, so a
    /// diff from another tool still shows what it can.
    /// </summary>
    public static UnifiedDiff Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return Empty;

        var files = new List<DiffFile>();
        FileBuilder? file = null;
        HunkBuilder? hunk = null;

        foreach (var raw in text.Split('\n'))
        {
            var line = raw.EndsWith('\r') ? raw[..^1] : raw;
            if (line.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                Finish();
                file = FileBuilder.FromGitHeader(line);
                continue;
            }
            if (hunk is not null && file is not null && hunk.Accepts(line))
            {
                hunk.Add(line);
                continue;
            }
            if (line.StartsWith("@@", StringComparison.Ordinal) && HunkBuilder.TryStart(line) is { } started)
            {
                file ??= new FileBuilder("", "");
                file.FinishHunk(hunk);
                hunk = started;
                continue;
            }
            if (file is null)
                continue;

            hunk = file.FinishHunk(hunk);
            if (line.StartsWith("--- ", StringComparison.Ordinal))
                file.OldPath = StripPrefix(line[4..], "a/") ?? file.OldPath;
            else if (line.StartsWith("+++ ", StringComparison.Ordinal))
                file.NewPath = StripPrefix(line[4..], "b/") ?? file.NewPath;
            else if (line.StartsWith("new file mode", StringComparison.Ordinal))
                file.Change = FileChange.Added;
            else if (line.StartsWith("deleted file mode", StringComparison.Ordinal))
                file.Change = FileChange.Deleted;
            else if (line.StartsWith("rename from ", StringComparison.Ordinal))
            {
                file.OldPath = line["rename from ".Length..];
                file.Change = FileChange.Renamed;
            }
            else if (line.StartsWith("rename to ", StringComparison.Ordinal))
                file.NewPath = line["rename to ".Length..];
            else if (line.StartsWith("Binary files ", StringComparison.Ordinal) || line.StartsWith("GIT binary patch", StringComparison.Ordinal))
                file.Binary = true;
        }
        Finish();
        return new UnifiedDiff(files);

        void Finish()
        {
            if (file is null)
                return;
            file.FinishHunk(hunk);
            hunk = null;
            files.Add(file.Build());
            file = null;
        }
    }

    /// <summary>"/dev/null" means the file did not exist on that side.</summary>
    static string? StripPrefix(string path, string prefix)
    {
        path = path.TrimEnd('\t');
        if (path == "/dev/null")
            return null;
        if (path.Length > 1 && path[0] == '"' && path[^1] == '"')
            path = path[1..^1];
        return path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : path;
    }

    sealed class FileBuilder(string oldPath, string newPath)
    {
        readonly List<DiffHunk> hunks = [];
        public string OldPath = oldPath;
        public string NewPath = newPath;
        public FileChange Change = FileChange.Modified;
        public bool Binary;

        /// <summary>"diff --git a/x b/x": the paths until ---/+++ lines say better (they may hold spaces).</summary>
        public static FileBuilder FromGitHeader(string line)
        {
            var rest = line["diff --git ".Length..];
            var split = rest.IndexOf(" b/", StringComparison.Ordinal);
            return split > 0
                ? new FileBuilder(StripPrefix(rest[..split], "a/") ?? "", StripPrefix(rest[(split + 1)..], "b/") ?? "")
                : new FileBuilder(rest, rest);
        }

        public HunkBuilder? FinishHunk(HunkBuilder? hunk)
        {
            if (hunk is not null)
                hunks.Add(hunk.Build());
            return null;
        }

        public DiffFile Build()
        {
            if (Change == FileChange.Modified && OldPath.Length > 0 && NewPath.Length > 0 && OldPath != NewPath)
                Change = FileChange.Renamed;
            return new DiffFile(OldPath.Length > 0 ? OldPath : NewPath, NewPath.Length > 0 ? NewPath : OldPath, Change, Binary, hunks);
        }
    }

    sealed class HunkBuilder(int oldStart, int oldCount, int newStart, int newCount, string section)
    {
        readonly List<DiffLine> lines = [];
        readonly (int OldStart, int OldCount, int NewStart, int NewCount) range = (oldStart, oldCount, newStart, newCount);
        int oldNext = oldStart;
        int newNext = newStart;
        int oldLeft = oldCount;
        int newLeft = newCount;

        public static HunkBuilder? TryStart(string line)
        {
            // @@ -l[,s] +l[,s] @@ section
            var end = line.IndexOf("@@", 2, StringComparison.Ordinal);
            if (end < 0)
                return null;
            var ranges = line[2..end].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (ranges.Length != 2 || !Range(ranges[0], '-', out var os, out var oc) || !Range(ranges[1], '+', out var ns, out var nc))
                return null;
            return new HunkBuilder(os, oc, ns, nc, line[(end + 2)..].Trim());
        }

        static bool Range(string text, char sign, out int start, out int count)
        {
            start = 0;
            count = 1;
            if (text.Length < 2 || text[0] != sign)
                return false;
            var parts = text[1..].Split(',');
            return int.TryParse(parts[0], out start) && (parts.Length == 1 || int.TryParse(parts[1], out count));
        }

        /// <summary>Whether the line belongs to this hunk: it has lines left on either side, or it is the no-newline marker.</summary>
        public bool Accepts(string line) =>
            line.StartsWith('\\') || ((oldLeft > 0 || newLeft > 0) && (line.Length == 0 || line[0] is ' ' or '+' or '-'));

        public void Add(string line)
        {
            if (line.StartsWith('\\'))
                return; // "\ No newline at end of file"
            var kind = line.Length == 0 ? ' ' : line[0];
            var text = line.Length == 0 ? "" : line[1..];
            switch (kind)
            {
                case '+':
                    lines.Add(new DiffLine(LineKind.Added, text, null, newNext++));
                    newLeft--;
                    break;
                case '-':
                    lines.Add(new DiffLine(LineKind.Removed, text, oldNext++, null));
                    oldLeft--;
                    break;
                default:
                    lines.Add(new DiffLine(LineKind.Context, text, oldNext++, newNext++));
                    oldLeft--;
                    newLeft--;
                    break;
            }
        }

        public DiffHunk Build() => new(range.OldStart, range.OldCount, range.NewStart, range.NewCount, section, lines);
    }
}
