namespace Builder.Worker.Sandbox;

static class Executables
{
    /// <summary>The full path of <paramref name="name"/>: itself when it has a slash, else the first match on <paramref name="searchPath"/>.</summary>
    public static string? Find(string name, string searchPath)
    {
        if (name.Contains('/'))
            return File.Exists(name) ? name : null;
        return searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
    }
}
