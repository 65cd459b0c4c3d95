using System.Security.Cryptography;
using System.Text.Json;
using DaprPlatform.Cli.Platform;
using DaprPlatform.Cli.Tests.Support;
using Xunit;

namespace DaprPlatform.Cli.Tests.Platform;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PlatformSecretsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Each_service_database_gets_a_connection_string_on_the_given_server()
    {
        var path = PlatformSecrets.Write(_temp.Path, "Host=127.0.0.1;Port=5999;Username=postgres;Password=pw;Database=postgres");

        var connections = Read(path).GetProperty("ConnectionStrings");
        Assert.Equal(
            "Host=127.0.0.1;Port=5999;Username=postgres;Password=pw;Database=ordering;Maximum Pool Size=25",
            connections.GetProperty("orderingdb").GetString());
        Assert.Equal(
            ["analyticsdb", "catalogdb", "identitydb", "notificationsdb", "orderingdb"],
            connections.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_signing_key_and_admin_password_are_made_once_while_connection_strings_follow_the_new_port()
    {
        var first = Read(PlatformSecrets.Write(_temp.Path, "Host=127.0.0.1;Port=1111;Database=postgres"));
        var second = Read(PlatformSecrets.Write(_temp.Path, "Host=127.0.0.1;Port=2222;Database=postgres"));

        Assert.Equal(Key(first), Key(second));
        Assert.Equal(Password(first), Password(second));
        Assert.Contains("Port=2222", second.GetProperty("ConnectionStrings").GetProperty("catalogdb").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_file_has_a_usable_rsa_key_a_strong_admin_password_and_owner_only_access()
    {
        var path = PlatformSecrets.Write(_temp.Path, "Host=h;Database=postgres");
        var secrets = Read(path);

        using var rsa = RSA.Create();
        rsa.ImportFromPem(Key(secrets));
        Assert.Equal(2048, rsa.KeySize);
        var password = Password(secrets);
        Assert.Equal(24, password.Length);
        Assert.True(password.Any(char.IsUpper) && password.Any(char.IsLower) && password.Any(char.IsDigit) && password.Any(c => !char.IsLetterOrDigit(c)));
        Assert.NotEqual(password, Password(Read(PlatformSecrets.Write(_temp.Directory("other"), "Host=h"))));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    private static JsonElement Read(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    private static string Key(JsonElement secrets) => secrets.GetProperty("Jwt").GetProperty("SigningKeyPem").GetString()!;

    private static string Password(JsonElement secrets) => secrets.GetProperty("Identity").GetProperty("AdminPassword").GetString()!;
}
