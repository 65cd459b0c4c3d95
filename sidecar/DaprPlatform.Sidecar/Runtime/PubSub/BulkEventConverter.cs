using System.Text;
using System.Text.Json;
using DaprPlatform.Sidecar.Api;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>
/// daprd's ConvertEventToBytes: how a bulk entry's <c>event</c> becomes bytes for its content type. Binary needs a
/// base64 string, text/* and application/xml need a string, JSON and CloudEvents are serialized as JSON; any other
/// content type (including none) is a mismatch.
/// </summary>
public static class BulkEventConverter
{
    private const string Mismatch = "error: mismatch between contentType and event";

    public static bool TryConvert(JsonElement value, string? contentType, out byte[] bytes, out string problem)
    {
        bytes = [];
        problem = "";
        var isString = value.ValueKind == JsonValueKind.String;
        if (ContentTypes.IsBinary(contentType))
        {
            if (!isString)
            {
                problem = Mismatch;
                return false;
            }

            try
            {
                bytes = Convert.FromBase64String(value.GetString()!);
                return true;
            }
            catch (FormatException e)
            {
                problem = $"error: unable to decode base64 application/octect-stream data: {e.Message}";
                return false;
            }
        }

        if (ContentTypes.IsString(contentType))
        {
            if (!isString)
            {
                problem = Mismatch;
                return false;
            }

            bytes = Encoding.UTF8.GetBytes(value.GetString()!);
            return true;
        }

        if (ContentTypes.IsJson(contentType) || ContentTypes.IsCloudEvent(contentType))
        {
            bytes = value.ValueKind == JsonValueKind.Undefined ? "null"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(value, PublishJsonContext.Default.JsonElement);
            return true;
        }

        problem = Mismatch;
        return false;
    }
}
