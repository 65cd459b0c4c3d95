using System.Security.Cryptography;
using DaprPlatform.WebConsole.Gateway;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DaprPlatform.WebConsole.Session;

/// <summary>Who is signed in, as the access token says; roles decide what the console offers, the gateway what it allows.</summary>
public sealed record SignedInUser(string UserId, string Email, string Name, IReadOnlyList<string> Roles)
{
    public bool IsAdmin => Roles.Contains("admin");

    public static SignedInUser FromAccessToken(string accessToken)
    {
        // Read, not validated: the token came from identity over the server's own channel, and the gateway validates it
        // on every call it authorises.
        var token = new JsonWebTokenHandler().ReadJsonWebToken(accessToken);
        string Claim(string type) => token.Claims.FirstOrDefault(c => c.Type == type)?.Value ?? "";
        return new SignedInUser(
            Claim("sub"),
            Claim("email"),
            Claim("name"),
            [.. token.Claims.Where(c => c.Type == "role").Select(c => c.Value)]);
    }
}

/// <summary>
/// The signed-in user of one circuit. The tokens stay on the server; the browser's session storage keeps them only
/// encrypted with the app's data-protection keys, so a reload (a new circuit) finds the user again and the page never
/// holds a readable token.
/// </summary>
public sealed partial class ConsoleSession(ProtectedSessionStorage storage, ILogger<ConsoleSession> logger)
{
    private const string StorageKey = "console-session";

    private Task? _loading;

    public SignedInUser? User { get; private set; }

    public string? AccessToken { get; private set; }

    public string? RefreshToken { get; private set; }

    public bool IsSignedIn => User is not null;

    public bool IsLoaded => _loading is { IsCompletedSuccessfully: true };

    public event Action? Changed;

    /// <summary>Reads the stored session once per circuit; every page awaits it before it asks who is signed in.</summary>
    public Task LoadAsync() => _loading ??= LoadOnceAsync();

    public async Task SignInAsync(TokenResponse tokens)
    {
        Apply(new StoredTokens(tokens.AccessToken, tokens.RefreshToken));
        await SaveAsync(new StoredTokens(tokens.AccessToken, tokens.RefreshToken));
        Changed?.Invoke();
    }

    public async Task SignOutAsync()
    {
        User = null;
        AccessToken = null;
        RefreshToken = null;
        try
        {
            await storage.DeleteAsync(StorageKey);
        }
        catch (Exception e) when (e is InvalidOperationException or TaskCanceledException or Microsoft.JSInterop.JSException)
        {
            LogStorageUnavailable(e);
        }

        Changed?.Invoke();
    }

    private async Task LoadOnceAsync()
    {
        try
        {
            var stored = await storage.GetAsync<StoredTokens>(StorageKey);
            if (stored is { Success: true, Value: { } tokens })
            {
                Apply(tokens);
                Changed?.Invoke();
            }
        }
        // Keys rotated, storage tampered with or not reachable: the user signs in again, nothing worse.
        catch (Exception e) when (e is CryptographicException or InvalidOperationException or ArgumentException
                                      or TaskCanceledException or Microsoft.JSInterop.JSException)
        {
            LogStorageUnavailable(e);
        }
    }

    private void Apply(StoredTokens tokens)
    {
        User = SignedInUser.FromAccessToken(tokens.AccessToken);
        AccessToken = tokens.AccessToken;
        RefreshToken = tokens.RefreshToken;
    }

    private async Task SaveAsync(StoredTokens tokens)
    {
        try
        {
            await storage.SetAsync(StorageKey, tokens);
        }
        catch (Exception e) when (e is InvalidOperationException or TaskCanceledException or Microsoft.JSInterop.JSException)
        {
            LogStorageUnavailable(e);
        }
    }

    private sealed record StoredTokens(string AccessToken, string RefreshToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "The browser's session storage could not be used; the user signs in again")]
    private partial void LogStorageUnavailable(Exception exception);
}
