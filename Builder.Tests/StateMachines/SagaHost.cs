using Builder.Worker.StateMachines;
using Builder.Core;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Builder.Tests.StateMachines;

/// <summary>The feature state machine on MassTransit's test harness, persisted by our EF saga repository in a SQLite file.</summary>
public sealed class SagaHost : IAsyncDisposable
{
    readonly IHost _host;
    readonly string _directory = Directory.CreateTempSubdirectory("builder-saga-").FullName;

    SagaHost(IHost host) => _host = host;

    public ITestHarness Harness => _host.Services.GetRequiredService<ITestHarness>();

    public ISagaStateMachineTestHarness<FeatureStateMachine, FeatureState> Saga =>
        Harness.GetSagaStateMachineHarness<FeatureStateMachine, FeatureState>();

    public IServiceProvider Services => _host.Services;

    public static async Task<SagaHost> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("builder-saga-").FullName;
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Builder:DataDirectory"] = directory;
        builder.AddBuilderCore();
        builder.Services.AddMassTransitTestHarness(x =>
            x.AddSagaStateMachine<FeatureStateMachine, FeatureState, FeatureStateMachineDefinition>().BuilderDbRepository());
        var host = builder.Build();
        await host.StartAsync();
        return new SagaHost(host);
    }

    public async Task<FeatureState?> StateAsync(Guid id)
    {
        await using var db = await _host.Services.GetRequiredService<IDbContextFactory<BuilderDbContext>>().CreateDbContextAsync();
        return await db.FeatureStates.AsNoTracking().FirstOrDefaultAsync(s => s.CorrelationId == id);
    }

    /// <summary>Waits until the saga is in <paramref name="state"/>; the harness's consumed-message checks alone race the save.</summary>
    public async Task<FeatureState> WaitForStateAsync(Guid id, string state)
    {
        var current = await Eventually.Until(() => StateAsync(id), s => s?.CurrentState == state, $"saga {id} to reach {state}",
            TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20));
        return current!;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
