namespace Builder.Tests.AppHost;

/// <summary>The <c>```bash</c> blocks of one section of a Markdown document, in order, as a reader would paste them.</summary>
static class MarkdownSection
{
    public static IReadOnlyList<string> BashBlocks(string markdown, string heading)
    {
        var blocks = new List<string>();
        List<string>? block = null;
        var inSection = false;
        var inFence = false;
        foreach (var line in markdown.Replace("\r\n", "\n").Split('\n'))
        {
            if (!inFence && line.StartsWith("## ", StringComparison.Ordinal))
            {
                if (inSection)
                    break;
                inSection = line[3..].Trim() == heading;
                continue;
            }

            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                // A fence of another language is skipped, but its lines must not be taken for headings.
                inFence = !inFence;
                if (inFence && inSection && line.Trim() == "```bash")
                    block = [];
                else if (!inFence && block is not null)
                {
                    blocks.Add(string.Join('\n', block) + "\n");
                    block = null;
                }

                continue;
            }

            block?.Add(line);
        }

        return inSection ? blocks : throw new InvalidOperationException($"No section \"## {heading}\" in the document");
    }
}
