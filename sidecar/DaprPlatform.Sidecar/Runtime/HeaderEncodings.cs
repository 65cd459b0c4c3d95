using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DaprPlatform.Sidecar.Runtime;

/// <summary>
/// Header values travel on as the bytes that came, as daprd (Go's net/http) passes them: HttpClient and Kestrel
/// refuse any header text that is not ASCII unless given an encoding, which turned a caller's or an app's non-ASCII
/// header (a Content-Type, a Content-Disposition file name) into a failed call. Kestrel decodes request headers as
/// UTF-8 (and refuses invalid UTF-8 itself), so requests are sent on as UTF-8; responses are read and written as
/// Latin-1, which maps every byte to one char and back.
/// </summary>
public static class HeaderEncodings
{
    public static SocketsHttpHandler PassingHeaderBytes(this SocketsHttpHandler handler)
    {
        handler.RequestHeaderEncodingSelector = static (_, _) => Encoding.UTF8;
        handler.ResponseHeaderEncodingSelector = static (_, _) => Encoding.Latin1;
        return handler;
    }

    public static void PassHeaderBytes(KestrelServerOptions kestrel) =>
        kestrel.ResponseHeaderEncodingSelector = static _ => Encoding.Latin1;
}
