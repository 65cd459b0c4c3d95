using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace DaprPlatform.Ordering.Tests;

/// <summary>
/// The other side of ordering's HTTP contract with a service: answers each request as that service answers it
/// (status, problem details, JSON body) and keeps what it was asked, for the typed client under test.
/// </summary>
public sealed class ServiceAnswers(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<(HttpMethod Method, string Path, string? Body)> Requests { get; } = [];

    /// <summary>An HttpClient addressed as the service registers it in ordering (base address http://{appId}/).</summary>
    public HttpClient Client(string appId) => new(this) { BaseAddress = new Uri($"http://{appId}/") };

    public static HttpResponseMessage Json<T>(HttpStatusCode status, T body) => new(status) { Content = JsonContent.Create(body) };

    /// <summary>An RFC 7807 answer as ASP.NET Core writes it, with <paramref name="extensions"/> as top-level members.</summary>
    public static HttpResponseMessage Problem(HttpStatusCode status, string title, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = new Dictionary<string, object?> { ["title"] = title, ["status"] = (int)status };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem[key] = value;
        }

        return new HttpResponseMessage(status) { Content = JsonContent.Create(problem, new MediaTypeHeaderValue("application/problem+json")) };
    }

    public static HttpResponseMessage Text(HttpStatusCode status, string text) =>
        new(status) { Content = new StringContent(text, Encoding.UTF8, "text/plain") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request.Method, request.RequestUri!.AbsolutePath, body));
        return answer(request);
    }
}
