using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Builder.Core.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AutoFixAndTestsRequired : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "TestsRequired",
                table: "features",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Author",
                table: "feature_states",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Feedback",
                table: "feature_states",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FixRounds",
                table: "feature_states",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "PlanAttempt",
                table: "feature_states",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TestsRequired",
                table: "features");

            migrationBuilder.DropColumn(
                name: "Author",
                table: "feature_states");

            migrationBuilder.DropColumn(
                name: "Feedback",
                table: "feature_states");

            migrationBuilder.DropColumn(
                name: "FixRounds",
                table: "feature_states");

            migrationBuilder.DropColumn(
                name: "PlanAttempt",
                table: "feature_states");
        }
    }
}
