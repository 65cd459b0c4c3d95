using System.Text;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Sdk.Tests.Infrastructure;

/// <summary>Answers shaped like daprd's (status codes, headers, bodies) per the wire reference.</summary>
public static class DaprResponses
{
    public static Func<HttpResponse, Task> NoContent() => response =>
    {
        response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    };

    public static Func<HttpResponse, Task> Json(int status, string json, params (string Name, string Value)[] headers) =>
        Body(status, "application/json", json, headers);

    public static Func<HttpResponse, Task> Body(int status, string contentType, string body, params (string Name, string Value)[] headers) => async response =>
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        foreach (var (name, value) in headers)
        {
            response.Headers.Append(name, value);
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
    };

    /// <summary>daprd's error body: <c>{"errorCode":"ERR_...","message":"..."}</c>.</summary>
    public static Func<HttpResponse, Task> Error(int status, string errorCode, string message) =>
        Json(status, JsonSerializer.Serialize(new { errorCode, message }));
}
