using System.Text.Json;
using DaprPlatform.Sidecar.Runtime;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Spine;

public sealed class RouteExpressionTests
{
    private static readonly JsonElement Event = JsonDocument.Parse(
        """{"type":"order.created","source":"ordering","data":{"kind":"widget","qty":3,"rush":true}}""").RootElement;

    [Theory]
    [InlineData("event.type == \"order.created\"", true)]
    [InlineData("event.type == 'order.created'", true)]
    [InlineData("event.type != \"order.created\"", false)]
    [InlineData("event.type == \"order.created\" && event.source == \"ordering\"", true)]
    [InlineData("event.type == \"x\" || event.data.kind == \"widget\"", true)]
    [InlineData("event.type == \"x\" || event.data.kind == \"gadget\"", false)]
    [InlineData("!(event.type == \"x\")", true)]
    [InlineData("event.data.qty > 2 && event.data.qty <= 3", true)]
    [InlineData("event.data.qty >= 4", false)]
    [InlineData("event.data.rush == true", true)]
    [InlineData("event.missing == \"x\"", false)]
    [InlineData("event.missing != \"x\"", true)]
    [InlineData("(event.type == \"a\" || event.type == \"order.created\") && !(event.data.qty < 1)", true)]
    public void Evaluates_rules_over_the_cloud_event(string expression, bool expected)
    {
        Assert.Equal(expected, RouteExpression.Parse(expression).Matches(Event));
    }

    [Fact]
    public void Evaluates_a_circuit_breaker_trip()
    {
        var trip = RouteExpression.Parse("consecutiveFailures > 5");

        Assert.False(trip.Evaluate(_ => 5.0));
        Assert.True(trip.Evaluate(_ => 6.0));
    }

    [Theory]
    [InlineData("event.type ==")]
    [InlineData("event.type == \"unterminated")]
    [InlineData("(event.type == \"a\"")]
    [InlineData("event.type == \"a\" garbage")]
    [InlineData("event.type = \"a\"")]
    public void Rejects_what_it_cannot_parse(string expression)
    {
        var e = Assert.Throws<FormatException>(() => RouteExpression.Parse(expression));

        Assert.Contains("invalid expression", e.Message, StringComparison.Ordinal);
    }
}
