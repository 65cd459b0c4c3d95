namespace DaprPlatform.Sidecar.Components.Secrets;

/// <summary>A secret store component. A missing secret throws <see cref="SecretNotFoundException"/>.</summary>
public interface ISecretStore : IAsyncDisposable
{
    Task<IReadOnlyDictionary<string, string>> GetSecretAsync(string name, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkSecretAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);
}

public sealed class SecretNotFoundException(string name) : Exception($"secret {name} not found");
