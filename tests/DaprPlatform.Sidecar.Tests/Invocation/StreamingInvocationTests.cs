using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Invocation;

/// <summary>
/// Bodies pass through both sidecars as they are produced, in both directions: a request body reaches the app while
/// the client is still sending it, and a response reaches the client while the app is still writing it.
/// </summary>
[Collection(ServiceInvocationCollection.Name)]
public sealed class StreamingInvocationTests(ServiceInvocationFixture fixture)
{
    private const int TwentyMiB = 20 * TargetApp.MiB;
    private static readonly TimeSpan StreamingTimeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Large_upload_is_streamed_to_the_app_while_the_client_is_still_sending(bool knownLength)
    {
        var key = Guid.NewGuid().ToString("N");
        var appReceivedFirstMiB = fixture.App.Gate("upload-" + key).Task;
        // The client sends 1 MiB and then waits until the app has it: a sidecar that held the body back would stall here.
        var content = new GatedContent(TwentyMiB, TargetApp.MiB, appReceivedFirstMiB, knownLength);

        using var response = await fixture.Caller.HttpClient.PostAsync($"v1.0/invoke/{fixture.CalleeId}/method/upload/{key}", content, Ct)
            .WaitAsync(StreamingTimeout, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(TwentyMiB, result.GetProperty("length").GetInt64());
        Assert.Equal(content.Sha256(), result.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Large_download_is_streamed_back_intact()
    {
        using var response = await fixture.Caller.HttpClient.GetAsync(
            $"v1.0/invoke/{fixture.CalleeId}/method/download/{TwentyMiB}", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);

        var buffer = new byte[64 * 1024];
        var expected = new byte[buffer.Length];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, Ct)) > 0)
        {
            TargetApp.Pattern(total, expected.AsSpan(0, read));
            Assert.True(buffer.AsSpan(0, read).SequenceEqual(expected.AsSpan(0, read)), $"bytes differ after offset {total}");
            total += read;
        }

        Assert.Equal(TwentyMiB, total);
    }

    [Fact]
    public async Task Server_sent_events_reach_the_client_as_the_app_writes_them()
    {
        var key = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1.0/invoke/{fixture.CalleeId}/method/sse/{key}");
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await fixture.Caller.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct).WaitAsync(StreamingTimeout, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct), Encoding.UTF8);

        // The app holds the second event back until the first one has arrived here.
        Assert.Equal("data: one", await reader.ReadLineAsync(Ct).AsTask().WaitAsync(StreamingTimeout, Ct));
        Assert.Equal("", await reader.ReadLineAsync(Ct));
        fixture.App.Gate("sse-" + key).TrySetResult();
        Assert.Equal("data: two", await reader.ReadLineAsync(Ct).AsTask().WaitAsync(StreamingTimeout, Ct));
    }

    /// <summary>A deterministic body written in 64 KiB pieces that pauses after <c>pauseAfter</c> bytes until <c>resume</c> completes.</summary>
    private sealed class GatedContent(long length, long pauseAfter, Task resume, bool knownLength) : HttpContent
    {
        public string Sha256()
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var chunk = new byte[64 * 1024];
            for (long offset = 0; offset < length; offset += chunk.Length)
            {
                var count = (int)Math.Min(chunk.Length, length - offset);
                TargetApp.Pattern(offset, chunk.AsSpan(0, count));
                hash.AppendData(chunk, 0, count);
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            for (long offset = 0; offset < length; offset += chunk.Length)
            {
                if (offset == pauseAfter)
                {
                    await stream.FlushAsync();
                    await resume.WaitAsync(StreamingTimeout);
                }

                var count = (int)Math.Min(chunk.Length, length - offset);
                TargetApp.Pattern(offset, chunk.AsSpan(0, count));
                await stream.WriteAsync(chunk.AsMemory(0, count));
            }
        }

        protected override bool TryComputeLength(out long computed)
        {
            computed = length;
            return knownLength;
        }
    }
}
