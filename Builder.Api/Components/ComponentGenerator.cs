using System.Security.Claims;
using System.Text.RegularExpressions;
using Builder.Api.Audit;
using Builder.Api.Auth;
using Builder.Api.Features;
using Builder.Api.Infrastructure;
using Builder.Core;
using Builder.Core.Domain;
using Builder.Core.Flags;
using Builder.Core.Persistence;
using Builder.Core.SourceControl;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Api.Components;

/// <summary>A new service asked for: its name, what it is for, what it can do, its runtime, and optionally a SPEC document as its requirements.</summary>
public sealed record GenerateComponentRequest(string? Name, string? Description, List<string>? Capabilities, string? Runtime, string? Spec);

/// <summary>What was created: the repository (where it lives), the run implementing the requirements, and the service it will deploy.</summary>
public sealed record ComponentCreated(string Name, string Runtime, Guid RepositoryId, string RepositoryUrl, Guid FeatureId, string FeatureUrl, string Approval);

/// <summary>Generated, or why not: invalid input (400), a name in use (409), or a flag that is off (409).</summary>
public sealed record ComponentOutcome(ComponentCreated? Created, Validation? Invalid, (string Title, string Detail)? Refused);

/// <summary>
/// Generates a component: a new local bare repository seeded from the runtime's service template
/// (the five service endpoints, a test, a builder.yaml), registered in the tenant, and a governed run
/// on it in which Builder's agent implements the requirements; the run deploys the service when it
/// passes. Behind the SelfBuilding and ComponentGeneration flags; autonomous only with AutonomousImprovements.
/// </summary>
public sealed partial class ComponentGenerator(
    BuilderDbContext db, FeatureSubmitter submitter, TenantFlags flags, Git git, IOptions<BuilderOptions> options)
{
    public const int MaxSpecLength = 64 * 1024;

    public async Task<ComponentOutcome> GenerateAsync(GenerateComponentRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var validation = Validate(request);
        if (!validation.IsValid)
            return new ComponentOutcome(null, validation, null);
        var tenantId = caller.TenantId();
        foreach (var flag in new[] { BuilderFlags.SelfBuilding, BuilderFlags.ComponentGeneration })
            if (!await flags.IsEnabledAsync(tenantId, flag, cancellationToken))
                return new ComponentOutcome(null, null, ("Component generation is off",
                    $"The {flag} flag is off for this tenant, so components are not generated; an administrator can switch it on (PUT /api/flags/{flag})."));

        var name = request.Name!;
        if (await db.Services.AnyAsync(s => s.Name == name, cancellationToken))
            return new ComponentOutcome(null, null, ("Name in use", $"A service named '{name}' is already deployed; choose another name."));
        if (await db.Repositories.AnyAsync(r => r.TenantId == tenantId && r.RemovedAt == null && r.Name == name, cancellationToken))
            return new ComponentOutcome(null, null, ("Name in use", $"A repository named '{name}' is already registered in this tenant; choose another name."));
        var remote = Path.Combine(options.Value.DataDirectory, "components", tenantId.ToString("N"), name + ".git");
        if (Directory.Exists(remote))
            return new ComponentOutcome(null, null, ("Name in use", $"A component repository named '{name}' already exists; choose another name."));

        var runtime = request.Runtime ?? "node";
        var capabilities = request.Capabilities ?? [];
        await SeedAsync(remote, ComponentTemplate.Render(runtime, name, request.Description!.Trim(), capabilities), runtime, cancellationToken);

        var repository = new Repository { TenantId = tenantId, Name = name, Url = remote, DefaultBranch = "main" };
        db.Repositories.Add(repository);
        AuditLog.Add(db, caller, "component.generated", $"repository/{repository.Id}", new { name, runtime, capabilities, spec = request.Spec is not null });
        await db.SaveChangesAsync(cancellationToken);

        var autonomous = await flags.IsEnabledAsync(tenantId, BuilderFlags.AutonomousImprovements, cancellationToken);
        var submission = new FeatureSubmission(repository.Id, Cut($"Implement {name}: {request.Description!.Trim()}", 300), Requirements(request, runtime), null,
            autonomous ? ApprovalMode.Auto : ApprovalMode.Final, null, true, $"component:{repository.Id}", repository.Id.ToString("N"));
        var outcome = await submitter.SubmitAsync(submission, caller, new Validation(), cancellationToken);
        if (outcome.Feature is not { } feature)
            return new ComponentOutcome(null, outcome.Invalid, null);
        return new ComponentOutcome(new ComponentCreated(name, runtime, repository.Id, remote, feature.Id, $"/api/features/{feature.Id}",
            autonomous ? "autonomous: the run deploys when it passes" : "the run waits at the final gate for approval (AutonomousImprovements is off)"), null, null);
    }

    static Validation Validate(GenerateComponentRequest request)
    {
        var validation = new Validation();
        validation.Require("name", request.Name, 40);
        if (request.Name is { Length: > 0 } name && !ServiceName().IsMatch(name))
            validation.Add("name", $"name '{name}' must be lowercase letters, digits and dashes, starting with a letter (at most 40): it names the repository and the service.");
        validation.Require("description", request.Description, 1000);
        validation.Line("description", request.Description);
        if (request.Runtime is { } runtime && !ComponentTemplate.Runtimes.Contains(runtime))
            validation.Add("runtime", $"runtime '{runtime}' has no template; choose one of {string.Join(", ", ComponentTemplate.Runtimes)}.");
        if (request.Capabilities is { } capabilities)
        {
            if (capabilities.Count > 50)
                validation.Add("capabilities", $"capabilities lists {capabilities.Count} entries; at most 50.");
            foreach (var capability in capabilities.Where(c => string.IsNullOrWhiteSpace(c) || c.Length > 200))
                validation.Add("capabilities", "each capability is a non-empty line of at most 200 characters.");
            foreach (var capability in capabilities)
                validation.Line("capabilities", capability);
        }

        if (request.Spec is { Length: > MaxSpecLength } spec)
            validation.Add("spec", $"spec is {spec.Length} characters long; the limit is {MaxSpecLength}.");
        validation.Text("spec", request.Spec);
        return validation;
    }

    /// <summary>A bare repository with one commit on main: the template, filled in.</summary>
    async Task SeedAsync(string remote, IReadOnlyDictionary<string, string> files, string runtime, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(remote);
        var work = Directory.CreateTempSubdirectory("builder-component-").FullName;
        try
        {
            await git.RunAsync(remote, ["init", "--bare", "--initial-branch=main", "."], cancellationToken);
            foreach (var (path, content) in files)
            {
                var full = Path.Combine(work, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllTextAsync(full, content, cancellationToken);
            }

            await git.RunAsync(work, ["init", "--initial-branch=main", "."], cancellationToken);
            await git.RunAsync(work, ["add", "--all"], cancellationToken);
            await git.RunAsync(work, ["-c", "user.name=Builder", "-c", "user.email=builder@localhost", "commit", "--quiet", "-m",
                $"Seed the service from Builder's {runtime} template"], cancellationToken);
            await git.RunAsync(work, ["push", "--quiet", remote, "main"], cancellationToken);
        }
        catch
        {
            Directory.Delete(remote, recursive: true);
            throw;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    static string Requirements(GenerateComponentRequest request, string runtime)
    {
        var capabilities = request.Capabilities is { Count: > 0 } list ? string.Join('\n', list.Select(c => $"- {c.Trim()}")) : "- (none listed)";
        var spec = request.Spec is { Length: > 0 } text ? $"\n\nSPEC (the requirements in full):\n\n{text}" : "";
        return $"""
            A new service, {request.Name}, was created from Builder's {runtime} service template. It already answers the five service endpoints
            (GET /health, /capabilities, /state, /dependencies and POST /message) and has a test and a builder.yaml that deploys it.

            What it is for: {request.Description!.Trim()}

            Implement these capabilities:
            {capabilities}{spec}

            Keep the five endpoints and builder.yaml's contract working, list what you add in capabilities.json, and add tests that fail without your change.
            """;
    }

    static string Cut(string text, int max) => text.Length <= max ? text : text[..max];

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial Regex ServiceName();
}
