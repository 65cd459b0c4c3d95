using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Spine;

/// <summary>The secrets API through a real sidecar: local.file (nested, multi-valued), local.env, scopes, errors.</summary>
public sealed class SecretsApiTests : IAsyncLifetime
{
    private readonly ResourcesDirectory _resources = new();
    private SidecarProcess? _sidecar;

    private HttpClient Http => _sidecar!.HttpClient;

    public async ValueTask InitializeAsync()
    {
        var flat = _resources.AddFile("../flat.json", """{"db":{"password":"pw","hosts":["a","b"]},"apiKey":"k1","port":5432}""").Path;
        _resources.AddFile("../multi.json", """{"db":{"user":"u","password":"pw"},"single":"s"}""");
        var root = Path.GetDirectoryName(flat)!;
        _resources.AddComponent("flat", "secretstores.local.file", new Dictionary<string, string> { ["secretsFile"] = Path.Combine(root, "flat.json") });
        _resources.AddComponent("dotted", "secretstores.local.file", new Dictionary<string, string> { ["secretsFile"] = Path.Combine(root, "flat.json"), ["nestedSeparator"] = "." });
        _resources.AddComponent("multi", "secretstores.local.file", new Dictionary<string, string> { ["secretsFile"] = Path.Combine(root, "multi.json"), ["multiValued"] = "true" });
        _resources.AddComponent("env", "secretstores.local.env");
        _resources.AddComponent("scoped", "secretstores.local.file", new Dictionary<string, string> { ["secretsFile"] = Path.Combine(root, "flat.json") });
        var config = _resources.WriteConfiguration("""
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: secrets-scopes
            spec:
              secrets:
                scopes:
                - storeName: scoped
                  defaultAccess: deny
                  allowedSecrets: ["apiKey"]
            """);

        _sidecar = await SidecarProcess.StartAsync(
            new SidecarProcessOptions
            {
                AppId = "secrets-test",
                ResourcesPaths = [_resources.Path],
                ConfigPath = config,
                Environment = new Dictionary<string, string?> { ["SECRETS_TEST_VALUE"] = "from-env", ["DAPR_SECRET_THING"] = "hidden" },
            },
            TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }

        _resources.Dispose();
    }

    [Theory]
    [InlineData("flat", "db:password", "pw")]
    [InlineData("flat", "db:hosts:1", "b")]
    [InlineData("flat", "port", "5432")]
    [InlineData("dotted", "db.password", "pw")]
    public async Task Flattens_nested_json_with_the_separator(string store, string key, string expected)
    {
        var secret = await Http.GetFromJsonAsync<Dictionary<string, string>>($"v1.0/secrets/{store}/{Uri.EscapeDataString(key)}", TestContext.Current.CancellationToken);

        Assert.Equal(new Dictionary<string, string> { [key] = expected }, secret);
    }

    [Fact]
    public async Task Multi_valued_secrets_return_their_keys()
    {
        var secret = await Http.GetFromJsonAsync<Dictionary<string, string>>("v1.0/secrets/multi/db", TestContext.Current.CancellationToken);

        Assert.Equal(new Dictionary<string, string> { ["user"] = "u", ["password"] = "pw" }, secret);
    }

    [Fact]
    public async Task Bulk_returns_every_secret_by_name()
    {
        var bulk = await Http.GetFromJsonAsync<Dictionary<string, Dictionary<string, string>>>("v1.0/secrets/multi/bulk", TestContext.Current.CancellationToken);

        Assert.Equal(["db", "single"], bulk!.Keys.Order());
        Assert.Equal("s", bulk["single"]["single"]);
    }

    [Fact]
    public async Task Env_store_reads_variables_but_never_dapr_ones()
    {
        var ct = TestContext.Current.CancellationToken;

        var value = await Http.GetFromJsonAsync<Dictionary<string, string>>("v1.0/secrets/env/SECRETS_TEST_VALUE", ct);
        var hidden = await Http.GetFromJsonAsync<Dictionary<string, string>>("v1.0/secrets/env/DAPR_SECRET_THING", ct);

        Assert.Equal("from-env", value!["SECRETS_TEST_VALUE"]);
        Assert.Equal("", hidden!["DAPR_SECRET_THING"]);
    }

    [Fact]
    public async Task Unknown_store_is_401_like_daprd()
    {
        var response = await Http.GetAsync("v1.0/secrets/nope/x", TestContext.Current.CancellationToken);

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "ERR_SECRET_STORE_NOT_FOUND");
    }

    [Fact]
    public async Task Missing_secret_is_500_secret_get()
    {
        var response = await Http.GetAsync("v1.0/secrets/flat/nope", TestContext.Current.CancellationToken);

        await AssertErrorAsync(response, HttpStatusCode.InternalServerError, "ERR_SECRET_GET");
    }

    [Fact]
    public async Task Scopes_deny_and_filter_bulk()
    {
        var ct = TestContext.Current.CancellationToken;

        var denied = await Http.GetAsync("v1.0/secrets/scoped/port", ct);
        var allowed = await Http.GetFromJsonAsync<Dictionary<string, string>>("v1.0/secrets/scoped/apiKey", ct);
        var bulk = await Http.GetFromJsonAsync<Dictionary<string, Dictionary<string, string>>>("v1.0/secrets/scoped/bulk", ct);

        await AssertErrorAsync(denied, HttpStatusCode.Forbidden, "ERR_PERMISSION_DENIED");
        Assert.Equal("k1", allowed!["apiKey"]);
        Assert.Equal(["apiKey"], bulk!.Keys);
    }

    internal static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string errorCode)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(errorCode, json.RootElement.GetProperty("errorCode").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("message").GetString()));
    }
}
