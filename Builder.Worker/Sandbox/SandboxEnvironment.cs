namespace Builder.Worker.Sandbox;

/// <summary>
/// The environment a sandboxed command starts with. It is built from nothing rather than from the
/// worker's environment, which holds connection strings and keys.
/// </summary>
public static class SandboxEnvironment
{
    public static Dictionary<string, string?> For(SandboxRequest request, string searchPath, string home)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PATH"] = searchPath,
            ["HOME"] = home,
            ["LANG"] = "C.UTF-8",
            ["TERM"] = "dumb",
            ["TMPDIR"] = "/tmp",
            // The worktree's repository belongs to the worker's user, not the sandbox user; git would
            // refuse to read it ("dubious ownership") and SourceLink, MinVer or git describe with it.
            ["GIT_CONFIG_COUNT"] = "1",
            ["GIT_CONFIG_KEY_0"] = "safe.directory",
            ["GIT_CONFIG_VALUE_0"] = "*",
        };
        foreach (var (name, value) in request.Environment)
        {
            if (value is null)
                environment.Remove(name);
            else
                environment[name] = value;
        }

        return environment;
    }
}
