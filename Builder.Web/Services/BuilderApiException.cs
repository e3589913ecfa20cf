namespace Builder.Web.Services;

/// <summary>
/// A call to the Builder API that did not give what was asked. <see cref="Exception.Message"/> is
/// written for the person at the screen (the problem's detail, or a plain sentence); the cause,
/// if any, is for the log only.
/// </summary>
public sealed class BuilderApiException(string message, int? statusCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The HTTP status the API answered with; null when it did not answer.</summary>
    public int? StatusCode { get; } = statusCode;
}
