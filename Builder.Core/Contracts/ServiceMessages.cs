namespace Builder.Core.Contracts;

/// <summary>Someone asked to take a service's live version off its stable address and give it back to the version it replaced.</summary>
public sealed record ServiceRollbackRequested(Guid ServiceId, Guid FromVersionId, Guid ToVersionId, string By, string? Reason);
