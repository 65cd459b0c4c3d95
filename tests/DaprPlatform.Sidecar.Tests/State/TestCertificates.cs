using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DaprPlatform.Sidecar.Tests.State;

/// <summary>A throw-away CA with a server certificate for 127.0.0.1 and a client certificate, as PEM text.</summary>
internal sealed class TestCertificates
{
    private TestCertificates(string caPem, Pem server, Pem client)
    {
        CaPem = caPem;
        Server = server;
        Client = client;
    }

    public string CaPem { get; }

    public Pem Server { get; }

    public Pem Client { get; }

    public sealed record Pem(string Certificate, string Key);

    public static TestCertificates Create()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=DaprPlatform test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = notBefore.AddDays(1);
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        var server = Issue(ca, "CN=127.0.0.1", notBefore, notAfter, serverAuth: true);
        var client = Issue(ca, "CN=state-tests-client", notBefore, notAfter, serverAuth: false);
        return new TestCertificates(ca.ExportCertificatePem(), server, client);
    }

    /// <summary>Writes the CA and server files redis-server needs into <paramref name="directory"/>.</summary>
    public (string Ca, string Certificate, string Key) WriteServerFiles(string directory)
    {
        var paths = (Path.Combine(directory, "ca.pem"), Path.Combine(directory, "server.pem"), Path.Combine(directory, "server.key"));
        File.WriteAllText(paths.Item1, CaPem);
        File.WriteAllText(paths.Item2, Server.Certificate);
        File.WriteAllText(paths.Item3, Server.Key);
        return paths;
    }

    private static Pem Issue(X509Certificate2 ca, string subject, DateTimeOffset notBefore, DateTimeOffset notAfter, bool serverAuth)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverAuth ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        using var certificate = request.Create(ca, notBefore, notAfter, serial);
        return new Pem(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
