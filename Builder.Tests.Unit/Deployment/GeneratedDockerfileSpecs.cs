using Builder.Worker.Deployment;
using Builder.Worker.Deployment.Docker;

namespace Builder.Tests.Deployment;

/// <summary>The Dockerfile generated per runtime, against golden files: any change to it is a visible diff and a generator version bump.</summary>
public sealed class GeneratedDockerfileSpecs
{
    [Theory]
    [InlineData("dotnet", "dotnet publish/Api.dll")]
    [InlineData("node", "node server.js")]
    [InlineData("python", "python3 -m app")]
    [InlineData("go", "./service")]
    [InlineData("command", "./run.sh --port \"$PORT\"")]
    public void Each_runtime_generates_its_golden_Dockerfile(string runtime, string start)
    {
        var manifest = DeployManifestParser.Parse($"service: shop\nruntime: {runtime}\nstart: '{start.Replace("'", "''")}'\nenvironment:\n  LOG_LEVEL: info\n  FEATURE_X: \"on\"\n");
        var baseImage = new DeployOptions().BaseImages[runtime];

        var generated = GeneratedDockerfile.For(manifest, baseImage);

        GoldenFile.ShouldMatch(generated, $"{runtime}.Dockerfile");
    }

    [Fact]
    public void The_same_manifest_gives_the_same_text_and_a_fixed_port_is_exposed_as_written()
    {
        var manifest = DeployManifestParser.Parse("service: shop\nruntime: node\nstart: node server.js\nport: 3000\n");

        GeneratedDockerfile.For(manifest, "local/node").ShouldBe(GeneratedDockerfile.For(manifest, "local/node"));
        GeneratedDockerfile.For(manifest, "local/node").ShouldContain("ENV PORT=3000 ");
        GeneratedDockerfile.For(manifest, "local/node").ShouldContain("EXPOSE 3000\n");
    }

    [Fact]
    public void The_image_tag_changes_with_any_file_of_the_release_and_only_then()
    {
        var folder = Directory.CreateTempSubdirectory("builder-tag-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "server.js"), "v1");
            var first = GeneratedDockerfile.Tag("shop", "FROM x\n", folder);
            GeneratedDockerfile.Tag("shop", "FROM x\n", folder).ShouldBe(first);
            first.ShouldStartWith("builder/shop:");

            File.WriteAllText(Path.Combine(folder, "server.js"), "v2");
            GeneratedDockerfile.Tag("shop", "FROM x\n", folder).ShouldNotBe(first);
            GeneratedDockerfile.Tag("shop", "FROM y\n", folder).ShouldNotBe(GeneratedDockerfile.Tag("shop", "FROM x\n", folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
