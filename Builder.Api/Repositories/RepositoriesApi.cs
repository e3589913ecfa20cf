using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Core.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Repositories;

public static class RepositoriesApi
{
    public static RouteGroupBuilder MapRepositoriesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/repositories").WithTags("Repositories");
        api.MapPost("/", RegisterRepository).RequireAuthorization(ApiScopes.FeaturesWrite)
            .WithSummary("Register a git repository (local path, file:// or https URL).");
        api.MapGet("/", ListRepositories).RequireAuthorization(ApiScopes.FeaturesRead);
        api.MapGet("/{id:guid}", GetRepository).RequireAuthorization(ApiScopes.FeaturesRead);
        return api;
    }

    public static async Task<Results<Created<RepositoryResponse>, ValidationProblem, ProblemHttpResult>> RegisterRepository(
        RegisterRepositoryRequest request, HttpContext http, BuilderDbContext db, CredentialProtector protector, Git git, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        validation.Require("name", request.Name, 200);
        validation.Require("url", request.Url, 2000);
        validation.Line("name", request.Name).Line("url", request.Url).Line("credentials.token", request.Credentials?.Token);
        if (!string.IsNullOrWhiteSpace(request.Url) && RepositoryUrl.Problem(request.Url) is { } urlProblem)
            validation.Add("url", urlProblem);
        if (request.DefaultBranch is not null && !BranchNames.IsValid(request.DefaultBranch))
            validation.Add("defaultBranch", $"'{request.DefaultBranch}' is not a valid branch name.");
        request.Settings?.Validate(validation);
        if (request.Credentials is { Token: var token } && string.IsNullOrWhiteSpace(token))
            validation.Add("credentials.token", "credentials.token is empty; omit credentials for a repository that needs none.");
        if (!validation.IsValid)
            return validation.Problem();

        var tenantId = http.User.TenantId();
        if (await db.Repositories.AnyAsync(r => r.TenantId == tenantId && r.RemovedAt == null && r.Name == request.Name, cancellationToken))
            return Problems.Conflict("Repository exists", $"A repository named '{request.Name}' is already registered.");

        // Reading the remote proves the URL and credentials work, and finds or checks the default branch.
        string? defaultBranch;
        try
        {
            defaultBranch = await RepositoryUrl.DefaultBranchAsync(git, request.Url!, request.Credentials?.Token, cancellationToken);
            if (request.DefaultBranch is { } requested)
            {
                if (!await RepositoryUrl.HasBranchAsync(git, request.Url!, request.Credentials?.Token, requested, cancellationToken))
                    return validation.Add("defaultBranch", $"The branch '{requested}' does not exist in the repository.").Problem();
                defaultBranch = requested;
            }
        }
        catch (GitException ex)
        {
            return validation.Add("url", $"The repository could not be read: {ex.Message}").Problem();
        }

        var repository = new Repository
        {
            TenantId = tenantId,
            Name = request.Name!.Trim(),
            Url = request.Url!.Trim(),
            DefaultBranch = defaultBranch ?? "main",
            ProtectedToken = request.Credentials?.Token is { } secret ? protector.Protect(secret) : null,
            Settings = request.Settings?.ApplyTo(new RepositorySettings()) ?? new RepositorySettings(),
        };
        db.Repositories.Add(repository);
        AuditLog.Add(db, http.User, "repository.registered", $"repository/{repository.Id}", new { name = repository.Name });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/repositories/{repository.Id}", RepositoryResponse.From(repository));
    }

    public static async Task<Ok<IReadOnlyList<RepositoryResponse>>> ListRepositories(HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var repositories = await db.Repositories.AsNoTracking().Where(r => r.TenantId == tenantId && r.RemovedAt == null).OrderBy(r => r.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<RepositoryResponse>>(repositories.Select(RepositoryResponse.From).ToList());
    }

    public static async Task<Results<Ok<RepositoryResponse>, ProblemHttpResult>> GetRepository(
        Guid id, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var repository = await db.Repositories.AsNoTracking().OfTenant(tenantId, id).FirstOrDefaultAsync(cancellationToken);
        return repository is null
            ? Problems.NotFound($"No repository {id}.")
            : TypedResults.Ok(RepositoryResponse.From(repository));
    }

}


public sealed record RegisterRepositoryRequest(string? Name, string? Url, string? DefaultBranch, RepositoryCredentials? Credentials, RepositorySettingsRequest? Settings);

public sealed record RepositoryCredentials(string? Token);


/// <summary>A repository as the API shows it: credentials are write-only, so only their presence is shown.</summary>
public sealed record RepositoryResponse(Guid Id, string Name, string Url, string DefaultBranch, bool HasCredentials, RepositorySettings Settings, DateTime CreatedAt)
{
    public static RepositoryResponse From(Repository r) => new(r.Id, r.Name, r.Url, r.DefaultBranch, r.ProtectedToken is not null, r.Settings, r.CreatedAt);
}
