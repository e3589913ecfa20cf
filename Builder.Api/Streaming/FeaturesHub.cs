using System.Collections.Concurrent;
using Builder.Api.Auth;
using Builder.Core.Domain;
using Builder.Core.Persistence;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Builder.Api.Streaming;

/// <summary>
/// The SignalR hub of live progress (the dashboard's, and any client's): <c>Subscribe(featureId)</c>
/// pushes that run's <c>FeatureEvent</c> messages, <c>SubscribeBoard()</c> pushes a
/// <c>FeatureChanged</c> for every run of the tenant whenever its state moves.
/// </summary>
[Authorize(Policy = ApiScopes.FeaturesRead)]
public sealed class FeaturesHub(IDbContextFactory<BuilderDbContext> dbFactory, HubSubscriptions subscriptions) : Hub
{
    public const string Path = "/hubs/features";

    public async Task Subscribe(Guid featureId)
    {
        var tenantId = Context.User!.TenantId();
        await using var db = await dbFactory.CreateDbContextAsync(Context.ConnectionAborted);
        if (!await db.Features.AnyAsync(f => f.Id == featureId && f.TenantId == tenantId, Context.ConnectionAborted))
            throw new HubException($"No feature {featureId}.");
        var group = HubSubscriptions.FeatureGroup(tenantId, featureId);
        await Groups.AddToGroupAsync(Context.ConnectionId, group, Context.ConnectionAborted);
        subscriptions.Add(group, Context.ConnectionId);
    }

    public async Task Unsubscribe(Guid featureId)
    {
        var group = HubSubscriptions.FeatureGroup(Context.User!.TenantId(), featureId);
        subscriptions.Remove(group, Context.ConnectionId);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, group, Context.ConnectionAborted);
    }

    public async Task SubscribeBoard()
    {
        var group = HubSubscriptions.BoardGroup(Context.User!.TenantId());
        await Groups.AddToGroupAsync(Context.ConnectionId, group, Context.ConnectionAborted);
        subscriptions.Add(group, Context.ConnectionId);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.RemoveConnection(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>
/// Which of this process's connections subscribed to what. The relay sends every event only to
/// local connections: each Api process has its own feed, so sending to a group through the Redis
/// backplane would deliver one copy per process. The SignalR groups are joined too (tenant-scoped
/// names), so code anywhere can still broadcast to them through the backplane.
/// </summary>
public sealed class HubSubscriptions
{
    readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _members = new();
    readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _groupsOf = new();

    public static string FeatureGroup(Guid tenantId, Guid featureId) => $"tenant:{tenantId:N}:feature:{featureId:N}";

    public static string BoardGroup(Guid tenantId) => $"tenant:{tenantId:N}:board";

    public void Add(string group, string connectionId)
    {
        _members.GetOrAdd(group, _ => new ConcurrentDictionary<string, byte>())[connectionId] = 0;
        _groupsOf.GetOrAdd(connectionId, _ => new ConcurrentDictionary<string, byte>())[group] = 0;
    }

    public void Remove(string group, string connectionId)
    {
        if (_members.TryGetValue(group, out var members))
            members.TryRemove(connectionId, out _);
        if (_groupsOf.TryGetValue(connectionId, out var groups))
            groups.TryRemove(group, out _);
    }

    public void RemoveConnection(string connectionId)
    {
        if (!_groupsOf.TryRemove(connectionId, out var groups))
            return;
        foreach (var group in groups.Keys)
            if (_members.TryGetValue(group, out var members))
                members.TryRemove(connectionId, out _);
    }

    public IReadOnlyCollection<string> Members(string group) =>
        _members.TryGetValue(group, out var members) ? members.Keys.ToList() : [];

    public bool Any => !_groupsOf.IsEmpty;
}
