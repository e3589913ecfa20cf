namespace Builder.Core.Contracts;

/// <summary>Re-run a finished agent run from its recorded transcripts, with no model, and compare the diff it produces with the delivered one.</summary>
public sealed record ReplayFeature(Guid FeatureId, Guid ReplayId, string RequestedBy);
