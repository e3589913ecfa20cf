namespace Builder.Worker.PullRequests;

/// <summary>
/// The host refused a pull request call, or kept failing. The message says what was wrong in
/// words a person can act on and never holds the token: it is scrubbed even when a server echoes
/// the token back, and a refused call keeps no inner exception whose text could carry it.
/// </summary>
public sealed class PullRequestHostException : Exception
{
    public PullRequestHostException(string provider, string message, int? statusCode = null, bool transient = false, Exception? innerException = null)
        : base(message, innerException)
    {
        Provider = provider;
        StatusCode = statusCode;
        IsTransient = transient;
    }

    public string Provider { get; }

    /// <summary>The HTTP status the host answered, or null when it did not answer (network, time-out).</summary>
    public int? StatusCode { get; }

    /// <summary>True when the host failed (5xx, time-out, network) rather than refused: a later delivery may succeed.</summary>
    public bool IsTransient { get; }
}
