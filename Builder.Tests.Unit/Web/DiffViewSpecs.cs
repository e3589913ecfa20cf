using Builder.Web.Components.Features;
using Builder.Web.Diffs;
using Bunit;

namespace Builder.Tests.Web;

/// <summary>The diff: git's unified diff read file by file, shown unified or side by side (DiffPlex), with counts.</summary>
public sealed class DiffViewSpecs : BunitContext
{
    /// <summary>What <c>git diff</c> writes for a modified, an added, a deleted, a renamed and a binary file.</summary>
    const string Change = """
        diff --git a/src/answer.txt b/src/answer.txt
        index 573541a..d81cc07 100644
        --- a/src/answer.txt
        +++ b/src/answer.txt
        @@ -1,4 +1,4 @@ section
         first
        -the answer is 41
        +the answer is 42
         third
         fourth
        @@ -10,2 +10,3 @@
         ten
        +ten and a half
         eleven
        diff --git a/docs/new file.md b/docs/new file.md
        new file mode 100644
        index 0000000..d81cc07
        --- /dev/null
        +++ b/docs/new file.md
        @@ -0,0 +1,2 @@
        +# New
        +42
        \ No newline at end of file
        diff --git a/old.txt b/old.txt
        deleted file mode 100644
        index d81cc07..0000000
        --- a/old.txt
        +++ /dev/null
        @@ -1 +0,0 @@
        -gone
        diff --git a/a.txt b/b.txt
        similarity index 100%
        rename from a.txt
        rename to b.txt
        diff --git a/logo.png b/logo.png
        index 1111111..2222222 100644
        Binary files a/logo.png and b/logo.png differ

        """;

    [Fact]
    public void Reads_each_file_with_its_change_and_counts()
    {
        var diff = UnifiedDiff.Parse(Change);

        diff.Files.Select(f => (f.Path, f.Change, f.Added, f.Removed, f.Binary)).ShouldBe([
            ("src/answer.txt", FileChange.Modified, 2, 1, false),
            ("docs/new file.md", FileChange.Added, 2, 0, false),
            ("old.txt", FileChange.Deleted, 0, 1, false),
            ("b.txt", FileChange.Renamed, 0, 0, false),
            ("logo.png", FileChange.Modified, 0, 0, true),
        ]);
        diff.Added.ShouldBe(4);
        diff.Removed.ShouldBe(2);
        diff.Files[3].OldPath.ShouldBe("a.txt");

        var second = diff.Files[0].Hunks[1];
        second.Header.ShouldBe("@@ -10,2 +10,3 @@");
        second.Lines.Select(l => (l.Kind, l.Text, l.OldNumber, l.NewNumber)).ShouldBe([
            (LineKind.Context, "ten", (int?)10, (int?)10),
            (LineKind.Added, "ten and a half", null, 11),
            (LineKind.Context, "eleven", 11, 12),
        ]);
        diff.Files[0].Hunks[0].Section.ShouldBe("section");
    }

    [Fact]
    public void Nothing_to_read_is_an_empty_diff_and_says_when_it_will_come()
    {
        UnifiedDiff.Parse(null).Files.ShouldBeEmpty();
        UnifiedDiff.Parse("not a diff at all\n").Files.ShouldBeEmpty();

        var view = Render<DiffView>(p => p.Add(x => x.Diff, UnifiedDiff.Empty));

        view.Find(".empty").TextContent.ShouldBe("No change yet: the diff appears once Generate has run.");
    }

