namespace Builder.Tests.Sandbox;

/// <summary>
/// A worker data folder laid out as the worker lays it out (data/workspaces/&lt;id&gt;, secrets beside
/// it), outside /tmp by default: the sandbox's fresh /tmp would hide anything under /tmp anyway and
/// prove nothing about the data folder.
/// </summary>
public sealed class SandboxTestFolders : IDisposable
{
    public const string SecretText = "worker-secret-7f3a";
    public const string OtherWorkspaceText = "other-tenant-code-91c2";

    public string Root { get; }
    public string DataDirectory => Path.Combine(Root, "data");
    public string Workspace => Path.Combine(DataDirectory, "workspaces", "ws");
    public string SecretFile => Path.Combine(DataDirectory, "builder.db");
    public string OtherWorkspaceFile => Path.Combine(DataDirectory, "workspaces", "other", "Program.cs");

    public SandboxTestFolders(string under = "/var/tmp")
    {
        Root = Path.Combine(under, $"builder-sandbox-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Workspace);
        Directory.CreateDirectory(Path.GetDirectoryName(OtherWorkspaceFile)!);
        File.WriteAllText(SecretFile, SecretText);
        File.WriteAllText(OtherWorkspaceFile, OtherWorkspaceText);
    }

    public string Folder(string relative)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
