using System.Globalization;
using Dapr.Client;
using DaprPlatform.Outbox;
using DaprPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DaprPlatform.Outbox.Tests;

/// <summary>A change the outbox announces: the tests' own table next to the outbox.</summary>
public sealed class Note
{
    public Guid Id { get; set; }

    public required string Text { get; set; }
}

public sealed class NotesContext(DbContextOptions<NotesContext> options) : DbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Note>().ToTable("notes");
        model.AddOutbox();
    }
}

/// <summary>
/// A service's outbox on a database of its own: its context, and dispatchers built as the service builds them,
/// publishing through a real sidecar (RabbitMQ pub/sub) or through an address where no sidecar answers.
/// </summary>
public sealed class OutboxHost : IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    private OutboxHost(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    public static async Task<OutboxHost> CreateAsync(InfraFixture infra)
    {
        var host = new OutboxHost(await infra.CreateDatabaseAsync("outbox", TestContext.Current.CancellationToken));
        await using var db = host.Context();
        await db.Database.EnsureCreatedAsync(TestContext.Current.CancellationToken);
        return host;
    }

    public NotesContext Context() => new(new DbContextOptionsBuilder<NotesContext>().UseNpgsql(ConnectionString).Options);

    /// <summary>A dispatcher (one service instance) whose DaprClient talks to the sidecar at <paramref name="grpcPort"/>.</summary>
    internal OutboxDispatcher<NotesContext> Dispatcher(int grpcPort, TimeSpan? firstRetryDelay = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Outbox:FirstRetryDelay"] = (firstRetryDelay ?? TimeSpan.FromSeconds(1)).ToString(),
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddDbContext<NotesContext>(options => options.UseNpgsql(ConnectionString))
            .AddSingleton(new DaprClientBuilder().UseGrpcEndpoint($"http://127.0.0.1:{grpcPort.ToString(CultureInfo.InvariantCulture)}").Build())
            .AddOutboxDispatcher<NotesContext>();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetServices<IHostedService>().OfType<OutboxDispatcher<NotesContext>>().Single();
    }

    /// <summary>Adds a note and its event in one transaction; commits it or rolls it back.</summary>
    public async Task<Guid> WriteAsync(string topic, string text, bool commit = true)
    {
        await using var db = Context();
        await using var transaction = await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);
        var id = Guid.CreateVersion7();
        db.Notes.Add(new Note { Id = id, Text = text });
        db.AddOutboxEvent(topic, id, new { noteId = id, text }, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        if (commit)
        {
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        return id;
    }

    public async Task<List<OutboxMessage>> MessagesAsync()
    {
        await using var db = Context();
        return await db.Set<OutboxMessage>().AsNoTracking().OrderBy(m => m.CreatedAt).ToListAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }
}
