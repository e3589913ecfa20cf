using System.Text.RegularExpressions;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Llm;

namespace Builder.Api.Repositories;

/// <summary>
/// A repository's settings as registration and PATCH both take them: every setting the toolchains
/// read. A field left out (null) keeps its value; an empty string clears a command, an empty list or
/// map clears it.
/// </summary>
/// <param name="Toolchain">dotnet, node, python, go or make: skips detection.</param>
/// <param name="AllowedPaths">Replaces the list; an empty list allows every path again.</param>
/// <param name="TestReportPaths">Extra test reports to read, as globs relative to the repository root.</param>
/// <param name="RequiredReviews">Approving reviews by agents other than a run's author that open its release gate (0: a person approves).</param>
/// <param name="Llm">This repository's model; replaces the earlier one as a whole.</param>
/// <param name="Egress">Hosts restore may reach besides the toolchain's package registries ("host", "host:port", "*.domain"); replaces the list.</param>
public sealed partial record RepositorySettingsRequest(
    string? Toolchain = null,
    string? RestoreCommand = null,
    string? BuildCommand = null,
    string? TestCommand = null,
    IReadOnlyList<string>? AllowedPaths = null,
    int? MaxFileBytes = null,
    string? TargetFramework = null,
    IReadOnlyDictionary<string, string>? Environment = null,
    IReadOnlyList<string>? TestReportPaths = null,
    int? RequiredReviews = null,
    RepositoryLlmSettings? Llm = null,
    IReadOnlyList<string>? Egress = null)
{
    public static readonly string[] Toolchains = ["dotnet", "node", "python", "go", "make"];
    const int MaxCommandLength = 2000;
    const int MaxPaths = 100;
    const int MaxVariables = 100;

    public void Validate(Validation validation)
    {
        if (Toolchain is { Length: > 0 } toolchain && !Toolchains.Contains(toolchain.Trim(), StringComparer.OrdinalIgnoreCase))
            validation.Add("settings.toolchain", $"settings.toolchain must be one of {string.Join(", ", Toolchains)}; '{toolchain}' is not.");
        Command(validation, "settings.restoreCommand", RestoreCommand);
        Command(validation, "settings.buildCommand", BuildCommand);
        Command(validation, "settings.testCommand", TestCommand);
        Globs(validation, "settings.allowedPaths", AllowedPaths);
        Globs(validation, "settings.testReportPaths", TestReportPaths);
        if (MaxFileBytes is < 1 or > 64 * 1024 * 1024)
            validation.Add("settings.maxFileBytes", "settings.maxFileBytes must be between 1 and 67108864.");
        if (TargetFramework is { Length: > 0 } framework && !FrameworkName().IsMatch(framework.Trim()))
            validation.Add("settings.targetFramework", $"settings.targetFramework must be a target framework moniker such as net8.0; '{framework}' is not.");
        if (Egress is { Count: > MaxPaths })
            validation.Add("settings.egress", $"settings.egress has {Egress.Count} entries; the limit is {MaxPaths}.");
        foreach (var host in Egress ?? [])
        {
            if (host is null)
                validation.Add("settings.egress", "settings.egress entries must be host names.");
            else if (Builder.Core.Policy.EgressPolicy.Problem(host) is { } problem)
                validation.Add("settings.egress", $"settings.egress: {problem}");
        }

        if (RequiredReviews is < 0 or > 20)
            validation.Add("settings.requiredReviews", "settings.requiredReviews must be between 0 and 20.");
        if (Environment is { } variables)
        {
            if (variables.Count > MaxVariables)
                validation.Add("settings.environment", $"settings.environment has {variables.Count} variables; the limit is {MaxVariables}.");
            foreach (var (name, value) in variables)
            {
                if (!VariableName().IsMatch(name))
                    validation.Add("settings.environment", $"'{name}' is not an environment variable name (letters, digits and _, not starting with a digit).");
                else if (value is null || value.Length > MaxCommandLength || TextInput.ForbiddenInLine(value) is not null)
                    validation.Add($"settings.environment.{name}", $"settings.environment.{name} must be one line of at most {MaxCommandLength} characters without control characters.");
            }
        }

        validation.Line("settings.llm.provider", Llm?.Provider).Line("settings.llm.endpoint", Llm?.Endpoint)
            .Line("settings.llm.model", Llm?.Model).Line("settings.llm.apiKeyName", Llm?.ApiKeyName);
    }

    /// <summary>The settings after this request: what it leaves out stays as it was.</summary>
    public RepositorySettings ApplyTo(RepositorySettings current) => current with
    {
        Toolchain = Toolchain is null ? current.Toolchain : NullIfBlank(Toolchain)?.ToLowerInvariant(),
        RestoreCommand = RestoreCommand is null ? current.RestoreCommand : NullIfBlank(RestoreCommand),
        BuildCommand = BuildCommand is null ? current.BuildCommand : NullIfBlank(BuildCommand),
        TestCommand = TestCommand is null ? current.TestCommand : NullIfBlank(TestCommand),
        AllowedPaths = AllowedPaths is null ? current.AllowedPaths : Distinct(AllowedPaths),
        MaxFileBytes = MaxFileBytes ?? current.MaxFileBytes,
        TargetFramework = TargetFramework is null ? current.TargetFramework : NullIfBlank(TargetFramework),
        Environment = Environment is null ? current.Environment : Environment.Count == 0 ? null : new Dictionary<string, string>(Environment, StringComparer.Ordinal),
        TestReportPaths = TestReportPaths is null ? current.TestReportPaths : Distinct(TestReportPaths),
        RequiredReviews = RequiredReviews ?? current.RequiredReviews,
        Llm = Llm ?? current.Llm,
        Egress = Egress is null ? current.Egress : Distinct(Egress),
    };

    static void Command(Validation validation, string field, string? command)
    {
        if (command is { Length: > MaxCommandLength })
            validation.Add(field, $"{field} is longer than {MaxCommandLength} characters.");
        validation.Text(field, command);
    }

    static void Globs(Validation validation, string field, IReadOnlyList<string>? globs)
    {
        if (globs is null)
            return;
        if (globs.Count > MaxPaths)
            validation.Add(field, $"{field} has {globs.Count} entries; the limit is {MaxPaths}.");
        foreach (var glob in globs)
            if (string.IsNullOrWhiteSpace(glob) || glob.Length > 500 || TextInput.ForbiddenInLine(glob) is not null || glob.StartsWith('/') || glob.Split('/').Contains(".."))
                validation.Add(field, $"'{glob}' is not a relative path or glob inside the repository (such as src/**).");
    }

    static List<string>? Distinct(IReadOnlyList<string> globs) =>
        globs.Select(p => p.Trim()).Distinct(StringComparer.Ordinal).ToList() is { Count: > 0 } list ? list : null;

    static string? NullIfBlank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^[a-z][a-z0-9.\-]{1,49}$")]
    private static partial Regex FrameworkName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,199}$")]
    private static partial Regex VariableName();
}
