namespace Builder.Worker.Pipeline;

/// <summary>Thrown by phase work that cannot succeed: ends the run Failed in that phase with this code and message.</summary>
public sealed class PhaseFailedException(string errorCode, string message, bool retryable = false) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;
    public bool Retryable { get; } = retryable;
}
