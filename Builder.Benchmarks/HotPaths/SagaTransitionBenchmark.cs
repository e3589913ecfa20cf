using BenchmarkDotNet.Attributes;
using Builder.Core.Contracts;
using Builder.Core.Domain;
using Builder.Core.Messaging;
using Builder.Core.StateMachines;
using Builder.Worker.StateMachines;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Builder.Benchmarks.HotPaths;

/// <summary>
/// Saga transitions of <see cref="FeatureStateMachine"/> as a worker runs them: a message consumed
/// from the bus, the saga row loaded (or inserted) through Builder's EF saga repository, the state
/// saved under its version check, and the next phase's command published once it is saved (the
/// in-memory outbox). The in-memory transport stands in for RabbitMQ and a stub answers each phase
/// command at once, so what is measured is the saga and its database, not the phases. A batch of
/// 40 runs at a time, as runs arrive together: <c>Requested</c> is a run's first transition (insert),
/// <c>FourTransitions</c> takes each run from its request to Verify (one insert, three updates).
/// </summary>
[MemoryDiagnoser]
public class SagaTransitionBenchmark
{
    const int Runs = 40;

    BenchPostgres? _postgres;
    BenchHost? _host;
    IBus _bus = null!;
    PhaseStub.Batch _batch = null!;
    readonly Guid _tenant = Guid.NewGuid();

    [Params("sqlite", "postgres")]
    public string Database { get; set; } = "sqlite";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        if (Database == "postgres")
        {
            _postgres = await BenchPostgres.StartAsync("bench_saga");
            if (_postgres is null)
                return;
        }

        _host = await BenchHost.StartAsync(_postgres?.ConnectionString, builder =>
        {
            builder.Services.AddSingleton<PhaseStub.Batch>();
            builder.AddBuilderMessaging(bus =>
            {
                bus.AddSagaStateMachine<FeatureStateMachine, FeatureState, FeatureStateMachineDefinition>().BuilderDbRepository();
                bus.AddConsumer<PhaseStub>();
            });
        });
        _bus = _host.Services.GetRequiredService<IBus>();
        _batch = _host.Services.GetRequiredService<PhaseStub.Batch>();
    }

    [Benchmark(OperationsPerInvoke = Runs)]
    public Task Requested() => RunBatchAsync(typeof(PlanFeature));

    [Benchmark(OperationsPerInvoke = Runs * 4)]
    public Task FourTransitions() => RunBatchAsync(typeof(VerifyChange));

    async Task RunBatchAsync(Type stopAt)
    {
        if (_host is null)
            return;
        var done = _batch.Start(Runs, stopAt);
        await Task.WhenAll(Enumerable.Range(0, Runs).Select(_ =>
            _bus.Publish(new FeatureRequested(Guid.NewGuid(), _tenant, ApprovalMode.Auto, "bench"))));
        await done.WaitAsync(TimeSpan.FromMinutes(2));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
    }
}

/// <summary>
/// Stands in for the phase consumers: answers each phase command with its phase's result at once,
/// until the command the batch stops at, which counts the run as through.
/// </summary>
public sealed class PhaseStub(PhaseStub.Batch batch) :
    IConsumer<PlanFeature>, IConsumer<GenerateChange>, IConsumer<BuildChange>, IConsumer<VerifyChange>
{
    public sealed class Batch
    {
        int _remaining;
        TaskCompletionSource _done = new();

        public Type StopAt { get; private set; } = typeof(PlanFeature);

        public Task Start(int runs, Type stopAt)
        {
            StopAt = stopAt;
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _remaining, runs);
            return _done.Task;
        }

        public void Arrived()
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
                _done.TrySetResult();
        }
    }

    public Task Consume(ConsumeContext<PlanFeature> context) =>
        Answer(context, new FeaturePlanned(context.Message.FeatureId, context.Message.Attempt, "0000000000000000000000000000000000000000"));

    public Task Consume(ConsumeContext<GenerateChange> context) =>
        Answer(context, new ChangeGenerated(context.Message.FeatureId, context.Message.Attempt, 2));

    public Task Consume(ConsumeContext<BuildChange> context) =>
        Answer(context, new ChangeBuilt(context.Message.FeatureId, context.Message.Attempt));

    public Task Consume(ConsumeContext<VerifyChange> context) =>
        Answer(context, new ChangeVerified(context.Message.FeatureId, context.Message.Attempt));

    Task Answer<TCommand, TResult>(ConsumeContext<TCommand> context, TResult result) where TCommand : class where TResult : class
    {
        if (typeof(TCommand) != batch.StopAt)
            return context.Publish(result);
        batch.Arrived();
        return Task.CompletedTask;
    }
}
