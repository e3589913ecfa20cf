using System.IO.Enumeration;

namespace Builder.Worker.Sandbox;

/// <summary>
/// The bytes of regular files under a run's writable folders. Files are counted where they are:
/// symlinks are neither followed nor counted, so a link to a large host file costs nothing.
/// </summary>
public static class DiskUsage
{
    static readonly EnumerationOptions Everything = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
        ReturnSpecialDirectories = false,
    };

    public static long Of(IEnumerable<string> folders)
    {
        long total = 0;
        foreach (var folder in folders.Where(Directory.Exists))
        {
            try
            {
                var sizes = new FileSystemEnumerable<long>(folder, (ref FileSystemEntry entry) => entry.Length, Everything)
                {
                    ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory,
                };
                foreach (var size in sizes)
                    total += size;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A folder the command removed while it was measured: what is left is counted next time.
            }
        }

        return total;
    }
}
