using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Components.State.PostgreSql;
using Npgsql;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.State;

/// <summary>The connection strings Dapr component files carry (libpq keyword/value, postgres:// URLs) mapped for Npgsql.</summary>
public sealed class PostgreSqlConnectionStringTests
{
    private static NpgsqlConnectionStringBuilder Build(Dictionary<string, string> metadata, out IReadOnlyList<string> ignored) =>
        PostgreSqlConnectionString.Build(new ComponentMetadata(metadata, "pg.yaml"), out ignored);

    private static NpgsqlConnectionStringBuilder Build(string connectionString) =>
        Build(new Dictionary<string, string> { ["connectionString"] = connectionString }, out _);

    [Fact]
    public void Keyword_value_form_as_in_daprs_docs()
    {
        var builder = Build("host=db.local user=postgres password=example port=5433 connect_timeout=10 database=dapr_test sslmode=require application_name=shop");

        Assert.Equal("db.local", builder.Host);
        Assert.Equal("postgres", builder.Username);
        Assert.Equal("example", builder.Password);
        Assert.Equal(5433, builder.Port);
        Assert.Equal(10, builder.Timeout);
        Assert.Equal("dapr_test", builder.Database);
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.Equal("shop", builder.ApplicationName);
    }

    [Fact]
    public void Keyword_value_form_quoted_values_and_dbname()
    {
        var builder = Build(@"host = localhost dbname='my db' password='it\'s a \\ here'");

        Assert.Equal("my db", builder.Database);
        Assert.Equal(@"it's a \ here", builder.Password);
    }

    [Fact]
    public void Pgx_pool_settings_map_or_are_reported_as_ignored()
    {
        var builder = Build(new Dictionary<string, string> { ["connectionString"] = "host=h pool_max_conns=7 pool_health_check_period=1m statement_cache_capacity=10" }, out var ignored);

        Assert.Equal(7, builder.MaxPoolSize);
        Assert.Equal(["pool_health_check_period", "statement_cache_capacity"], ignored);
    }

    [Fact]
    public void Url_form_with_escaped_password_and_query()
    {
        var builder = Build("postgres://alice:p%40ss%3Aword@db.example:6543/orders?sslmode=disable&application_name=api");

        Assert.Equal("db.example", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("alice", builder.Username);
        Assert.Equal("p@ss:word", builder.Password);
        Assert.Equal("orders", builder.Database);
        Assert.Equal(SslMode.Disable, builder.SslMode);
        Assert.Equal("api", builder.ApplicationName);
    }

    [Fact]
    public void Npgsql_form_is_accepted_as_is()
    {
        var builder = Build("Host=127.0.0.1;Port=5999;Username=postgres;Password=secret;Database=x;Include Error Detail=true");

        Assert.Equal("127.0.0.1", builder.Host);
        Assert.Equal(5999, builder.Port);
        Assert.Equal("secret", builder.Password);
        Assert.True(builder.IncludeErrorDetail);
    }

    [Fact]
    public void Metadata_fields_override_the_string_and_hostaddr_wins()
    {
        var builder = Build(new Dictionary<string, string>
        {
            ["connectionString"] = "host=a user=u password=p database=d port=1",
            ["host"] = "b",
            ["hostaddr"] = "10.0.0.9",
            ["port"] = "2",
            ["user"] = "v",
            ["password"] = "q",
            ["database"] = "e",
        }, out _);

        Assert.Equal("10.0.0.9", builder.Host);
        Assert.Equal(2, builder.Port);
        Assert.Equal("v", builder.Username);
        Assert.Equal("q", builder.Password);
        Assert.Equal("e", builder.Database);
    }

    [Fact]
    public void Metadata_fields_alone_are_enough()
    {
        var builder = Build(new Dictionary<string, string> { ["host"] = "h", ["user"] = "u", ["database"] = "d" }, out _);

        Assert.Equal("h", builder.Host);
        Assert.Equal("d", builder.Database);
    }

    [Theory]
    [InlineData("")]
    [InlineData("host=h port=")]
    [InlineData("host=h sslmode=sometimes")]
    [InlineData("host h")]
    [InlineData("host='unterminated")]
    public void Bad_strings_name_the_connection_string_field(string connectionString)
    {
        var error = Assert.Throws<Resources.ResourceException>(() => Build(new Dictionary<string, string> { ["connectionString"] = connectionString }, out _));

        Assert.Contains("spec.metadata.connectionString", error.Message);
    }
}
