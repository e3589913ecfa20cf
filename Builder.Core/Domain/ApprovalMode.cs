namespace Builder.Core.Domain;

/// <summary>Where a run stops for a human (or agent) decision.</summary>
public enum ApprovalMode
{
    /// <summary>No gates: the run goes straight through.</summary>
    Auto,

    /// <summary>A gate after Plan and a gate before Deliver.</summary>
    Checkpoints,

    /// <summary>One gate before Deliver.</summary>
    Final,
}
