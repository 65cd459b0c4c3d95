using DaprPlatform.Sidecar.Components.State;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Spine;

public sealed class StateKeysTests
{
    [Theory]
    [InlineData(null, null, "orders||k")]
    [InlineData("appid", null, "orders||k")]
    [InlineData("name", null, "statestore||k")]
    [InlineData("none", null, "k")]
    [InlineData("namespace", null, "orders||k")]
    [InlineData("namespace", "prod", "prod.orders||k")]
    public void Prefixes_keys_as_daprd(string? keyPrefix, string? @namespace, string expected)
    {
        var keys = new StateKeys(keyPrefix, "orders", "statestore", @namespace);

        Assert.Equal(expected, keys.ToStoreKey("k"));
        Assert.Equal("k", StateKeys.ToAppKey(keys.ToStoreKey("k")));
    }

    [Fact]
    public void Unset_namespace_is_default_for_filtering_but_absent_for_key_prefixes()
    {
        var options = DaprPlatform.Sidecar.Hosting.CommandLine.Parse(["--app-id", "x"], new System.Collections.Hashtable());

        Assert.Equal("default", options.Namespace);
        Assert.Null(options.ExplicitNamespace);
    }
}
