using System.Text;
using DaprPlatform.Sidecar.Runtime.PubSub;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>How the app's answer to a delivery is read (dapr runtime/subscription/postman/http).</summary>
public sealed class AppResponseInterpreterTests
{
    private static DeliveryOutcome Interpret(int status, string body) => AppResponseInterpreter.Interpret(status, Encoding.UTF8.GetBytes(body), "event-1");

    [Theory]
    [InlineData(200, """{"status":"SUCCESS"}""")]
    [InlineData(200, "")]
    [InlineData(204, "")]
    [InlineData(299, "not json at all")]
    [InlineData(200, """{"status":""}""")]
    [InlineData(200, """{"other":"field"}""")]
    [InlineData(200, """{"status":null}""")]
    [InlineData(200, """{"status":5}""")]
    [InlineData(200, """["RETRY"]""")]
    [InlineData(200, "null")]
    [InlineData(201, """{"Status":"SUCCESS"}""")]
    public void Success(int status, string body) => Assert.Equal(DeliveryStatus.Success, Interpret(status, body).Status);

    [Theory]
    [InlineData("""{"status":"RETRY"}""")]
    [InlineData("""{"STATUS":"RETRY"}""")]
    [InlineData("""{"status":"retry"}""")]
    [InlineData("""{"status":"UNKNOWN"}""")]
    [InlineData("""{"status":"SUCCESS","Status":"RETRY"}""")]
    public void Two_hundred_with_retry_or_an_unknown_status_is_retriable(string body)
    {
        var outcome = Interpret(200, body);

        Assert.Equal(DeliveryStatus.Retry, outcome.Status);
        Assert.Null(outcome.StatusCode);
        Assert.Contains("event-1", outcome.Reason);
    }

    [Fact]
    public void Two_hundred_with_drop_is_dropped() => Assert.Equal(DeliveryStatus.Drop, Interpret(200, """{"status":"DROP"}""").Status);

    [Fact]
    public void Not_found_is_dropped_with_its_status()
    {
        var outcome = Interpret(404, "no such route");

        Assert.Equal(DeliveryStatus.Drop, outcome.Status);
        Assert.Equal(404, outcome.StatusCode);
        Assert.Contains("no such route", outcome.Reason);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(400)]
    [InlineData(302)]
    [InlineData(100)]
    public void Any_other_status_is_retriable_with_the_status_for_resiliency(int status)
    {
        var outcome = Interpret(status, """{"status":"SUCCESS"}""");

        Assert.Equal(DeliveryStatus.Retry, outcome.Status);
        Assert.Equal(status, outcome.StatusCode);
    }
}
