using System.Net;
using System.Net.Http.Headers;

namespace DaprPlatform.Workflow.Tests.Grpc;

/// <summary>Sends hand-made HTTP/2 requests, to test how the server treats bodies no real gRPC client would send.</summary>
internal sealed class RawHttp2Client(Uri address) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address };

    public async Task<RawResponse> PostAsync(
        string path,
        byte[] body,
        string contentType = "application/grpc",
        IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        var responseBody = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        return new RawResponse(
            response.StatusCode,
            Header(response.Headers, "grpc-status") ?? Header(response.TrailingHeaders, "grpc-status"),
            Header(response.Headers, "grpc-message") ?? Header(response.TrailingHeaders, "grpc-message"),
            Header(response.Headers, "grpc-status") is not null,
            responseBody);
    }

    public void Dispose() => _http.Dispose();

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.First() : null;
}

internal sealed record RawResponse(HttpStatusCode HttpStatus, string? GrpcStatus, string? GrpcMessage, bool TrailersOnly, byte[] Body);
