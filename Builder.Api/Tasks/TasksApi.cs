using Builder.Api.Auth;
using Builder.Api.Infrastructure;
using Builder.Core;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Builder.Core.Policy;
using Builder.Core.StateMachines;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Builder.Api.Tasks;

/// <summary>
/// The Builder API for agents: a task names a repository and the paths it may touch; drafts are
/// uploaded into it file by file; a dry run shows the diff and the verdicts; apply starts the run.
/// </summary>
public static class TasksApi
{
    public static RouteGroupBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/tasks").WithTags("Tasks").RequireAuthorization(ApiScopes.DraftsWrite);
        api.MapPost("/", CreateTask).WithRequestSizeLimit(RequestLimits.Medium)
            .WithSummary("Create a task on a repository with a scope of paths or globs (e.g. src/reports/**) that its draft must stay inside.");
        api.MapGet("/", ListTasks);
        api.MapGet("/{id:guid}", GetTask);
        api.MapPost("/{id:guid}/drafts", UploadDrafts).WithRequestSizeLimit(RequestLimits.Large)
            .WithSummary("Upload draft files [{path, mode: add|replace|delete, content}]; uploads accumulate and a later upload of a path replaces it. " +
                         "A file outside the task's scope or the repository's policy is refused with the reason, and nothing of that upload is kept.");
        api.MapPost("/{id:guid}/dry-run", DryRun)
            .WithSummary("The unified diff of the draft against the current head of the target branch, each file's policy verdict and the " +
                         "build and test commands a run would use. Changes nothing.");
        api.MapPost("/{id:guid}/apply", Apply).RequireAuthorization(ApiScopes.FeaturesWrite).WithRequestSizeLimit(RequestLimits.Small)
            .WithSummary("Start a feature run with the task's draft; applying again returns the same feature.");
        return api;
    }

    public static async Task<Results<Created<TaskView>, ValidationProblem>> CreateTask(
        CreateTaskRequest request, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        var tenantId = http.User.TenantId();
        if (request.RepositoryId is not { } repositoryId)
            validation.Add("repositoryId", "repositoryId is required.");
        else if (repositoryId == Guid.Empty)
            validation.Add("repositoryId", $"repositoryId {Guid.Empty} is not a valid id.");
        else if (!await db.Repositories.AnyAsync(r => r.Id == repositoryId && r.TenantId == tenantId && r.RemovedAt == null, cancellationToken))
            validation.Add("repositoryId", $"No repository {repositoryId} is registered in this tenant.");
        validation.Require("title", request.Title, 300);
        validation.Line("title", request.Title).Text("description", request.Description).Text("plan", request.Plan);
        if (request.Description is { Length: > 20_000 })
            validation.Add("description", $"description is {request.Description.Length} characters long; the limit is 20000.");
        if (request.Plan is { Length: > 50_000 })
            validation.Add("plan", $"plan is {request.Plan.Length} characters long; the limit is 50000.");
        if (request.TargetBranch is not null && !BranchNames.IsValid(request.TargetBranch))
            validation.Add("targetBranch", $"'{request.TargetBranch}' is not a valid branch name.");
        if (request.Scope is not { Count: > 0 })
            validation.Add("scope", "scope is required: the paths or globs the task may change, e.g. [\"src/reports/**\"].");
        else if (request.Scope.Count > 100)
            validation.Add("scope", $"scope has {request.Scope.Count} entries; the limit is 100.");
        else
            foreach (var (entry, i) in request.Scope.Select((e, i) => (e, i)))
                if (DraftPaths.Problem(entry) is { } problem)
                    validation.Add($"scope[{i}]", $"'{entry}' is not a usable scope: {problem}.");
        if (!validation.IsValid)
            return validation.Problem();

        var task = new BuilderTask
        {
            TenantId = tenantId,
            RepositoryId = request.RepositoryId!.Value,
            Title = request.Title!.Trim(),
            Description = request.Description,
            Scope = request.Scope!.Select(s => s.Trim()).Distinct().ToList(),
            Plan = request.Plan,
            TargetBranch = request.TargetBranch,
            CreatedBy = http.User.Actor(),
            CreatedByKeyId = http.User.KeyId(),
        };
        db.Tasks.Add(task);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/tasks/{task.Id}", TaskView.From(task));
    }

    public static async Task<Ok<IReadOnlyList<TaskView>>> ListTasks(HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        var tasks = await db.Tasks.AsNoTracking().Where(t => t.TenantId == tenantId).OrderByDescending(t => t.CreatedAt).Take(200).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<TaskView>>(tasks.Select(TaskView.From).ToList());
    }

    public static async Task<Results<Ok<TaskView>, ProblemHttpResult>> GetTask(Guid id, HttpContext http, BuilderDbContext db, CancellationToken cancellationToken)
    {
        var task = await FindAsync(db, id, http, cancellationToken);
        return task is null ? NotFound(id) : TypedResults.Ok(TaskView.From(task));
    }

    public static async Task<Results<Ok<TaskView>, ValidationProblem, ProblemHttpResult>> UploadDrafts(
        Guid id, IReadOnlyList<DraftUploadFile?> files, HttpContext http, BuilderDbContext db, IOptions<BuilderOptions> options, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var task = await db.Tasks.FirstOrDefaultAsync(t => t.Id == id && t.TenantId == http.User.TenantId(), cancellationToken);
            if (task is null)
                return NotFound(id);
            if (task.FeatureId is { } featureId)
                return Problems.Conflict("Task applied", $"The task was applied as feature {featureId}; its draft can no longer change. Create a new task.");
            var settings = await db.Repositories.Where(r => r.Id == task.RepositoryId).Select(r => r.Settings).FirstAsync(cancellationToken);

            var validation = new Validation();
            var uploaded = Validate(task, files, settings, options.Value.Limits, validation);
            var merged = task.Draft.Where(f => !uploaded.Any(u => u.Path == f.Path)).Concat(uploaded).ToList();
            if (merged.Count > options.Value.Limits.MaxDraftFiles)
                validation.Add("files", $"The task's draft would hold {merged.Count} files; the limit is {options.Value.Limits.MaxDraftFiles}.");
            if (!validation.IsValid)
                return validation.Problem();

            task.Draft = merged;
            task.UpdatedAt = DateTime.UtcNow;
            task.Version++;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return TypedResults.Ok(TaskView.From(task));
            }
            catch (DbUpdateConcurrencyException) when (attempt < 10)
            {
                // Another upload (or apply) changed the task meanwhile: merge into its version instead.
                db.ChangeTracker.Clear();
            }
        }
    }

    public static async Task<Results<Ok<DryRunResult>, ValidationProblem, ProblemHttpResult>> DryRun(
        Guid id, HttpContext http, BuilderDbContext db, IRequestClient<DryRunTask> workers, CancellationToken cancellationToken)
    {
        var task = await FindAsync(db, id, http, cancellationToken);
        if (task is null)
            return NotFound(id);
        if (task.Draft.Count == 0)
            return new Validation().Add("files", "The task has no draft yet; upload files with POST /api/tasks/{id}/drafts first.").Problem();
        // A worker makes the clone and runs the detection: the Api never touches a working tree.
        Response reply = await workers.GetResponse<TaskDryRunCompleted, TaskDryRunRefused>(
            new DryRunTask(task.Id, task.RepositoryId), cancellationToken, RequestTimeout.After(m: 3));
        return reply switch
        {
            (_, TaskDryRunCompleted completed) => TypedResults.Ok(completed.Result),
            (_, TaskDryRunRefused refused) => Problems.Conflict(refused.Title, refused.Detail),
            _ => throw new InvalidOperationException("A worker answered a dry run with an unknown reply."),
        };
    }

    public static async Task<Results<Accepted<FeatureAccepted>, Ok<FeatureAccepted>, ValidationProblem, ProblemHttpResult>> Apply(
        Guid id, ApplyTaskRequest? request, HttpContext http, BuilderDbContext db, FeatureSubmitter submitter, CancellationToken cancellationToken)
    {
        request ??= new ApplyTaskRequest(null, null);
        var hash = FeaturesApi.Hash(new { task = id, request.ApprovalMode, request.TestsRequired });
        BuilderTask? task;
        var claimed = false;
        // Claim the task first (with its concurrency token), so a concurrent upload cannot slip a file in after the draft is read.
        for (var attempt = 1; ; attempt++)
        {
            task = await db.Tasks.FirstOrDefaultAsync(t => t.Id == id && t.TenantId == http.User.TenantId(), cancellationToken);
            if (task is null)
                return NotFound(id);
            if (task.FeatureId is not null)
                break;
            if (task.Draft.Count == 0)
                return new Validation().Add("files", "The task has no draft; upload files with POST /api/tasks/{id}/drafts first.").Problem();
            task.FeatureId = Guid.NewGuid();
            task.Version++;
            task.UpdatedAt = DateTime.UtcNow;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                claimed = true;
                break;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 10)
            {
                db.ChangeTracker.Clear();
            }
        }

        if (!claimed && await db.Features.AsNoTracking().FirstOrDefaultAsync(f => f.Id == task.FeatureId, cancellationToken) is { } applied)
            return applied.RequestHash == hash
                ? TypedResults.Ok(new FeatureAccepted(applied.Id, FeatureStatus.Requested, FeaturesApi.StatusUrl(applied.Id)))
                : Problems.Conflict("Task applied", $"The task was already applied as feature {applied.Id} with other options (approvalMode, testsRequired).");

        var description = string.Join("\n\n", new[] { task.Description, task.Plan is null ? null : $"Plan:\n{task.Plan}" }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var draft = new DraftRequest(task.Draft.Select(f => new DraftFileRequest(f.Path, f.Mode, f.Content)).ToList());
        var validation = new Validation();
        foreach (var file in task.Draft.Where(f => !task.InScope(f.Path)))
            validation.Add("files", $"'{file.Path}' is outside the task's scope ({string.Join(", ", task.Scope)}).");
        var outcome = await submitter.SubmitAsync(
            new FeatureSubmission(task.RepositoryId, task.Title, description, task.TargetBranch, request.ApprovalMode, draft, request.TestsRequired,
                $"task:{task.Id}", hash, task.FeatureId),
            http.User, validation, cancellationToken);
        if (outcome.Invalid is { } invalid)
        {
            // The repository's policy changed since the upload: release the task so the draft can be fixed.
            if (claimed)
                await db.Tasks.Where(t => t.Id == id && t.FeatureId == task.FeatureId)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.FeatureId, (Guid?)null), cancellationToken);
            return invalid.Problem();
        }

        var feature = outcome.Feature!;
        var accepted = new FeatureAccepted(feature.Id, FeatureStatus.Requested, FeaturesApi.StatusUrl(feature.Id));
        if (outcome.Created)
            return TypedResults.Accepted(accepted.StatusUrl, accepted);
        return outcome.SameRequest
            ? TypedResults.Ok(accepted)
            : Problems.Conflict("Task applied", $"The task was already applied as feature {feature.Id} with other options (approvalMode, testsRequired).");
    }

    static IReadOnlyList<DraftFile> Validate(BuilderTask task, IReadOnlyList<DraftUploadFile?>? files, RepositorySettings settings, LimitOptions limits, Validation validation)
    {
        if (files is not { Count: > 0 })
        {
            validation.Add("files", "The body is a non-empty JSON array of files: [{path, mode: add|replace|delete, content}].");
            return [];
        }

        return DraftValidation.CheckFiles([.. files.Select(f => f is null ? null : new DraftFileRequest(f.Path, f.Mode, f.Content))], i => $"[{i}]", "this upload",
            (path, content) => TaskPolicy.Check(task, path, content, settings, limits).Where(c => !c.Passed)
                .Select(c => new DraftValidation.Refusal(c.Rule is TaskPolicy.Path or TaskPolicy.Scope or TaskPolicy.AllowedPaths, c.Reason ?? c.Rule)),
            validation);
    }

    static Task<BuilderTask?> FindAsync(BuilderDbContext db, Guid id, HttpContext http, CancellationToken cancellationToken)
    {
        var tenantId = http.User.TenantId();
        return db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id && t.TenantId == tenantId, cancellationToken);
    }

    static ProblemHttpResult NotFound(Guid id) => Problems.NotFound($"No task {id}.");
}