    [Fact]
    public void Unified_shows_every_line_with_its_numbers_and_sign()
    {
        var view = Render<DiffView>(p => p.Add(x => x.Diff, UnifiedDiff.Parse(Change)));

        view.Find(".diff-summary").TextContent.ShouldContain("5 files changed");
        view.Find(".diff-summary .added-count").TextContent.ShouldBe("+4");
        view.Find(".diff-summary .removed-count").TextContent.ShouldBe("−2");
        var file = view.Find("details.diff-file[data-path='src/answer.txt']");
        file.QuerySelector(".diff-counts")!.TextContent.ShouldBe("+2 −1");
        var rows = file.QuerySelectorAll("tr.line").Select(r => string.Join('|', r.QuerySelectorAll("td").Select(c => c.TextContent))).ToList();
        rows.ShouldBe([
            "1|1| |first",
            "2||−|the answer is 41",
            "|2|+|the answer is 42",
            "3|3| |third",
            "4|4| |fourth",
            "10|10| |ten",
            "|11|+|ten and a half",
            "11|12| |eleven",
        ]);
        file.QuerySelectorAll("tr.hunk-header").Select(h => h.TextContent).ShouldBe(["@@ -1,4 +1,4 @@ section", "@@ -10,2 +10,3 @@"]);
        file.QuerySelector("tr.line-added .sign")!.GetAttribute("aria-label").ShouldBe("added");

        view.Find("details[data-path='docs/new file.md'] .diff-change").TextContent.ShouldBe("added");
        view.Find("details[data-path='b.txt'] .diff-path").TextContent.ShouldBe("a.txt → b.txt");
        view.Find("details[data-path='b.txt'] .diff-note").TextContent.ShouldContain("rename");
        view.Find("details[data-path='logo.png'] .diff-note").TextContent.ShouldStartWith("Binary file");
    }

    [Fact]
    public void Side_by_side_pairs_the_changed_lines_and_marks_the_words_that_changed()
    {
        var view = Render<DiffView>(p => p.Add(x => x.Diff, UnifiedDiff.Parse(Change)));

        view.FindAll("input[type=radio]")[1].Change(true);

        var file = view.Find("details.diff-file[data-path='src/answer.txt']");
        file.QuerySelector("table")!.ClassList.ShouldContain("side-by-side");
        var rows = file.QuerySelectorAll("tr.line").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Replace("removed: ", "").Replace("added: ", "")).ToArray()).ToList();
        rows[0].ShouldBe(["1", "first", "1", "first"]);
        // One row holds the old and the new version of the changed line.
        rows[1].ShouldBe(["2", "the answer is 41", "2", "the answer is 42"]);
        var changed = file.QuerySelectorAll("tr.line")[1];
        changed.QuerySelector("td.old mark.word-changed")!.TextContent.ShouldBe("41");
        changed.QuerySelector("td.new mark.word-changed")!.TextContent.ShouldBe("42");
        changed.QuerySelector("td.old")!.ClassList.ShouldContain("line-removed");
        // An added line has a blank on the old side, and numbers carry on from the hunk's start.
        var addedRow = rows.Single(r => r[3] == "ten and a half");
        addedRow.ShouldBe(["", "", "11", "ten and a half"]);
        rows.Last().ShouldBe(["11", "eleven", "12", "eleven"]);

        view.FindAll("input[type=radio]")[0].Change(true);
        view.Find("details.diff-file table").ClassList.ShouldContain("unified");
    }

    [Fact]
    public void A_very_long_file_shows_its_first_lines_and_says_how_many_are_left_out()
    {
        var lines = string.Join('\n', Enumerable.Range(1, 30).Select(i => $"+line {i}"));
        var diff = UnifiedDiff.Parse($"diff --git a/big.txt b/big.txt\nnew file mode 100644\n--- /dev/null\n+++ b/big.txt\n@@ -0,0 +1,30 @@\n{lines}\n");

        var view = Render<DiffView>(p => p.Add(x => x.Diff, diff).Add(x => x.MaxLinesPerFile, 10));

        view.FindAll("tr.line").Count.ShouldBe(10);
        view.Find(".diff-file .diff-note").TextContent.ShouldStartWith("20 more lines of this file are not shown");
        view.Find(".diff-summary .added-count").TextContent.ShouldBe("+30");
    }
}
