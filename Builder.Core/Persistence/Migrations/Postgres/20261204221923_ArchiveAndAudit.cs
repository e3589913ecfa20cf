using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Builder.Core.Persistence.Migrations.Postgres
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
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ArchivedAt",
                table: "features",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ArchivedBy",
                table: "features",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    KeyId = table.Column<Guid>(type: "uuid", nullable: true),
                    Action = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Target = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Details = table.Column<string>(type: "text", nullable: true)
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
