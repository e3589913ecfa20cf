using System.Text;
using Builder.Core.Events;
using Builder.Core.Policy;
using Builder.Worker.Pipeline;
using Builder.Worker.Sandbox;
using Builder.Worker.Sandbox.Docker;
using Builder.Worker.Toolchains;
using Microsoft.Extensions.Options;

namespace Builder.Worker.Phases;

public enum Step
{
    Restore,
    Build,
    Test,
}

/// <summary>
/// Runs a toolchain's restore, build and test steps for a run, each in the sandbox: restore is the
/// only step with network (it fills the package caches), build and test run offline against them.
/// Output streams into the run's events and accumulates in one log artifact per phase.
/// </summary>
public sealed class StepRunner(ISandbox sandbox, DockerSandbox containers, PhaseServices services, IOptions<SandboxOptions> sandboxOptions)
{
    /// <summary>
    /// Package caches are per tenant: a restore runs the repository's install hooks with the cache
    /// writable, so what one tenant's restore writes there must never be read by another tenant's build.
    /// </summary>
    string CacheRoot(PhaseRun run) =>
        Caches.PackageCaches.For(services.Options.DataDirectory, run.Feature.TenantId, run.Repository.Id, services.Options.Worker.CacheScope);

    /// <summary>One log artifact (e.g. build.log) gathering the steps of a phase.</summary>
    public sealed class Log(PhaseRun run, string name)
    {
        readonly StringBuilder _text = new();

        public string Name => name;

        public Task AppendAsync(string text)
        {
            _text.Append(text);
            return run.StoreTextAsync(name, _text.ToString());
        }
    }

    /// <summary>Runs the step, or returns null when the toolchain has nothing to do for it.</summary>
    public async Task<SandboxResult?> RunAsync(PhaseRun run, string workspace, ToolchainCommands commands, Step step, string reportsDirectory, Log log,
        string label = "")
    {
        var command = step switch
        {
            Step.Restore => commands.Restore,
            Step.Build => commands.Build,
            _ => commands.Test,
        };
        if (string.IsNullOrWhiteSpace(command))
            return null;

        Directory.CreateDirectory(reportsDirectory);
        var environment = new Dictionary<string, string?>
        {
            ["CI"] = "true",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["npm_config_update_notifier"] = "false",
            ["BUILDER_FEATURE_ID"] = run.Feature.Id.ToString(),
        };
        foreach (var (name, value) in commands.EnvironmentFor(reportsDirectory, CacheRoot(run)))
            environment[name] = value;

        Caches.PackageCaches.Touch(CacheRoot(run));
        List<string> writable = [reportsDirectory];
        List<string> readOnly = [];
        foreach (var cache in commands.CacheDirectories)
        {
            var path = Path.Combine(CacheRoot(run), cache.Folder);
            Directory.CreateDirectory(path);
            (step == Step.Restore || cache.WritableAfterRestore ? writable : readOnly).Add(path);
        }

        // A repository that declares its environment runs in that image, with the caches it keeps.
        var environmentImage = await Plan.RunEnvironment.LoadAsync(run);
        foreach (var cache in environmentImage?.Caches ?? [])
        {
            var path = Path.Combine(CacheRoot(run), "environment", cache);
            Directory.CreateDirectory(path);
            environment[Environments.EnvironmentDockerfile.CacheLayout[cache].Variable] = path;
            (step == Step.Restore ? writable : readOnly).Add(path);
        }

        var runner = environmentImage is null ? sandbox : containers;
        var stream = run.OpenLog($"{step.ToString().ToLowerInvariant()}{label}");
        stream.Line($"$ {command}");
        SandboxResult result;
        try
        {
            result = await runner.RunAsync(new SandboxRequest(command, workspace)
            {
                Image = environmentImage?.Image,
                Network = step == Step.Restore,
                Egress = step == Step.Restore ? EgressFor(run, commands) : null,
                Environment = environment,
                WritableBinds = writable,
                ReadOnlyBinds = readOnly,
                Timeout = services.Options.Worker.CommandTimeout,
                MemoryBytes = services.Options.Worker.MemoryLimitBytes,
                MaxProcesses = services.Options.Worker.MaxProcesses,
                CpuCores = services.Options.Worker.CpuCores,
                MaxDiskBytes = services.Options.Worker.MaxDiskBytes,
            }, run.CancellationToken, stream.Line);
        }
        finally
        {
            await stream.FlushAsync();
        }

        foreach (var notice in result.Notices)
            await run.RecordAsync(EventTypes.SandboxNotice, new { sandbox = runner.Name, notice }, notice.GetHashCode().ToString("x8"));
        foreach (var denial in result.EgressDenied)
            await run.RecordAsync(EventTypes.EgressDenied, new { step = step.ToString().ToLowerInvariant(), host = denial.Host, port = denial.Port },
                $"{step}:{denial.Host}:{denial.Port}");
        foreach (var notice in commands.Notices)
            await run.RecordAsync(EventTypes.ToolchainNotice, new { toolchain = commands.Toolchain, step = step.ToString().ToLowerInvariant(), notice },
                Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes($"{step}:{notice}")))[..12]);

        var ending = result.LimitHit is { } limit ? $"stopped: {limit} limit" : $"exit code {result.ExitCode}";
        await log.AppendAsync($"$ {command}{(label.Length > 0 ? $"   [{label.Trim(' ', '(', ')')}]" : "")}\n{result.Output}\n[builder] {ending} after {result.Duration.TotalSeconds:F1} s\n\n");
        return result;
    }

    /// <summary>
    /// Restore reaches its toolchain's registries, the hosts the worker's configuration allows for
    /// every repository, and the repository's own settings.egress; nothing else.
    /// </summary>
    EgressPolicy? EgressFor(PhaseRun run, ToolchainCommands commands)
    {
        var settings = sandboxOptions.Value;
        return settings.FilterEgress
            ? EgressPolicy.For(commands.Toolchain, settings.AllowedHosts.Concat(run.Repository.Settings.Egress ?? []))
            : null;
    }

    /// <summary>Why a step failed, in words for the run's error.</summary>
    public static string Describe(SandboxResult result) => result.LimitHit switch
    {
        "timeout" => "it ran past the time limit and was killed",
        "memory" => "it went past the memory limit and was killed",
        "processes" => "it started more processes than allowed and was stopped",
        "disk" => "it wrote more than its disk limit and was stopped",
        { } other => $"it hit the {other} limit",
        null => $"exit code {result.ExitCode}",
    };
}
