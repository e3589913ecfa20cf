using MassTransit;
using MassTransit.Configuration;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Saga;
using Builder.Core.Persistence;
using Builder.Core.StateMachines;
using Microsoft.EntityFrameworkCore;

namespace Builder.Worker.StateMachines;

/// <summary>
/// A small saga repository on EF Core (MassTransit's EF package is not served; docs/decisions/0002).
/// Each message gets a fresh DbContext; the saga row's Version is the optimistic concurrency token,
/// so two processes handling messages of one feature at once cannot both win: the loser gets a
/// <see cref="DbUpdateConcurrencyException"/> and the endpoint's retry policy replays its message.
/// </summary>
public sealed class EfSagaRepositoryContextFactory<TSaga>(
    IDbContextFactory<BuilderDbContext> dbFactory,
    ISagaConsumeContextFactory<BuilderDbContext, TSaga> consumeContextFactory)
    : ISagaRepositoryContextFactory<TSaga>, IQuerySagaRepositoryContextFactory<TSaga>, ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISaga
{
    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next) where T : class
    {
        await using var db = await dbFactory.CreateDbContextAsync(context.CancellationToken);
        var repositoryContext = new EfSagaRepositoryContext<TSaga, T>(db, context, consumeContextFactory);
        await next.Send(repositoryContext);
    }

    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next) where T : class
    {
        await using var db = await dbFactory.CreateDbContextAsync(context.CancellationToken);
        var repositoryContext = new EfSagaRepositoryContext<TSaga, T>(db, context, consumeContextFactory);
        var instances = await db.Set<TSaga>().Where(query.FilterExpression).ToListAsync(context.CancellationToken);
        await next.Send(new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, instances));
    }

    public async Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default) where T : class
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await asyncMethod(new EfSagaQueryContext<TSaga>(db, cancellationToken));
    }

    public async Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default) where T : class
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await asyncMethod(new EfSagaQueryContext<TSaga>(db, cancellationToken));
    }

    public void Probe(ProbeContext context) => context.Add("persistence", "builder-ef");
}

sealed class EfSagaRepositoryContext<TSaga, TMessage>(
    BuilderDbContext db, ConsumeContext<TMessage> context, ISagaConsumeContextFactory<BuilderDbContext, TSaga> factory)
    : ConsumeContextScope<TMessage>(context), SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISaga
    where TMessage : class
{
    readonly ConsumeContext<TMessage> _consumeContext = context;

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> context, TSaga instance, SagaConsumeContextMode mode)
        where T : class => factory.CreateSagaConsumeContext(db, context, instance, mode);

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        factory.CreateSagaConsumeContext(db, _consumeContext, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        try
        {
            db.Set<TSaga>().Add(instance);
            await db.SaveChangesAsync(CancellationToken);
            return await factory.CreateSagaConsumeContext(db, _consumeContext, instance, SagaConsumeContextMode.Insert);
        }
        catch (DbUpdateException)
        {
            // Someone else inserted it first; MassTransit falls back to loading it.
            db.Entry(instance).State = EntityState.Detached;
            return default!;
        }
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = await db.Set<TSaga>().FindAsync([correlationId], CancellationToken);
        return instance is null
            ? default!
            : await factory.CreateSagaConsumeContext(db, _consumeContext, instance, SagaConsumeContextMode.Load);
    }

    public async Task Save(SagaConsumeContext<TSaga> context)
    {
        Touch(context.Saga);
        db.Set<TSaga>().Add(context.Saga);
        await db.SaveChangesAsync(CancellationToken);
    }

    public async Task Update(SagaConsumeContext<TSaga> context)
    {
        Touch(context.Saga);
        await db.SaveChangesAsync(CancellationToken);
    }

    public async Task Delete(SagaConsumeContext<TSaga> context)
    {
        db.Set<TSaga>().Remove(context.Saga);
        await db.SaveChangesAsync(CancellationToken);
    }

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context)
    {
        db.Entry(context.Saga).State = EntityState.Detached;
        return Task.CompletedTask;
    }

    static void Touch(TSaga saga)
    {
        if (saga is FeatureState state)
        {
            state.Version++;
            state.UpdatedAt = DateTime.UtcNow;
        }
    }
}

sealed class EfSagaQueryContext<TSaga>(BuilderDbContext db, CancellationToken cancellationToken)
    : BasePipeContext(cancellationToken), LoadSagaRepositoryContext<TSaga>, QuerySagaRepositoryContext<TSaga>
    where TSaga : class, ISaga
{
    public async Task<TSaga> Load(Guid correlationId) =>
        (await db.Set<TSaga>().AsNoTracking().FirstOrDefaultAsync(s => s.CorrelationId == correlationId, CancellationToken))!;

    public async Task<SagaRepositoryQueryContext<TSaga>> Query(ISagaQuery<TSaga> query, CancellationToken cancellationToken = default)
    {
        var instances = await db.Set<TSaga>().AsNoTracking().Where(query.FilterExpression).ToListAsync(cancellationToken);
        return new LoadedSagaRepositoryQueryContext<TSaga>(this, instances);
    }
}

public static class EfSagaRepositoryRegistration
{
    /// <summary>Stores the saga in <see cref="BuilderDbContext"/> through <see cref="EfSagaRepositoryContextFactory{TSaga}"/>.</summary>
    public static ISagaRegistrationConfigurator<TSaga> BuilderDbRepository<TSaga>(this ISagaRegistrationConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
        configurator.Repository(r =>
        {
            r.RegisterLoadSagaRepository<TSaga, EfSagaRepositoryContextFactory<TSaga>>();
            r.RegisterQuerySagaRepository<TSaga, EfSagaRepositoryContextFactory<TSaga>>();
            r.RegisterSagaRepository<TSaga, BuilderDbContext, SagaConsumeContextFactory<BuilderDbContext, TSaga>, EfSagaRepositoryContextFactory<TSaga>>();
        });
        return configurator;
    }
}
