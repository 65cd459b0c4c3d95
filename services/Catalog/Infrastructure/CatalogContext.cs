using DaprPlatform.Catalog.Model;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Catalog.Infrastructure;

public sealed class CatalogContext(DbContextOptions<CatalogContext> options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();

    public DbSet<Reservation> Reservations => Set<Reservation>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Product>(product =>
        {
            product.ToTable("products");
            product.Property(p => p.Name).HasMaxLength(200);
            product.Property(p => p.Description).HasMaxLength(2000);
            product.Property(p => p.Price).HasPrecision(12, 2);
            // The database refuses a negative stock, whatever the code does.
            product.ToTable(t => t.HasCheckConstraint("ck_products_available_stock", "\"AvailableStock\" >= 0"));
            product.HasIndex(p => p.Name);
        });
        model.Entity<Reservation>(reservation =>
        {
            reservation.ToTable("reservations");
            reservation.Property(r => r.Id).HasMaxLength(200);
            reservation.Property(r => r.OrderId).HasMaxLength(200);
            reservation.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            reservation.HasMany(r => r.Lines).WithOne().HasForeignKey(l => l.ReservationId);
        });
        model.Entity<ReservationLine>().ToTable("reservation_lines");
        model.Entity<Product>().HasData(CatalogSeed.Products);
    }
}
