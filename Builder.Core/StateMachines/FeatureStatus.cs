namespace Builder.Core.StateMachines;

/// <summary>The public status names of a run, derived from the saga's state.</summary>
public static class FeatureStatus
{
    public const string Requested = "Requested";
    public const string Running = "Running";
    public const string AwaitingApproval = "AwaitingApproval";
    public const string Completed = "Completed";
    public const string Failed = "Failed";
    public const string Cancelled = "Cancelled";
    public const string Rejected = "Rejected";
    public const string RolledBack = "RolledBack";

    public static IReadOnlyList<string> All => Contracts.RunVocabulary.Statuses;

    /// <summary>Terminal saga states carry the name of their public status.</summary>
    static IReadOnlyList<string> TerminalStates => Contracts.RunVocabulary.TerminalStatuses;
    static readonly string[] GateStates = ["AwaitingPlanApproval", "AwaitingReleaseApproval", "AwaitingBudgetApproval"];

    public static bool IsTerminal(string? state) => state is not null && TerminalStates.Contains(state);

    public static bool IsGate(string? state) => state is not null && GateStates.Contains(state);

    /// <summary>The saga states that make up a public status (for filtering in the database).</summary>
    public static IReadOnlyList<string> StatesOf(string status) => status switch
    {
        Completed => ["Completed"],
        Failed => ["Failed"],
        Cancelled => ["Cancelled"],
        Rejected => ["Rejected"],
        RolledBack => ["RolledBack"],
        AwaitingApproval => GateStates,
        Running => ["Planning", "Generating", "Building", "Verifying", "Delivering", "Deploying", "CheckingHealth"],
        _ => ["Initial"],
    };

    public static string Of(string? state) => state switch
    {
        null or "Initial" => Requested,
        "Completed" or "Failed" or "Cancelled" or "Rejected" or "RolledBack" => state,
        _ when IsGate(state) => AwaitingApproval,
        _ => Running,
    };
}
