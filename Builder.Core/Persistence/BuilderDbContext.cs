using System.Text.Json;
using Builder.Core.Artifacts;
using Builder.Core.Domain;
using Builder.Core.Events;
using Builder.Core.Llm;
using Builder.Core.StateMachines;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Builder.Core.Persistence;

/// <summary>The one model of Builder, on Postgres (distributed) or SQLite (embedded).</summary>
public class BuilderDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Repository> Repositories => Set<Repository>();
    public DbSet<Feature> Features => Set<Feature>();
    public DbSet<FeatureState> FeatureStates => Set<FeatureState>();
    public DbSet<FeatureEvent> FeatureEvents => Set<FeatureEvent>();
    public DbSet<Artifact> Artifacts => Set<Artifact>();
    public DbSet<BaseTestRun> BaseTestRuns => Set<BaseTestRun>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<BuilderTask> Tasks => Set<BuilderTask>();
    public DbSet<Review> Reviews => Set<Review>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<LlmCall> LlmCalls => Set<LlmCall>();
    public DbSet<FeatureBudget> FeatureBudgets => Set<FeatureBudget>();
    public DbSet<DeployedService> Services => Set<DeployedService>();
    public DbSet<ServiceVersion> ServiceVersions => Set<ServiceVersion>();
    public DbSet<ToolExecution> ToolExecutions => Set<ToolExecution>();
    public DbSet<TelemetrySample> TelemetrySamples => Set<TelemetrySample>();
    public DbSet<ImprovementCycle> ImprovementCycles => Set<ImprovementCycle>();
    public DbSet<ImprovementOpportunity> ImprovementOpportunities => Set<ImprovementOpportunity>();
    public DbSet<TenantFlag> TenantFlags => Set<TenantFlag>();

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; SQLite cannot order DateTimeOffset, so DateTime (Kind=Utc) it is.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<ToolExecution>(e =>
        {
            e.ToTable("tool_executions");
            e.HasIndex(x => new { x.TenantId, x.CreatedAt });
            e.Property(x => x.Tool).HasMaxLength(64);
            e.Property(x => x.Status).HasMaxLength(32);
            e.Property(x => x.Image).HasMaxLength(200);
            e.Property(x => x.RequestedBy).HasMaxLength(200);
        });

        model.Entity<Tenant>(e =>
        {
            e.ToTable("tenants");
            e.Property(x => x.Name).HasMaxLength(200);
        });

        model.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.HasIndex(x => x.Prefix).IsUnique();
            e.HasIndex(x => x.TenantId);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Prefix).HasMaxLength(32);
            e.Property(x => x.Hash).HasMaxLength(128);
            e.Property(x => x.Scopes).HasMaxLength(500);
        });

        model.Entity<Repository>(e =>
        {
            e.ToTable("repositories");
            // A removed repository's name can be registered again.
            e.HasIndex(x => new { x.TenantId, x.Name }).IsUnique().HasFilter("\"RemovedAt\" IS NULL");
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Url).HasMaxLength(2000);
            e.Property(x => x.DefaultBranch).HasMaxLength(250);
            e.Property(x => x.Settings).HasConversion(JsonConverter<RepositorySettings>(), JsonComparer<RepositorySettings>());
        });

        model.Entity<Feature>(e =>
        {
            e.ToTable("features");
            e.HasIndex(x => new { x.TenantId, x.CreatedAt });
            e.HasIndex(x => new { x.TenantId, x.IdempotencyKey }).IsUnique();
            e.Property(x => x.Title).HasMaxLength(300);
            e.Property(x => x.TargetBranch).HasMaxLength(250);
            e.Property(x => x.RequestedBy).HasMaxLength(200);
            e.Property(x => x.IdempotencyKey).HasMaxLength(200);
            e.Property(x => x.RequestHash).HasMaxLength(128);
            e.Property(x => x.Draft).HasConversion(JsonConverter<IReadOnlyList<DraftFile>>(), JsonComparer<IReadOnlyList<DraftFile>>());
        });

        model.Entity<FeatureState>(e =>
        {
            e.ToTable("feature_states");
            e.HasKey(x => x.CorrelationId);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.Property(x => x.CurrentState).HasMaxLength(64);
            e.HasIndex(x => x.CurrentState);
            e.HasIndex(x => x.TenantId);
        });

        model.Entity<FeatureEvent>(e =>
        {
            e.ToTable("feature_events");
            e.HasIndex(x => new { x.FeatureId, x.Sequence }).IsUnique();
            e.HasIndex(x => new { x.FeatureId, x.Key }).IsUnique();
            e.Property(x => x.Type).HasMaxLength(100);
            e.Property(x => x.Key).HasMaxLength(300);
            e.Property(x => x.Phase).HasMaxLength(32);
            e.Property(x => x.Producer).HasMaxLength(200);
        });

        model.Entity<Artifact>(e =>
        {
            e.ToTable("artifacts");
            e.HasIndex(x => new { x.FeatureId, x.Name }).IsUnique();
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.ContentType).HasMaxLength(100);
        });

        model.Entity<DeployedService>(e =>
        {
            e.ToTable("services");
            e.HasIndex(x => x.Name).IsUnique();
            e.HasIndex(x => x.TenantId);
            e.Property(x => x.Name).HasMaxLength(40);
            e.Property(x => x.Target).HasMaxLength(32);
            e.Property(x => x.StableUrl).HasMaxLength(500);
            e.Property(x => x.TelemetryCollector).HasMaxLength(200);
        });

        model.Entity<ServiceVersion>(e =>
        {
            e.ToTable("service_versions");
            e.HasIndex(x => new { x.ServiceId, x.Number }).IsUnique();
            e.HasIndex(x => x.FeatureId);
            e.Property(x => x.CommitSha).HasMaxLength(64);
            e.Property(x => x.ReleaseFolder).HasMaxLength(1000);
            e.Property(x => x.Url).HasMaxLength(500);
            e.Property(x => x.DeployedBy).HasMaxLength(300);
            e.Property(x => x.Reason).HasMaxLength(4000);
            e.Property(x => x.MetricsPath).HasMaxLength(300);
            e.Property(x => x.TelemetryEndpoints).HasConversion(JsonConverter<List<string>>(), JsonComparer<List<string>>());
        });

        model.Entity<TelemetrySample>(e =>
        {
            e.ToTable("telemetry_samples");
            e.HasIndex(x => new { x.ServiceId, x.To });
            e.HasIndex(x => new { x.TenantId, x.To });
            e.Property(x => x.Source).HasMaxLength(16);
            e.Property(x => x.Endpoint).HasMaxLength(300);
            e.Property(x => x.Error).HasMaxLength(2000);
            e.Property(x => x.Statuses).HasConversion(JsonConverter<Dictionary<string, int>>(), JsonComparer<Dictionary<string, int>>());
            e.Property(x => x.Signals).HasConversion(JsonConverter<List<TelemetrySignal>>(), JsonComparer<List<TelemetrySignal>>());
        });

        model.Entity<ImprovementCycle>(e =>
        {
            e.ToTable("improvement_cycles");
            e.HasIndex(x => new { x.TenantId, x.StartedAt });
            e.HasIndex(x => x.State);
            e.Property(x => x.Trigger).HasMaxLength(16);
            e.Property(x => x.TriggeredBy).HasMaxLength(300);
            e.Property(x => x.Services).HasConversion(JsonConverter<List<string>>(), JsonComparer<List<string>>());
            e.Property(x => x.Notes).HasConversion(JsonConverter<List<string>>(), JsonComparer<List<string>>());
        });

        model.Entity<ImprovementOpportunity>(e =>
        {
            e.ToTable("improvement_opportunities");
            e.HasIndex(x => x.CycleId);
            e.HasIndex(x => new { x.TenantId, x.Key });
            e.HasIndex(x => x.FeatureId);
            e.Property(x => x.Service).HasMaxLength(40);
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.Endpoint).HasMaxLength(300);
            e.Property(x => x.Key).HasMaxLength(500);
            e.Property(x => x.Summary).HasMaxLength(1000);
            e.Property(x => x.Outcome).HasMaxLength(32);
        });

        model.Entity<TenantFlag>(e =>
        {
            e.ToTable("tenant_flags");
            e.HasKey(x => new { x.TenantId, x.Name });
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.UpdatedBy).HasMaxLength(300);
        });

        model.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.HasIndex(x => new { x.TenantId, x.At });
            e.Property(x => x.Actor).HasMaxLength(300);
            e.Property(x => x.Action).HasMaxLength(100);
            e.Property(x => x.Target).HasMaxLength(200);
        });

        model.Entity<BaseTestRun>(e =>
        {
            e.ToTable("base_test_runs");
            e.HasIndex(x => new { x.RepositoryId, x.BaseCommit, x.Fingerprint }).IsUnique();
            e.Property(x => x.BaseCommit).HasMaxLength(64);
            e.Property(x => x.Fingerprint).HasMaxLength(64);
        });

        model.Entity<Agent>(e =>
        {
            e.ToTable("agents");
            e.HasIndex(x => new { x.TenantId, x.Name, x.Version }).IsUnique();
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Version).HasMaxLength(50);
            e.Property(x => x.RegisteredBy).HasMaxLength(200);
            e.Ignore(x => x.Actor);
        });

        model.Entity<BuilderTask>(e =>
        {
            e.ToTable("tasks");
            e.HasIndex(x => new { x.TenantId, x.CreatedAt });
            e.Property(x => x.Title).HasMaxLength(300);
            e.Property(x => x.CreatedBy).HasMaxLength(200);
            e.Property(x => x.TargetBranch).HasMaxLength(250);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.Property(x => x.Scope).HasConversion(JsonConverter<IReadOnlyList<string>>(), JsonComparer<IReadOnlyList<string>>());
            e.Property(x => x.Draft).HasConversion(JsonConverter<IReadOnlyList<DraftFile>>(), JsonComparer<IReadOnlyList<DraftFile>>());
        });

        model.Entity<Review>(e =>
        {
            e.ToTable("reviews");
            e.HasIndex(x => new { x.FeatureId, x.CreatedAt });
            e.Property(x => x.Reviewer).HasMaxLength(200);
        });

        model.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        model.Entity<LlmCall>(e =>
        {
            e.ToTable("llm_calls");
            e.HasIndex(x => new { x.FeatureId, x.Session, x.Index }).IsUnique();
            e.HasIndex(x => new { x.TenantId, x.RepositoryId });
            e.Property(x => x.Session).HasMaxLength(64);
            e.Property(x => x.Function).HasMaxLength(32);
            e.Property(x => x.Provider).HasMaxLength(32);
            e.Property(x => x.Model).HasMaxLength(200);
            e.Property(x => x.FinishReason).HasMaxLength(64);
        });

        model.Entity<FeatureBudget>(e =>
        {
            e.ToTable("feature_budgets");
            e.HasKey(x => x.FeatureId);
            e.Property(x => x.UpdatedBy).HasMaxLength(200);
        });
    }

    static ValueConverter<T, string> JsonConverter<T>() => new(
        v => JsonSerializer.Serialize(v, Json),
        v => JsonSerializer.Deserialize<T>(v, Json)!);

    static ValueComparer<T> JsonComparer<T>() => new(
        (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
        v => JsonSerializer.Serialize(v, Json).GetHashCode(),
        v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, Json), Json)!);

    sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
