using Builder.Worker.Environments;

namespace Builder.Tests.Unit.Environments;

public sealed class EnvironmentSpecs
{
    [Theory]
    [InlineData("node", "18")]
    [InlineData("python", "3.12")]
    [InlineData("go", "1.22")]
    [InlineData("dotnet", "8.0")]
    public void Each_runtime_generates_its_golden_Dockerfile(string runtime, string version)
    {
        var manifest = EnvironmentManifest.Parse($"""
            base: debian-bookworm
            runtimes:
              {runtime}: "{version}"
            packages: [libxml2-dev, make]
            variables:
              LOG_LEVEL: info
            caches: [npm]
            setup:
              - echo ready > /etc/builder-ready
            lockfiles: [package-lock.json]
            """);

        var generated = EnvironmentDockerfile.For(manifest, new EnvironmentOptions());

        GoldenFile.ShouldMatch(generated, $"{runtime}.Dockerfile");
    }

    [Fact]
    public void The_tag_changes_when_a_named_lockfile_changes_and_not_otherwise()
    {
        var workspace = Directory.CreateTempSubdirectory("builder-env-tag-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(workspace, "package-lock.json"), "{\"lockfileVersion\": 3}");
            File.WriteAllText(Path.Combine(workspace, "README.md"), "first");
            var first = EnvironmentDockerfile.Tag("FROM x\n", ["package-lock.json"], workspace);
            first.ShouldStartWith("builder-env:");

            File.WriteAllText(Path.Combine(workspace, "README.md"), "second");
            EnvironmentDockerfile.Tag("FROM x\n", ["package-lock.json"], workspace).ShouldBe(first, "a file no lockfile entry names changes nothing");

            File.WriteAllText(Path.Combine(workspace, "package-lock.json"), "{\"lockfileVersion\": 3, \"packages\": {}}");
            EnvironmentDockerfile.Tag("FROM x\n", ["package-lock.json"], workspace).ShouldNotBe(first);
            EnvironmentDockerfile.Tag("FROM y\n", ["package-lock.json"], workspace).ShouldNotBe(EnvironmentDockerfile.Tag("FROM x\n", ["package-lock.json"], workspace));
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    [Fact]
    public void The_same_manifest_in_another_order_generates_the_same_text()
    {
        var one = EnvironmentManifest.Parse("runtimes:\n  node: \"20\"\n  python: \"3.12\"\npackages: [make, curl]\n");
        var other = EnvironmentManifest.Parse("packages: [curl, make]\nruntimes:\n  python: \"3.12\"\n  node: \"20\"\n");

        EnvironmentDockerfile.For(one, new EnvironmentOptions()).ShouldBe(EnvironmentDockerfile.For(other, new EnvironmentOptions()));
    }

    [Theory]
    [InlineData("runtimes:\n  ruby: \"3\"\n", "line 2: runtimes: 'ruby' is not one of dotnet, go, node, python")]
    [InlineData("runtimes:\n  node: latest\n", "line 2: runtimes.node: 'latest' must be a version like 18, 3.12 or 8.0")]
    [InlineData("packages: [\"curl; rm -rf /\"]\n", "packages: 'curl; rm -rf /' is not a Debian package name")]
    [InlineData("caches: [maven]\n", "line 1: caches: 'maven' is not one of go, npm, nuget, pip")]
    [InlineData("lockfiles: [../secrets]\n", "'../secrets' must be a path inside the repository")]
    [InlineData("image: node:18\n", "line 1: unknown setting 'image' (known: base, runtimes, packages, setup, variables, caches, lockfiles, dockerfile)")]
    [InlineData("- just a list\n", "line 1: expected a mapping of settings (base, runtimes, packages, ...)")]
    public void Mistakes_are_refused_naming_the_line(string yaml, string error)
    {
        var refused = Should.Throw<EnvironmentManifestException>(() => EnvironmentManifest.Parse(yaml));

        refused.Message.ShouldContain(error);
    }

    [Fact]
    public void A_base_or_runtime_this_Builder_has_no_image_for_is_refused_by_name()
    {
        var manifest = EnvironmentManifest.Parse("base: alpine\n");

        Should.Throw<EnvironmentManifestException>(() => EnvironmentDockerfile.For(manifest, new EnvironmentOptions()))
            .Message.ShouldContain("base 'alpine' is not one this Builder knows: debian-bookworm");
    }

    [Theory]
    [InlineData("18.19.0", "18", true)]
    [InlineData("3.11.2", "3.11", true)]
    [InlineData("3.12.1", "3.11", false)]
    [InlineData("180.1.0", "18", false)]
    public void A_worker_runtime_matches_the_version_asked_for_by_its_leading_parts(string installed, string wanted, bool matches) =>
        WorkerRuntimes.Matches(installed, wanted).ShouldBe(matches);
}
