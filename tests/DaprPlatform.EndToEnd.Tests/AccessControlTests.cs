using System.Globalization;
using System.Net;
using System.Text;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// The sidecars' access control (components/config/*.yaml), seen from inside: a service's own sidecar refuses to
/// carry a call the callee's policy does not allow, whatever the caller's code does.
/// </summary>
public sealed class AccessControlTests(PlatformFixture platform)
{
    public static TheoryData<string, string, string, string, bool> Calls => new()
    {
        // caller, callee, method, path, allowed
        { "gateway", "identity", "GET", "users", true },
        { "ordering", "identity", "GET", "users", false },
        { "notifications", "identity", "GET", "users", false },
        { "ordering", "identity", "GET", ".well-known/jwks.json", true },
        { "analytics", "identity", "GET", ".well-known/jwks.json", true },
        { "ordering", "payments", "POST", "charges", true },
        { "gateway", "payments", "POST", "charges", false },
        { "catalog", "payments", "POST", "charges", false },
        { "gateway", "payments", "GET", "charges/some-order", true },
        { "ordering", "catalog", "POST", "reservations", true },
        { "gateway", "catalog", "POST", "reservations", false },
        { "gateway", "catalog", "GET", "products/1", true },
        { "analytics", "ordering", "GET", "orders", false },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task A_call_reaches_a_service_only_if_its_policy_allows_the_caller(string caller, string callee, string method, string path, bool allowed)
    {
        using var http = new HttpClient();
        var port = platform.SidecarHttpPorts[caller].ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(new HttpMethod(method), $"http://127.0.0.1:{port}/v1.0/invoke/{callee}/method/{path}");
        if (method == "POST")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        // A refused call is daprd's 403 ERR_DIRECT_INVOKE from the callee's sidecar; an allowed one is whatever the app
        // answers (401 without a token, 400 for the empty body, 404 for an unknown charge, 200).
        var refused = response.StatusCode == HttpStatusCode.Forbidden && body.Contains("ERR_DIRECT_INVOKE", StringComparison.Ordinal);
        Assert.True(refused != allowed, $"{caller} → {callee} {method} /{path}: {(int)response.StatusCode} {body}");
    }
}
