using System.Text.Json;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>
/// Reads the app's answer to a bulk delivery as daprd decodes it into AppBulkResponse:
/// <c>{"statuses":[{"entryId":"...","status":"SUCCESS|RETRY|DROP"}]}</c>, keys matched without regard to case, the
/// first JSON value only. A body that does not decode (empty, not an object, a non-array <c>statuses</c>, a
/// non-string field) means every entry must be retried, so the caller gets false.
/// </summary>
public static class BulkAppResponseReader
{
    public static bool TryRead(ReadOnlySpan<byte> body, out IReadOnlyDictionary<string, string> statusByEntryId)
    {
        statusByEntryId = new Dictionary<string, string>();
        if (!CloudEvents.TryReadFirstJsonValue(body, out var document))
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!property.NameEquals("statuses") && !string.Equals(property.Name, "statuses", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (property.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                if (property.Value.ValueKind != JsonValueKind.Array)
                {
                    return false;
                }

                foreach (var item in property.Value.EnumerateArray())
                {
                    if (!TryReadEntry(item, out var entryId, out var status))
                    {
                        return false;
                    }

                    // A later answer for the same entry overrides an earlier one, as daprd's loop does.
                    statuses[entryId] = status;
                }
            }

            statusByEntryId = statuses;
            return true;
        }
    }

    private static bool TryReadEntry(JsonElement item, out string entryId, out string status)
    {
        entryId = "";
        status = "";
        if (item.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (item.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var field in item.EnumerateObject())
        {
            var isId = string.Equals(field.Name, "entryId", StringComparison.OrdinalIgnoreCase);
            var isStatus = string.Equals(field.Name, "status", StringComparison.OrdinalIgnoreCase);
            if (!isId && !isStatus || field.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (field.Value.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            if (isId)
            {
                entryId = field.Value.GetString()!;
            }
            else
            {
                status = field.Value.GetString()!;
            }
        }

        return true;
    }
}
