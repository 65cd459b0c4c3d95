using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace DaprPlatform.WebConsole.Components.Shared;

/// <summary>An SVG &lt;text&gt; element, which Razor markup cannot write with attributes (it reserves the tag).</summary>
public sealed class SvgText : ComponentBase
{
    [Parameter] public string X { get; set; } = "0";

    [Parameter] public string Y { get; set; } = "0";

    [Parameter] public string? Anchor { get; set; }

    [Parameter] public string? Class { get; set; }

    [Parameter] public string Text { get; set; } = "";

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "text");
        builder.AddAttribute(1, "x", X);
        builder.AddAttribute(2, "y", Y);
        builder.AddAttribute(3, "text-anchor", Anchor);
        builder.AddAttribute(4, "class", Class);
        builder.AddContent(5, Text);
        builder.CloseElement();
    }
}
