using Builder.Worker.Tools;

namespace Builder.Tests.Unit.Tools;

/// <summary>Which tools of a repository's .builder/tools are offered, and why the others are skipped.</summary>
public sealed class RepositoryToolsSpecs : IDisposable
{
    readonly string _workspace = Directory.CreateTempSubdirectory("builder-repo-tools-").FullName;

    static string Manifest(string name, string extra = "") => $"""
        name: {name}
        description: Checks the code.
        runtime: shell
        entry: run.sh
        input:
          type: object
        {extra}
        """;

    void Tool(string name, string? manifest = null, string folder = RepositoryTools.Folder)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_workspace, folder, name)).FullName;
        File.WriteAllText(Path.Combine(directory, ToolManifest.FileName), manifest ?? Manifest(name));
        File.WriteAllText(Path.Combine(directory, "run.sh"), "echo '{}'\n");
    }

    [Fact]
    public void Tools_come_from_the_builder_folder_only_in_name_order()
    {
        Tool("style-check");
        Tool("count-lines");
        Tool("release", folder: "tools");

        var (tools, broken) = RepositoryTools.Find(_workspace);

        tools.Select(t => t.Name).ShouldBe(["count-lines", "style-check"]);
        tools[0].Folder.ShouldBe(Path.Combine(_workspace, ".builder", "tools", "count-lines"));
        broken.ShouldBeEmpty();
    }

    [Fact]
    public void A_repository_without_tools_offers_none()
    {
        var (tools, broken) = RepositoryTools.Find(_workspace);

        tools.ShouldBeEmpty();
        broken.ShouldBeEmpty();
    }

    [Fact]
    public void A_broken_manifest_is_skipped_with_its_errors_and_the_others_are_kept()
    {
        Tool("lint", "name: lint\nruntime: cobol\n");
        Tool("count-lines");

        var (tools, broken) = RepositoryTools.Find(_workspace);

        tools.Select(t => t.Name).ShouldBe(["count-lines"]);
        broken.Single().Name.ShouldBe("lint");
        broken.Single().Errors.ShouldContain(e => e.Contains("runtime 'cobol' is not one of node, python, shell"));
    }

    [Fact]
    public void A_package_or_version_that_is_not_a_name_is_refused_before_it_reaches_a_Dockerfile()
    {
        Tool("lint", Manifest("lint", "packages: [\"make && curl example.com\"]"));
        Tool("typecheck", Manifest("typecheck", "").Replace("runtime: shell", "runtime: node\nversion: \"18 AS x\""));

        var (tools, broken) = RepositoryTools.Find(_workspace);

        tools.ShouldBeEmpty();
        broken.Single(b => b.Name == "lint").Errors.ShouldContain(e => e.Contains("'make && curl example.com' is not a Debian package name"));
        broken.Single(b => b.Name == "typecheck").Errors.ShouldContain(e => e.Contains("version '18 AS x' must be a version like 18 or 3.12"));
    }

    [Fact]
    public void A_manifest_that_is_a_symbolic_link_is_not_read()
    {
        var secret = Path.Combine(_workspace, "outside.yaml");
        File.WriteAllText(secret, Manifest("linked"));
        var folder = Directory.CreateDirectory(Path.Combine(_workspace, RepositoryTools.Folder, "linked")).FullName;
        File.CreateSymbolicLink(Path.Combine(folder, ToolManifest.FileName), secret);

        var (tools, broken) = RepositoryTools.Find(_workspace);

        tools.ShouldBeEmpty();
        broken.Single().Errors.Single().ShouldContain("is a symbolic link");
    }

    [Fact]
    public void A_tools_folder_that_is_a_symbolic_link_is_not_read()
    {
        var elsewhere = Directory.CreateTempSubdirectory("builder-elsewhere-").FullName;
        try
        {
            Tool("count-lines", folder: Path.GetRelativePath(_workspace, elsewhere));
            Directory.CreateDirectory(Path.Combine(_workspace, ".builder"));
            Directory.CreateSymbolicLink(Path.Combine(_workspace, RepositoryTools.Folder), elsewhere);

            var (tools, broken) = RepositoryTools.Find(_workspace);

            tools.ShouldBeEmpty();
            broken.Single().Errors.Single().ShouldContain(".builder/tools is a symbolic link");
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public void A_name_too_long_to_record_as_repo_name_is_refused()
    {
        var name = "a" + new string('b', RepositoryTools.MaxNameLength);
        Tool(name);

        var (tools, broken) = RepositoryTools.Find(_workspace);

        tools.ShouldBeEmpty();
        broken.Single().Errors.Single().ShouldContain($"a repository's tool name is at most {RepositoryTools.MaxNameLength}");
    }

    [Fact]
    public void Beyond_the_most_a_repository_may_offer_the_rest_are_skipped_saying_so()
    {
        for (var i = 0; i < RepositoryTools.MaxTools + 2; i++)
            Tool($"tool-{i:00}");

        var (tools, broken) = RepositoryTools.Find(_workspace);

        tools.Count.ShouldBe(RepositoryTools.MaxTools);
        broken.Select(b => b.Name).ShouldBe([$"tool-{RepositoryTools.MaxTools:00}", $"tool-{RepositoryTools.MaxTools + 1:00}"]);
        broken[0].Errors.Single().ShouldContain($"a repository offers at most {RepositoryTools.MaxTools} tools");
    }

    public void Dispose() => Directory.Delete(_workspace, recursive: true);
}
