using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DaprPlatform.Ordering.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class SagaStepAttempts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "saga_step_attempts",
                columns: table => new
                {
                    OrderId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Activity = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ScheduledEventId = table.Column<int>(type: "integer", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_saga_step_attempts", x => new { x.OrderId, x.Activity, x.ScheduledEventId });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "saga_step_attempts");
        }
    }
}
