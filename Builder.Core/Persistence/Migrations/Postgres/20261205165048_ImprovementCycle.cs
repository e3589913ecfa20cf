using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Builder.Core.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ImprovementCycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TelemetryCollector",
                table: "services",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TelemetryLeaseUntil",
                table: "services",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MetricsPath",
                table: "service_versions",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TelemetryEndpoints",
                table: "service_versions",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "improvement_cycles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Trigger = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    TriggeredBy = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    TriggeredByKeyId = table.Column<Guid>(type: "uuid", nullable: true),
                    AnalysisWindowHours = table.Column<double>(type: "double precision", nullable: false),
                    MaxImprovements = table.Column<int>(type: "integer", nullable: false),
                    Services = table.Column<string>(type: "text", nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Notes = table.Column<string>(type: "text", nullable: false),
                    ImpactTotal = table.Column<double>(type: "double precision", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_improvement_cycles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "improvement_opportunities",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CycleId = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    ServiceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Service = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Endpoint = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Key = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Summary = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Evidence = table.Column<string>(type: "text", nullable: false),
                    Impact = table.Column<double>(type: "double precision", nullable: false),
                    Decision = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    FeatureId = table.Column<Guid>(type: "uuid", nullable: true),
                    Outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_improvement_opportunities", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "telemetry_samples",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    ServiceId = table.Column<Guid>(type: "uuid", nullable: false),
                    VersionId = table.Column<Guid>(type: "uuid", nullable: false),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Endpoint = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    From = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    To = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Requests = table.Column<int>(type: "integer", nullable: false),
                    Failures = table.Column<int>(type: "integer", nullable: false),
                    P50Ms = table.Column<double>(type: "double precision", nullable: false),
                    P95Ms = table.Column<double>(type: "double precision", nullable: false),
                    P99Ms = table.Column<double>(type: "double precision", nullable: false),
                    Statuses = table.Column<string>(type: "text", nullable: false),
                    Signals = table.Column<string>(type: "text", nullable: false),
                    Error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_telemetry_samples", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "tenant_flags",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenant_flags", x => new { x.TenantId, x.Name });
                });

            migrationBuilder.CreateIndex(
                name: "IX_improvement_cycles_State",
                table: "improvement_cycles",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_improvement_cycles_TenantId_StartedAt",
                table: "improvement_cycles",
                columns: new[] { "TenantId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_improvement_opportunities_CycleId",
                table: "improvement_opportunities",
                column: "CycleId");

            migrationBuilder.CreateIndex(
                name: "IX_improvement_opportunities_FeatureId",
                table: "improvement_opportunities",
                column: "FeatureId");

            migrationBuilder.CreateIndex(
                name: "IX_improvement_opportunities_TenantId_Key",
                table: "improvement_opportunities",
                columns: new[] { "TenantId", "Key" });

            migrationBuilder.CreateIndex(
                name: "IX_telemetry_samples_ServiceId_To",
                table: "telemetry_samples",
                columns: new[] { "ServiceId", "To" });

            migrationBuilder.CreateIndex(
                name: "IX_telemetry_samples_TenantId_To",
                table: "telemetry_samples",
                columns: new[] { "TenantId", "To" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "improvement_cycles");

            migrationBuilder.DropTable(
                name: "improvement_opportunities");

            migrationBuilder.DropTable(
                name: "telemetry_samples");

            migrationBuilder.DropTable(
                name: "tenant_flags");

            migrationBuilder.DropColumn(
                name: "TelemetryCollector",
                table: "services");

            migrationBuilder.DropColumn(
                name: "TelemetryLeaseUntil",
                table: "services");

            migrationBuilder.DropColumn(
                name: "MetricsPath",
                table: "service_versions");

            migrationBuilder.DropColumn(
                name: "TelemetryEndpoints",
                table: "service_versions");
        }
    }
}
