using System.Text.Json.Nodes;

namespace DaprPlatform.Sdk.Tests.Infrastructure;

public static class JsonAssert
{
    /// <summary>Structural JSON equality (property order and whitespace ignored), with both documents in the failure message.</summary>
    public static void Equal(string expected, string actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        var actualNode = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(expectedNode, actualNode), $"Expected JSON:\n{expectedNode?.ToJsonString()}\nActual JSON:\n{actualNode?.ToJsonString()}");
    }
}
