using System.Globalization;
using System.Runtime.InteropServices;

namespace Builder.Worker.Sandbox.Bubblewrap;

/// <summary>
/// The unprivileged identity sandboxed commands run as when the worker is root. Without it a
/// command runs as host uid 0 with no capabilities, which still reads every root-owned file the
/// sandbox does not hide (mode 0600 is enough for the owner).
/// </summary>
public sealed record SandboxUser(int Uid, int Gid, string Name)
{
    public const string DefaultName = "builder-sandbox";

    /// <summary>"worker" keeps commands under the worker's own uid (no capabilities, but root stays root).</summary>
    public const string WorkerUser = "worker";

    // Where useradd fails (no shadow-utils, read-only /etc) "nobody" is still better than root.
    static readonly SandboxUser Nobody = new(65534, 65534, "nobody");

    public override string ToString() => $"{Name} ({Uid}:{Gid})";

    /// <summary>
    /// Who runs sandboxed commands: null for the worker's own user (the worker is not root, or
    /// <paramref name="runAs"/> says "worker"); otherwise "uid:gid" as given, or the named user,
    /// created as a system user the first time the worker starts as root.
    /// </summary>
    public static SandboxUser? Resolve(string? runAs, ILogger logger)
    {
        runAs = string.IsNullOrWhiteSpace(runAs) ? DefaultName : runAs.Trim();
        if (runAs == WorkerUser)
            return null;
        if (geteuid() != 0)
        {
            logger.LogInformation("Sandboxed commands run as the worker's own unprivileged user (uid {Uid})", geteuid());
            return null;
        }

        if (runAs.Split(':') is [var uid, var gid] && int.TryParse(uid, CultureInfo.InvariantCulture, out var u)
            && int.TryParse(gid, CultureInfo.InvariantCulture, out var g))
            return new SandboxUser(u, g, runAs);

        if ((Lookup(runAs) ?? Create(runAs, logger)) is { } user)
            return user;

        logger.LogWarning("Could not create the sandbox user {Name}; sandboxed commands run as nobody (65534)", runAs);
        return Nobody;
    }

    static SandboxUser? Lookup(string name)
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length > 3 && fields[0] == name
                && int.TryParse(fields[2], CultureInfo.InvariantCulture, out var uid)
                && int.TryParse(fields[3], CultureInfo.InvariantCulture, out var gid))
                return new SandboxUser(uid, gid, name);
        }

        return null;
    }

    static SandboxUser? Create(string name, ILogger logger)
    {
        try
        {
            using var useradd = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("useradd",
                ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            var error = useradd.StandardError.ReadToEnd();
            useradd.WaitForExit();
            // Exit 9: another worker created it a moment ago.
            if (useradd.ExitCode is not (0 or 9))
                logger.LogWarning("useradd {Name} failed (exit {Exit}): {Error}", name, useradd.ExitCode, error.Trim());
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            logger.LogWarning("useradd is not available to create the sandbox user {Name}: {Error}", name, ex.Message);
        }

        return Lookup(name);
    }

    /// <summary>
    /// Whether this user can reach <paramref name="path"/>: bubblewrap opens every bind as the
    /// user it runs as, so each folder above it must let others through.
    /// </summary>
    public static bool CanTraverseTo(string path)
    {
        if (OperatingSystem.IsWindows())
            return false;
        for (var folder = Path.GetDirectoryName(HostPaths.Normalize(path)); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            try
            {
                if ((File.GetUnixFileMode(folder) & UnixFileMode.OtherExecute) == 0)
                    return false;
            }
            catch (IOException)
            {
                return false;
            }
        }

        return true;
    }

    [DllImport("libc")]
    static extern uint geteuid();
}
