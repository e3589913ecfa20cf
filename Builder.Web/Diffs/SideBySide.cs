using DiffPlex;
using DiffPlex.Chunkers;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Builder.Web.Diffs;

/// <summary>A part of a line; <see cref="Changed"/> marks the words that differ from the other side.</summary>
public sealed record Segment(string Text, bool Changed);

/// <summary>One side of a side-by-side row; null number means the side has no line there.</summary>
public sealed record Cell(int? Number, LineKind Kind, IReadOnlyList<Segment> Segments)
{
    public static readonly Cell Blank = new(null, LineKind.Context, []);
}

public sealed record SideBySideRow(Cell Old, Cell New);

/// <summary>
/// Lays a hunk out in two columns with DiffPlex: the hunk's old and new text are diffed again, which
/// pairs removed with added lines and marks the words that changed within a pair.
/// </summary>
public static class SideBySide
{
    static readonly IChunker Lines = new LineChunker();
    static readonly IChunker Words = new WordChunker();

    public static IReadOnlyList<SideBySideRow> Rows(DiffHunk hunk)
    {
        var oldText = string.Join('\n', hunk.Lines.Where(l => l.Kind != LineKind.Added).Select(l => l.Text));
        var newText = string.Join('\n', hunk.Lines.Where(l => l.Kind != LineKind.Removed).Select(l => l.Text));
        var model = SideBySideDiffBuilder.Diff(Differ.Instance, oldText, newText, ignoreWhiteSpace: false, ignoreCase: false, Lines, Words);

        var rows = new List<SideBySideRow>(model.OldText.Lines.Count);
        for (var i = 0; i < Math.Max(model.OldText.Lines.Count, model.NewText.Lines.Count); i++)
        {
            var left = i < model.OldText.Lines.Count ? model.OldText.Lines[i] : null;
            var right = i < model.NewText.Lines.Count ? model.NewText.Lines[i] : null;
            rows.Add(new SideBySideRow(ToCell(left, hunk.OldStart, LineKind.Removed), ToCell(right, hunk.NewStart, LineKind.Added)));
        }
        return rows;
    }

    static Cell ToCell(DiffPiece? piece, int start, LineKind changedKind)
    {
        if (piece is null || piece.Type == ChangeType.Imaginary || piece.Position is null)
            return Cell.Blank;
        var number = start + piece.Position.Value - 1;
        return piece.Type switch
        {
            ChangeType.Unchanged => new Cell(number, LineKind.Context, [new Segment(piece.Text ?? "", false)]),
            ChangeType.Modified when piece.SubPieces is { Count: > 0 } parts => new Cell(number, changedKind,
                [.. parts.Where(p => p.Type != ChangeType.Imaginary && p.Text is not null).Select(p => new Segment(p.Text!, p.Type != ChangeType.Unchanged))]),
            _ => new Cell(number, changedKind, [new Segment(piece.Text ?? "", false)]),
        };
    }
}
