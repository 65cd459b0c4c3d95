using System.Net;

namespace DaprPlatform.Ordering.Clients;

/// <summary>
/// Another service answered with a status the caller cannot take as an outcome (a fault, or a 4xx that is no
/// answer of the business such as a decline). Thrown from activities, it is retried by the saga's step policy and
/// finally fails the step — never read as success.
/// </summary>
public sealed class DownstreamException(string service, string operation, HttpStatusCode status, string? body)
    : Exception($"{service} {operation} answered {(int)status} {status}{(string.IsNullOrEmpty(body) ? "" : ": " + Trim(body))}")
{
    public HttpStatusCode Status { get; } = status;

    private static string Trim(string body) => body.Length <= 500 ? body : body[..500];

    public static async Task<DownstreamException> FromAsync(string service, string operation, HttpResponseMessage response, CancellationToken ct) =>
        new(service, operation, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
}
