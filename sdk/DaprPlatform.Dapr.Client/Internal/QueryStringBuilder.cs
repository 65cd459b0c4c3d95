using System.Text;

namespace DaprPlatform.Dapr.Client.Internal;

/// <summary>Builds daprd query strings; per-request metadata travels as <c>metadata.&lt;key&gt;=&lt;value&gt;</c>.</summary>
internal struct QueryStringBuilder
{
    private StringBuilder? _builder;

    public void Add(string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        _builder ??= new StringBuilder();
        _builder.Append(_builder.Length == 0 ? '?' : '&')
            .Append(Uri.EscapeDataString(name))
            .Append('=')
            .Append(Uri.EscapeDataString(value));
    }

    public void AddMetadata(IEnumerable<KeyValuePair<string, string>>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (key, value) in metadata)
        {
            Add(DaprHeaders.MetadataPrefix + key, value);
        }
    }

    public override readonly string ToString() => _builder?.ToString() ?? string.Empty;
}
