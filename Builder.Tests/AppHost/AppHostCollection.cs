namespace Builder.Tests.AppHost;

/// <summary>
/// AppHost tests run one at a time, after the others: each starts a whole platform, and the processes it
/// leaves (or not) are told apart by a marker variable that only one run may hold.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppHostCollection
{
    public const string Name = "AppHost";
}
