namespace Builder.Web.Account;

/// <summary>
/// Why a sign-in did not happen. The form posts outside the circuit and the answer is a redirect,
/// so the reason travels back as a short code in the address, never as free text.
/// </summary>
public static class SignInProblem
{
    public const string Empty = "empty";
    public const string Rejected = "rejected";
    public const string Unreachable = "unreachable";
    public const string SingleSignOnFailed = "sso-failed";
    public const string SingleSignOnRefused = "sso-refused";

    public static string? Describe(string? code) => code switch
    {
        null or "" => null,
        Empty => "Paste an API key first.",
        Rejected => "That key was not accepted.",
        Unreachable => "The Builder API cannot be reached right now.",
        SingleSignOnFailed => "Single sign-on did not complete. Try again, or sign in with an API key.",
        SingleSignOnRefused => "Builder did not accept the identity provider's token: your account may have no Builder tenant or role.",
        _ => "Sign in again.",
    };
}
