using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DaprPlatform.Analytics.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class HourlyOutcomes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "order_outcomes_hourly",
                columns: table => new
                {
                    Hour = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Confirmed = table.Column<int>(type: "integer", nullable: false),
                    Cancelled = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_outcomes_hourly", x => x.Hour);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_outcomes_hourly");
        }
    }
}
