using System.Runtime.InteropServices;

namespace Builder.Worker.Sandbox;

/// <summary>Path arithmetic for mount planning: absolute, no trailing separator, symlinks resolved where asked.</summary>
public static class HostPaths
{
    public static string Normalize(string path) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)) is { Length: > 0 } full ? full : "/";

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies inside it.</summary>
    public static bool IsWithin(string path, string folder) =>
        folder == "/" || path == folder || path.StartsWith(folder + "/", StringComparison.Ordinal);

    public static int Depth(string path) => path == "/" ? 0 : path.Count(c => c == '/');

    /// <summary>
    /// The path with every symlink resolved, or the normalized path when it does not exist. A
    /// folder reached through a symlink would otherwise stay visible under its real name.
    /// </summary>
    public static string Canonical(string path)
    {
        var normalized = Normalize(path);
        var resolved = realpath(normalized, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
            return normalized;
        try
        {
            return Marshal.PtrToStringUTF8(resolved) ?? normalized;
        }
        finally
        {
            free(resolved);
        }
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    static extern IntPtr realpath(string path, IntPtr resolved);

    [DllImport("libc")]
    static extern void free(IntPtr pointer);
}
