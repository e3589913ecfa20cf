namespace Builder.Cli;

/// <summary>What `builder` exits with; scripts branch on these.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The API refused the request (its problem detail is on stderr), it could not be reached, or the command line was wrong.</summary>
    public const int Error = 1;

    /// <summary>The run ended other than Completed (Failed, Cancelled, Rejected, RolledBack), or a dry run would not apply.</summary>
    public const int NotCompleted = 3;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Interrupted = 130;
}

/// <summary>A failure the CLI explains itself (not logged in, a bad folder, ...): its message goes to stderr.</summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Error) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
