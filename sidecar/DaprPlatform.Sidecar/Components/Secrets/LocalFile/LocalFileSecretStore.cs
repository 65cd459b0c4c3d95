using System.Globalization;
using System.Text.Json;

namespace DaprPlatform.Sidecar.Components.Secrets.LocalFile;

/// <summary>
/// secretstores.local.file: a JSON file read once at start-up. Nested objects and arrays are flattened with
/// <c>nestedSeparator</c> (default ":"); with <c>multiValued</c> the top-level keys are the secrets and their
/// nested values become each secret's keys.
/// </summary>
public sealed class LocalFileSecretStore : ISecretStore
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _secrets;

    private LocalFileSecretStore(Dictionary<string, IReadOnlyDictionary<string, string>> secrets) => _secrets = secrets;

    public static async Task<IAsyncDisposable> CreateAsync(ComponentContext context, CancellationToken cancellationToken)
    {
        var file = context.Metadata.GetRequiredString("secretsFile");
        var separator = context.Metadata.GetString("nestedSeparator") ?? ":";
        var multiValued = context.Metadata.GetBool("multiValued", false);
        if (!File.Exists(file))
        {
            throw context.Metadata.Invalid("secretsFile", $"file '{Path.GetFullPath(file)}' does not exist");
        }

        JsonDocument json;
        try
        {
            await using var stream = File.OpenRead(file);
            json = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw context.Metadata.Invalid("secretsFile", $"'{file}' is not valid JSON: {e.Message}");
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw context.Metadata.Invalid("secretsFile", $"'{file}' must hold a JSON object");
            }

            var secrets = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
            if (multiValued)
            {
                foreach (var property in json.RootElement.EnumerateObject())
                {
                    var values = new Dictionary<string, string>(StringComparer.Ordinal);
                    if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        Flatten(property.Value, null, separator, values);
                    }
                    else
                    {
                        values[property.Name] = ScalarText(property.Value);
                    }

                    secrets[property.Name] = values;
                }
            }
            else
            {
                var flat = new Dictionary<string, string>(StringComparer.Ordinal);
                Flatten(json.RootElement, null, separator, flat);
                foreach (var (key, value) in flat)
                {
                    secrets[key] = new Dictionary<string, string>(1, StringComparer.Ordinal) { [key] = value };
                }
            }

            return new LocalFileSecretStore(secrets);
        }
    }

    public Task<IReadOnlyDictionary<string, string>> GetSecretAsync(string name, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        _secrets.TryGetValue(name, out var secret) ? Task.FromResult(secret) : throw new SecretNotFoundException(name);

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkSecretAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>(_secrets);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static void Flatten(JsonElement element, string? prefix, string separator, Dictionary<string, string> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    Flatten(p.Value, prefix is null ? p.Name : prefix + separator + p.Name, separator, into);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var index = (i++).ToString(CultureInfo.InvariantCulture);
                    Flatten(item, prefix is null ? index : prefix + separator + index, separator, into);
                }

                break;
            default:
                into[prefix ?? ""] = ScalarText(element);
                break;
        }
    }

    private static string ScalarText(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
}
