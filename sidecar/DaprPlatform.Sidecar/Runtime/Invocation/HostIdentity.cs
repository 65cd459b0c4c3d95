using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>
/// This machine as the calling sidecar describes it in X-Forwarded-For / X-Forwarded-Host / Forwarded: its first
/// non-loopback address (daprd's utils.GetHostAddress) and host name, worked out once.
/// </summary>
public sealed class HostIdentity
{
    public HostIdentity()
    {
        Address = FindAddress();
        HostName = Dns.GetHostName();
        // RFC 7239 requires IPv6 addresses quoted and bracketed.
        var forwardedAddress = IPAddress.TryParse(Address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6
            ? $"\"[{Address}]\""
            : Address;
        ForwardedValue = $"for={forwardedAddress};by={forwardedAddress};host={HostName}";
    }

    public string Address { get; }

    public string HostName { get; }

    public string ForwardedValue { get; }

    private static string FindAddress()
    {
        try
        {
            var candidates = NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal)
                .ToList();
            var chosen = candidates.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? candidates.FirstOrDefault();
            return chosen?.ToString() ?? IPAddress.Loopback.ToString();
        }
        catch (NetworkInformationException)
        {
            return IPAddress.Loopback.ToString();
        }
    }
}
