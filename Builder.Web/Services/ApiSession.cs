namespace Builder.Web.Services;

/// <summary>
/// The signed-in state of one circuit. It is scoped, and with interactive server rendering the
/// circuit is the session: the key is in server memory for the circuit's life, filled from the
/// encrypted sign-in cookie when the circuit starts (<c>SessionRestorer</c>). It is never rendered
/// and never marked for persistent component state, which would serialize it into the page.
/// </summary>
public sealed class ApiSession
{
    string? apiKey;

    /// <summary>The key's owner, from <c>GET /api/me</c>; null when signed out.</summary>
    public Me? Me { get; private set; }

    public bool IsSignedIn => apiKey is not null;

    /// <summary>Why the session ended when the user did not end it (e.g. the key was revoked).</summary>
    public string? SignOutReason { get; private set; }

    /// <summary>Raised after sign-in and sign-out so the header and the page follow.</summary>
    public event Action? Changed;

    /// <summary>Only the API client reads the key, to put it in the Authorization header.</summary>
    internal string? ApiKey => apiKey;

    internal void SignIn(string key, Me me)
    {
        apiKey = key;
        Me = me;
        SignOutReason = null;
        Changed?.Invoke();
    }

    public void SignOut(string? reason = null)
    {
        if (apiKey is null && reason == SignOutReason)
            return;
        apiKey = null;
        Me = null;
        SignOutReason = reason;
        Changed?.Invoke();
    }
}
