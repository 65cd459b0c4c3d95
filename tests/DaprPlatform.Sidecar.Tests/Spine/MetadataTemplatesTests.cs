using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Hosting;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Spine;

public sealed class MetadataTemplatesTests
{
    private static readonly SidecarOptions Options = new() { AppId = "orders", Namespace = "prod" };

    [Fact]
    public void Expands_daprs_template_tags()
    {
        var uuid = Guid.NewGuid();

        Assert.Equal($"orders-prod-{uuid}", MetadataTemplates.Expand("{appID}-{namespace}-{uuid}", Options, uuid));
        Assert.Equal(Environment.GetEnvironmentVariable("POD_NAME") ?? Environment.MachineName, MetadataTemplates.Expand("{podName}", Options, uuid));
    }

    [Fact]
    public void Leaves_other_text_alone()
    {
        Assert.Equal("{notATag} plain", MetadataTemplates.Expand("{notATag} plain", Options, Guid.NewGuid()));
    }
}
