using System.Text.Json;
using Builder.Core.Artifacts;
using Builder.Core.Events;
using Builder.Worker.Environments;
using Builder.Worker.Pipeline;

namespace Builder.Worker.Phases.Plan;

/// <summary>What the run's commands run in, as Plan recorded it: an environment image, or null for the worker's sandbox.</summary>
public sealed record RunEnvironment(string Image, IReadOnlyList<string> Caches)
{
    public static async Task<RunEnvironment?> LoadAsync(PhaseRun run) =>
        await run.LoadAsync(ArtifactNames.Environment) is { } json ? JsonSerializer.Deserialize<RunEnvironment>(json, FeatureEventLog.Json) : null;
}

/// <summary>
/// Plan's part for a repository that declares its environment: the image is built (or reused) and
/// recorded for Build and Verify; a failed build fails Plan with the log's tail. With no engine, the
/// worker's own runtimes may stand in (with a notice), else Plan fails saying what is missing.
/// </summary>
public sealed class PlanEnvironment(EnvironmentImages images, WorkerRuntimes runtimes)
{
    public async Task PrepareAsync(PhaseRun run, string workspace)
    {
        EnvironmentManifest? manifest;
        try
        {
            manifest = EnvironmentManifest.Find(workspace);
        }
        catch (EnvironmentManifestException ex)
        {
            throw new PhaseFailedException("environment_invalid", ex.Message);
        }

        if (manifest is null)
            return;
        if (await images.EngineProblemAsync(run.CancellationToken) is { } noEngine)
        {
            await FallBackAsync(run, manifest, noEngine);
            return;
        }

        EnvironmentImage image;
        try
        {
            image = await images.EnsureAsync(manifest, workspace, run.CancellationToken);
        }
        catch (Exception ex) when (ex is EnvironmentBuildException or EnvironmentManifestException)
        {
            await run.StoreTextAsync(ArtifactNames.EnvironmentLog, ex.Message);
            throw new PhaseFailedException("environment_build_failed", ex.Message);
        }

        // A run planned again (retried, revised) that reuses the image it built keeps that build's log:
        // it is the log the dashboard shows for the image.
        if (!image.Reused || (await RunEnvironment.LoadAsync(run))?.Image != image.Tag)
            await run.StoreTextAsync(ArtifactNames.EnvironmentLog, image.Log);
        await run.StoreTextAsync("environment.Dockerfile", image.Dockerfile);
        await run.StoreTextAsync(ArtifactNames.Environment, JsonSerializer.Serialize(new RunEnvironment(image.Tag, manifest.Caches), FeatureEventLog.Json));
        await run.RecordAsync(image.Reused ? EventTypes.EnvironmentImageReused : EventTypes.EnvironmentImageBuilt, new
        {
            image = image.Tag, reused = image.Reused, durationMs = (long)image.Duration.TotalMilliseconds,
            runtimes = manifest.Runtimes.Select(r => $"{r.Name} {r.Version}"), dockerfile = manifest.Dockerfile ?? "generated",
        });
    }

    async Task FallBackAsync(PhaseRun run, EnvironmentManifest manifest, string noEngine)
    {
        var found = new List<string>();
        var missing = new List<string>();
        foreach (var runtime in manifest.Runtimes)
        {
            if (await runtimes.MatchingAsync(runtime, run.CancellationToken) is { } installed)
                found.Add($"{runtime.Name} {installed}");
            else
                missing.Add($"{runtime.Name} {runtime.Version}");
        }

        if (missing.Count > 0)
            throw new PhaseFailedException("environment_unavailable",
                $"{EnvironmentManifest.FileName} asks for {string.Join(", ", missing)}, which this worker does not have, and the environment image cannot be built: {noEngine}. "
                + "Point Builder:Sandbox:DockerEndpoint at a container engine, or install the runtime on the worker.");

        var skipped = new List<string>();
        if (manifest.Packages.Count > 0)
            skipped.Add($"packages ({string.Join(", ", manifest.Packages)})");
        if (manifest.Setup.Count > 0)
            skipped.Add($"{manifest.Setup.Count} setup command(s)");
        if (manifest.Dockerfile is not null)
            skipped.Add($"the dockerfile {manifest.Dockerfile}");
        await run.RecordAsync(EventTypes.EnvironmentFallback, new
        {
            reason = noEngine,
            runtimes = found,
            notice = $"No container engine answers ({noEngine}); the runtimes {EnvironmentManifest.FileName} names are on this worker"
                     + (found.Count > 0 ? $" ({string.Join(", ", found)})" : "")
                     + ", so the worker's sandbox runs the commands"
                     + (skipped.Count > 0 ? $"; not applied: {string.Join(", ", skipped)}" : "") + ".",
        });
    }
}
