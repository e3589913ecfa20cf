namespace Builder.Worker.Agent.Steps;

public sealed record LanguageShare(string Language, int Files, int Percent);

/// <summary>A structured summary of a repository at the base commit, for the plan and for the people who read it.</summary>
public sealed record RepositoryAnalysis(
    int Files,
    IReadOnlyList<LanguageShare> Languages,
    string Toolchain,
    string? BuildCommand,
    string? TestCommand,
    string CommandSource,
    IReadOnlyList<string> EntryPoints,
    IReadOnlyList<string> TestLocations,
    IReadOnlyList<string> LikelyLocations);
