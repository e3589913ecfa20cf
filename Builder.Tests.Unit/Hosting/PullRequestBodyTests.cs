using Builder.Worker.PullRequests;

namespace Builder.Tests.Hosting;

public class PullRequestBodyTests
{
    static readonly Guid Feature = Guid.Parse("1a2b3c4d-0000-4000-8000-000000000001");

    [Fact]
    public void The_body_tells_plan_files_verification_and_links_the_run()
    {
        var body = PullRequestBody.Build(new PullRequestBodyInput(
            Feature,
            "Adds a `GET /widgets` endpoint.\r\nPaging follows the existing orders API.",
            [new ChangedFile("src/Widgets/WidgetsApi.cs", FileChange.Added), new ChangedFile("src/Program.cs"), new ChangedFile("docs/old.md", FileChange.Deleted)],
            new VerificationSummary(41, 0, 2, "intact: no test was removed or weakened")
            {
                FailToPass = ["Widgets.Tests.WidgetsApiTests.Lists_widgets"],
                NewPassing = ["Widgets.Tests.WidgetsApiTests.Empty_list_is_ok", "Widgets.Tests.PagingTests.First_page"],
            },
            "https://builder.example.test/"));

        body.ShouldBe("""
            ## Summary

            Adds a `GET /widgets` endpoint.
            Paging follows the existing orders API.

            ## Files changed (3)

            - `src/Widgets/WidgetsApi.cs` (added)
            - `src/Program.cs`
            - `docs/old.md` (deleted)

            ## Verification

            - Tests: 41 passed, 0 failed, 2 skipped
            - Test integrity: intact: no test was removed or weakened
            - Fail without the change, pass with it: `Widgets.Tests.WidgetsApiTests.Lists_widgets`
            - New, already passing: `Widgets.Tests.WidgetsApiTests.Empty_list_is_ok`, `Widgets.Tests.PagingTests.First_page`

            ---

            Opened by [Builder run 1a2b3c4d-0000-4000-8000-000000000001](https://builder.example.test/features/1a2b3c4d-0000-4000-8000-000000000001).

            <!-- builder-feature: 1a2b3c4d-0000-4000-8000-000000000001 -->

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Missing_parts_are_said_rather_than_left_out()
    {
        var body = PullRequestBody.Build(new PullRequestBodyInput(Feature, null, [], null, null));

        body.ShouldContain("_No plan summary._");
        body.ShouldContain("## Files changed (0)\n\n_None._");
        body.ShouldContain("_Not verified._");
        body.ShouldContain("Opened by Builder run `1a2b3c4d-0000-4000-8000-000000000001`.");
        body.ShouldNotContain("](");
    }

    [Fact]
    public void A_path_with_backticks_stays_one_code_span()
    {
        var body = PullRequestBody.Build(new PullRequestBodyInput(Feature, "x", [new ChangedFile("odd`name.txt")], null, null));

        body.ShouldContain("- ``odd`name.txt``\n");
    }

    [Fact]
    public void A_long_file_list_is_cut_with_a_count()
    {
        var files = Enumerable.Range(1, 130).Select(i => new ChangedFile($"src/File{i}.cs")).ToList();

        var body = PullRequestBody.Build(new PullRequestBodyInput(Feature, "x", files, null, null));

        body.ShouldContain("## Files changed (130)");
        body.ShouldContain("`src/File100.cs`");
        body.ShouldNotContain("`src/File101.cs`");
        body.ShouldContain("- …and 30 more");
    }

    [Fact]
    public void A_huge_summary_is_cut_to_the_hosts_limit_keeping_the_link()
    {
        var body = PullRequestBody.Build(new PullRequestBodyInput(Feature, new string('x', 100_000), [], null, "https://builder.example.test"));

        body.Length.ShouldBeLessThanOrEqualTo(PullRequestBody.MaxLength);
        body.ShouldContain("cut to fit");
        body.ShouldEndWith("<!-- builder-feature: 1a2b3c4d-0000-4000-8000-000000000001 -->\n");
        body.ShouldContain("(https://builder.example.test/features/1a2b3c4d-0000-4000-8000-000000000001)");
    }

    [Fact]
    public void The_same_input_gives_the_same_text()
    {
        PullRequestBodyInput Input() => new(Feature, "Plan", [new ChangedFile("a.txt")], new VerificationSummary(1, 1, 1, null), "https://b.test");

        PullRequestBody.Build(Input()).ShouldBe(PullRequestBody.Build(Input()));
        PullRequestBody.Build(Input()).ShouldContain("- Test integrity: not checked");
    }
}
