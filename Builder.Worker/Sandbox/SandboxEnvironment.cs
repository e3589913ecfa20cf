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
