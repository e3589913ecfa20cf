using System.Diagnostics;
using System.Text.Json.Nodes;
using Builder.Api.Components;
using Builder.Worker.Deployment;

namespace Builder.Tests.Improvements;

/// <summary>Each runtime's service template, filled in: its builder.yaml deploys it with the five endpoints as contract, and its own tests pass.</summary>
public sealed class ComponentTemplateTests
{
    [Theory]
    [InlineData("node", "node", "--test")]
    [InlineData("python", "python3", "-m unittest")]
    public async Task A_template_is_filled_in_and_its_own_tests_pass(string runtime, string command, string arguments)
    {
        var files = ComponentTemplate.Render(runtime, "quote-board", "Keeps \"quotes\" of the day", ["GET /quote answers a quote"]);

        var manifest = DeployManifestParser.Parse(files["builder.yaml"]);
        manifest.Service.ShouldBe("quote-board");
        manifest.Runtime.ShouldBe(runtime);
        manifest.Health.Contract.ShouldBe(["health", "capabilities", "state", "dependencies", "message"]);
        var capabilities = JsonNode.Parse(files["capabilities.json"])!;
        capabilities["description"]!.GetValue<string>().ShouldBe("Keeps \"quotes\" of the day");
        capabilities["capabilities"]!.AsArray().Single()!.GetValue<string>().ShouldBe("GET /quote answers a quote");
        files["README.md"].ShouldStartWith("# quote-board\n\nKeeps \"quotes\" of the day");
        files.Values.ShouldAllBe(content => !content.Contains("__SERVICE__") && !content.Contains("__DESCRIPTION__"));

        var folder = Directory.CreateTempSubdirectory("builder-template-").FullName;
        try
        {
            foreach (var (path, content) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, path))!);
                await File.WriteAllTextAsync(Path.Combine(folder, path), content);
            }

            using var process = Process.Start(new ProcessStartInfo(command, arguments)
            {
                WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            process.ExitCode.ShouldBe(0, output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
