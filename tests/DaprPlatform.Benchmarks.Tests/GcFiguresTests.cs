using DaprPlatform.Benchmarks.Measurement;
using Xunit;

namespace DaprPlatform.Benchmarks.Tests;

public sealed class GcFiguresTests
{
    private const string Scrape = """
        # HELP dapr_http_server_request_count Count of HTTP requests processed by the server.
        # TYPE dapr_http_server_request_count counter
        dapr_http_server_request_count{app_id="a",method="GET",path="/v1.0/healthz",status="204"} 3
        # HELP dotnet_gc_allocated_bytes_total Bytes allocated on the managed heap since the process started.
        # TYPE dotnet_gc_allocated_bytes_total counter
        dotnet_gc_allocated_bytes_total 327690128
        # TYPE dotnet_gc_pause_seconds_total counter
        dotnet_gc_pause_seconds_total 0.21598
        # TYPE dotnet_gc_committed_bytes gauge
        dotnet_gc_committed_bytes 6291456
        # TYPE dotnet_gc_collections_total counter
        dotnet_gc_collections_total{generation="0"} 125
        dotnet_gc_collections_total{generation="1"} 2
        dotnet_gc_collections_total{generation="2"} 1
        """;

    [Fact]
    public void Reads_allocated_bytes_pause_committed_heap_and_the_collections_of_every_generation()
    {
        var figures = GcFigures.Parse(Scrape);

        Assert.Equal(new GcFigures(327690128, 128, 0.21598, 6291456), figures);
    }

    [Fact]
    public void Two_readings_subtract_to_what_happened_between_them()
    {
        var before = new GcFigures(1000, 4, 0.5, 2_000_000);
        var after = new GcFigures(5096, 10, 0.75, 3_000_000);

        // The committed heap is a gauge: the later reading's value, not a difference.
        Assert.Equal(new GcFigures(4096, 6, 0.25, 3_000_000), after - before);
    }

    [Fact]
    public void A_scrape_without_gc_counters_gives_nothing()
    {
        Assert.Null(GcFigures.Parse("# TYPE x counter\nx 1\n"));
    }
}
