using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Core.Security;
using Builder.Core.StateMachines;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Repositories;

/// <summary>Changing a registered repository: its settings and default branch, its token, and how its runs went.</summary>
public static class RepositorySettingsApi
{
    public static RouteGroupBuilder MapRepositorySettingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/repositories/{id:guid}").WithTags("Repositories");
        api.MapPatch("/", UpdateRepository).RequireAuthorization(ApiScopes.FeaturesWrite)
            .WithSummary("Change the default branch and the settings (build and test commands, allowed paths); fields left out stay as they are.");
        api.MapPut("/credentials", ReplaceCredentials).RequireAuthorization(ApiScopes.FeaturesWrite)
            .WithSummary("Replace the access token (write-only; it is checked against the remote, then stored encrypted).");
        api.MapDelete("/credentials", RemoveCredentials).RequireAuthorization(ApiScopes.FeaturesWrite)
            .WithSummary("Forget the access token.");
        api.MapGet("/runs", GetRuns).RequireAuthorization(ApiScopes.FeaturesRead)
            .WithSummary("The repository's most recent runs and its success rate.");
        return api;
    }

    public static async Task<Results<Ok<RepositoryResponse>, ValidationProblem, ProblemHttpResult>> UpdateRepository(
        Guid id, UpdateRepositoryRequest request, HttpContext http, BuilderDbContext db, CredentialProtector protector, Git git,
        CancellationToken cancellationToken)
    {
        var validation = new Validation();
        if (request.DefaultBranch is not null && !BranchNames.IsValid(request.DefaultBranch.Trim()))
            validation.Add("defaultBranch", $"'{request.DefaultBranch}' is not a valid branch name.");
        request.Settings?.Validate(validation);
        if (!validation.IsValid)
            return validation.Problem();

        var tenantId = http.User.TenantId();
        var repository = await db.Repositories.OfTenant(tenantId, id).FirstOrDefaultAsync(cancellationToken);
        if (repository is null)
            return Problems.NotFound($"No repository {id}.");

        if (request.DefaultBranch is not null && request.DefaultBranch.Trim() != repository.DefaultBranch)
        {
            var branch = request.DefaultBranch.Trim();
            var token = repository.ProtectedToken is null ? null : protector.Unprotect(repository.ProtectedToken);
            try
            {
                if (!await RepositoryUrl.HasBranchAsync(git, repository.Url, token, branch, cancellationToken))
                    return validation.Add("defaultBranch", $"The branch '{branch}' does not exist in the repository.").Problem();
            }
            catch (GitException ex)
            {
                return validation.Add("defaultBranch", $"The repository could not be read to check the branch: {ex.Message}").Problem();
            }

            repository.DefaultBranch = branch;
        }

        if (request.Settings is { } settings)
            repository.Settings = settings.ApplyTo(repository.Settings);

        AuditLog.Add(db, http.User, "repository.updated", $"repository/{id}",
            new { defaultBranch = request.DefaultBranch is not null, settings = request.Settings is not null });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(RepositoryResponse.From(repository));
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ReplaceCredentials(
        Guid id, ReplaceCredentialsRequest request, HttpContext http, BuilderDbContext db, CredentialProtector protector, Git git,
        CancellationToken cancellationToken)
    {
        var validation = new Validation();
        validation.Require("token", request.Token, 4000);
        if (!validation.IsValid)
            return validation.Problem();

        var tenantId = http.User.TenantId();
        var repository = await db.Repositories.OfTenant(tenantId, id).FirstOrDefaultAsync(cancellationToken);
        if (repository is null)
            return Problems.NotFound($"No repository {id}.");

        // A token that cannot read the remote would only fail the next run; say so now.
        try
        {
            await RepositoryUrl.DefaultBranchAsync(git, repository.Url, request.Token!.Trim(), cancellationToken);
        }
        catch (GitException ex)
        {
            return validation.Add("token", $"The repository could not be read with this token: {ex.Message}").Problem();
        }

        repository.ProtectedToken = protector.Protect(request.Token.Trim());
        AuditLog.Add(db, http.User, "repository.credentials_replaced", $"repository/{id}");
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveCredentials(
        Guid id, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var repository = await db.Repositories.OfTenant(tenantId, id).FirstOrDefaultAsync(cancellationToken);
        if (repository is null)
            return Problems.NotFound($"No repository {id}.");
        repository.ProtectedToken = null;
        AuditLog.Add(db, http.User, "repository.credentials_removed", $"repository/{id}");
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<RepositoryRuns>, ValidationProblem, ProblemHttpResult>> GetRuns(
        Guid id, int? limit, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 200)
            return new Validation().Add("limit", "limit must be between 1 and 200.").Problem();
        var tenantId = http.User.TenantId();
        var repository = await db.Repositories.AsNoTracking().OfTenant(tenantId, id).FirstOrDefaultAsync(cancellationToken);
        if (repository is null)
            return Problems.NotFound($"No repository {id}.");

        var runs =
            from f in db.Features.AsNoTracking()
            join s in db.FeatureStates.AsNoTracking() on f.Id equals s.CorrelationId into states
            from s in states.DefaultIfEmpty()
            where f.TenantId == tenantId && f.RepositoryId == id
            select new { Feature = f, State = s };
        var byState = await runs.GroupBy(x => x.State == null ? "Initial" : x.State.CurrentState)
            .Select(g => new { State = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        int Count(string state) => byState.Where(r => r.State == state).Sum(r => r.Count);
        var completed = Count("Completed");
        var failed = Count("Failed");
        var recent = await runs.OrderByDescending(x => x.Feature.CreatedAt).ThenBy(x => x.Feature.Id).Take(limit ?? 20).ToListAsync(cancellationToken);

        return TypedResults.Ok(new RepositoryRuns(
            id, byState.Sum(r => r.Count), completed, failed,
            completed + failed == 0 ? null : Math.Round((double)completed / (completed + failed), 4),
            recent.Select(x => FeatureViews.Summary(x.Feature, repository.Name, x.State)).ToList()));
    }
}

/// <summary>A field left out (null) keeps its value; the settings are the same as registration takes.</summary>
public sealed record UpdateRepositoryRequest(string? DefaultBranch, RepositorySettingsRequest? Settings);

public sealed record ReplaceCredentialsRequest(string? Token);

/// <param name="SuccessRate">Completed out of completed and failed runs (0 to 1); null before any run has ended that way. Rejected and cancelled runs are people's decisions and do not count.</param>
public sealed record RepositoryRuns(Guid RepositoryId, int Total, int Completed, int Failed, double? SuccessRate, IReadOnlyList<FeatureSummary> Recent);
