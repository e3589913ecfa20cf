namespace Builder.Tests.Support;

/// <summary>A new folder under the temporary folder with the mode <c>mkdir</c> gives under umask 022 (rwxr-xr-x), not 0700.</summary>
static class SharedTemporaryFolder
{
    public static string Create(string prefix)
    {
        var folder = Directory.CreateTempSubdirectory(prefix).FullName;
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        return folder;
    }
}
