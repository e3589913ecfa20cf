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
using Builder.Core.Security;
using Builder.Worker.PullRequests;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Components;

/// <summary>
/// A new service asked for: its name, what it is for, what it can do, its runtime, optionally a SPEC
/// document as its requirements, and where its repository is created (absent: a local bare repository).
/// </summary>
public sealed record GenerateComponentRequest(string? Name, string? Description, List<string>? Capabilities, string? Runtime, string? Spec,
    ComponentHosting? Hosting = null);

/// <summary>What was created: the repository (where it lives), the run implementing the requirements, and the service it will deploy.</summary>
/// <param name="RepositoryWebUrl">The repository's page on its host; null for a local one.</param>
public sealed record ComponentCreated(string Name, string Runtime, Guid RepositoryId, string RepositoryUrl, string? RepositoryWebUrl,
    Guid FeatureId, string FeatureUrl, string Approval);

/// <summary>Why a component was not generated, with the HTTP status that says so.</summary>
public sealed record ComponentRefusal(int Status, string Title, string Detail);

/// <summary>Generated, or why not: invalid input (400), or a refusal (a name in use or a flag off: 409; the host refused: 422; the host failed: 502).</summary>
public sealed record ComponentOutcome(ComponentCreated? Created, Validation? Invalid, ComponentRefusal? Refused);

/// <summary>
/// Generates a component: a new repository (local and bare, or on GitHub/GitLab) seeded from the
/// runtime's service template (the five service endpoints, a test, a builder.yaml), registered in the tenant, and a governed run
/// on it in which Builder's agent implements the requirements; the run deploys the service when it
/// passes. Behind the SelfBuilding and ComponentGeneration flags; autonomous only with AutonomousImprovements.
/// </summary>
public sealed partial class ComponentGenerator(
    BuilderDbContext db, FeatureSubmitter submitter, TenantFlags flags, ComponentRemotes remotes, CredentialProtector protector)
{
    public const int MaxSpecLength = 64 * 1024;

    public async Task<ComponentOutcome> GenerateAsync(GenerateComponentRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var validation = Validate(request);
        if (request.Hosting is { } hosting)
            remotes.Validate(hosting, validation);
        if (!validation.IsValid)
            return new ComponentOutcome(null, validation, null);
        var tenantId = caller.TenantId();
        foreach (var flag in new[] { BuilderFlags.SelfBuilding, BuilderFlags.ComponentGeneration })
            if (!await flags.IsEnabledAsync(tenantId, flag, cancellationToken))
                return Refused(StatusCodes.Status409Conflict, "Component generation is off",
                    $"The {flag} flag is off for this tenant, so components are not generated; an administrator can switch it on (PUT /api/flags/{flag}).");

        var name = request.Name!;
        if (await db.Services.AnyAsync(s => s.Name == name, cancellationToken))
            return Refused(StatusCodes.Status409Conflict, "Name in use", $"A service named '{name}' is already deployed; choose another name.");
        if (await db.Repositories.AnyAsync(r => r.TenantId == tenantId && r.RemovedAt == null && r.Name == name, cancellationToken))
            return Refused(StatusCodes.Status409Conflict, "Name in use", $"A repository named '{name}' is already registered in this tenant; choose another name.");

        var runtime = request.Runtime ?? "node";
        var capabilities = request.Capabilities ?? [];
        var files = ComponentTemplate.Render(runtime, name, request.Description!.Trim(), capabilities);
        ComponentRemote remote;
        if (request.Hosting is { } hosted)
        {
            try
            {
                remote = await remotes.CreateHostedAsync(hosted, name, request.Description!.Trim(), files, runtime, cancellationToken);
            }
            catch (PullRequestHostException e)
            {
                return e.StatusCode == StatusCodes.Status409Conflict ? Refused(e.StatusCode.Value, "Name in use", e.Message)
                    : e.IsTransient ? Refused(StatusCodes.Status502BadGateway, "The git host failed", e.Message)
                    : Refused(StatusCodes.Status422UnprocessableEntity, "The git host refused the repository", e.Message);
            }
            catch (SeedFailedException e)
            {
                return Refused(StatusCodes.Status502BadGateway, "The repository could not be seeded", e.Message);
            }
        }
        else if (await remotes.CreateLocalAsync(tenantId, name, files, runtime, cancellationToken) is { } local)
            remote = local;
        else
            return Refused(StatusCodes.Status409Conflict, "Name in use", $"A component repository named '{name}' already exists; choose another name.");

        var repository = new Repository
        {
            TenantId = tenantId, Name = name, Url = remote.Url, DefaultBranch = "main",
            ProtectedToken = remote.Token is { } token ? protector.Protect(token) : null,
        };
        db.Repositories.Add(repository);
        AuditLog.Add(db, caller, "component.generated", $"repository/{repository.Id}",
            new { name, runtime, capabilities, spec = request.Spec is not null, host = request.Hosting?.Host, owner = request.Hosting?.Owner, url = remote.Url });
        await db.SaveChangesAsync(cancellationToken);

        var autonomous = await flags.IsEnabledAsync(tenantId, BuilderFlags.AutonomousImprovements, cancellationToken);
        var submission = new FeatureSubmission(repository.Id, Cut($"Implement {name}: {request.Description!.Trim()}", 300), Requirements(request, runtime), null,
            autonomous ? ApprovalMode.Auto : ApprovalMode.Final, null, true, $"component:{repository.Id}", repository.Id.ToString("N"));
        var outcome = await submitter.SubmitAsync(submission, caller, new Validation(), cancellationToken);
        if (outcome.Feature is not { } feature)
            return new ComponentOutcome(null, outcome.Invalid, null);
        return new ComponentOutcome(new ComponentCreated(name, runtime, repository.Id, remote.Url, remote.WebUrl, feature.Id, $"/api/features/{feature.Id}",
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

    static ComponentOutcome Refused(int status, string title, string detail) => new(null, null, new ComponentRefusal(status, title, detail));

    static string Cut(string text, int max) => text.Length <= max ? text : text[..max];

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial Regex ServiceName();
}
