using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Builder.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ArchiveAndAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_repositories_TenantId_Name",
                table: "repositories");

            migrationBuilder.AddColumn<DateTime>(
                name: "RemovedAt",
                table: "repositories",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ArchivedAt",
                table: "features",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ArchivedBy",
                table: "features",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    KeyId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Details = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_entries", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_repositories_TenantId_Name",
                table: "repositories",
                columns: new[] { "TenantId", "Name" },
                unique: true,
                filter: "\"RemovedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_TenantId_At",
                table: "audit_entries",
                columns: new[] { "TenantId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_entries");

            migrationBuilder.DropIndex(
                name: "IX_repositories_TenantId_Name",
                table: "repositories");

            migrationBuilder.DropColumn(
                name: "RemovedAt",
                table: "repositories");

            migrationBuilder.DropColumn(
                name: "ArchivedAt",
                table: "features");

            migrationBuilder.DropColumn(
                name: "ArchivedBy",
                table: "features");

            migrationBuilder.CreateIndex(
                name: "IX_repositories_TenantId_Name",
                table: "repositories",
                columns: new[] { "TenantId", "Name" },
                unique: true);
        }
    }
}
