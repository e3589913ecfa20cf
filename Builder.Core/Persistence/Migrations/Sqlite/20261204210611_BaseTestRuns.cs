using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Builder.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BaseTestRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "base_test_runs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RepositoryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BaseCommit = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Results = table.Column<string>(type: "TEXT", nullable: false),
                    FeatureId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_base_test_runs", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_base_test_runs_RepositoryId_BaseCommit_Fingerprint",
                table: "base_test_runs",
                columns: new[] { "RepositoryId", "BaseCommit", "Fingerprint" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "base_test_runs");
        }
    }
}
