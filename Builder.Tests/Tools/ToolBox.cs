using Builder.Tests.Deployment;
using Builder.Tests.Environments;

namespace Builder.Tests.Tools;

/// <summary>
/// A tools folder as an administrator lays it out: a word counter (a shell tool with a JSON-Schema
/// input), a tool that sleeps past its timeout, and a broken manifest; plus the offline base image
/// the tools' images start from, on the test engine.
/// </summary>
public sealed class ToolBox : IAsyncLifetime
{
    public ContainerEngine Engine { get; } = new();

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("builder-tools-").FullName;

    /// <summary>The process-style keys (Builder__...) of what a Builder needs to run these tools.</summary>
    public Dictionary<string, string?> Settings => new(Engine.Settings)
    {
        ["Builder:Environments:Bases:debian-bookworm"] = EnvironmentEngine.BaseImage,
        ["Builder:Tools:Directory"] = Directory,
    };

    public const string WordCountScript = """
        #!/bin/sh
        # Reads {"text": "..."} on stdin, answers {"words": N}; what it says on stderr is its log.
        input=$(cat)
        echo "counting words for $BUILDER_TOOL" >&2
        text=$(printf '%s' "$input" | sed -n 's/.*"text" *: *"\([^"]*\)".*/\1/p')
        printf '{"words": %s}' "$(printf '%s' "$text" | wc -w | tr -d ' ')"
        """;

    public async Task InitializeAsync()
    {
        await Engine.InitializeAsync();
        await Engine.ImportAsync(EnvironmentEngine.BaseImage, "latest", programs: ["/usr/bin/make"]);
        WriteWordCount(Directory);
        Write("sleepy/tool.yaml", """
            name: sleepy
            description: Sleeps longer than it may.
            runtime: shell
            entry: sleep.sh
            timeout: 2s
            input:
              type: object
            """);
        Write("sleepy/sleep.sh", "echo going to sleep >&2\nsleep 60\n");
        Write("broken/tool.yaml", "name: broken\nruntime: cobol\n");
    }

    /// <summary>The word counter: a shell tool whose input schema needs a text.</summary>
    public static void WriteWordCount(string directory)
    {
        Write(directory, "word-count/tool.yaml", """
            name: word-count
            description: Counts the words of a text.
            runtime: shell
            entry: count.sh
            timeout: 30s
            input:
              type: object
              properties:
                text:
                  type: string
                  description: The text whose words are counted.
              required: [text]
              additionalProperties: false
            """);
        Write(directory, "word-count/count.sh", WordCountScript);
    }

    void Write(string path, string text) => Write(Directory, path, text);

    static void Write(string directory, string path, string text)
    {
        var full = Path.Combine(directory, path);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text.ReplaceLineEndings("\n") + "\n");
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
