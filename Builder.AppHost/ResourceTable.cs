namespace Builder.AppHost;

/// <summary>Anything the AppHost starts: a server or a child process.</summary>
interface IResource
{
    string Name { get; }
    string State { get; }
    string Url { get; }
    string Health { get; }
}

static class ResourceTable
{
    public static string Render(IEnumerable<IResource> resources)
    {
        string[][] rows =
        [
            ["NAME", "STATE", "URL", "HEALTH"],
            .. resources.Select(r => new[] { r.Name, r.State, r.Url, r.Health }),
        ];
        var widths = Enumerable.Range(0, 4).Select(c => rows.Max(r => r[c].Length) + 3).ToArray();
        return string.Join(Environment.NewLine, rows.Select(r =>
            string.Concat(r.Select((cell, c) => c < 3 ? cell.PadRight(widths[c]) : cell)).TrimEnd()));
    }
}
