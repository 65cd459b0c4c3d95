namespace DaprPlatform.Sidecar.Components.Secrets.LocalEnv;

/// <summary>
/// secretstores.local.env: environment variables of the sidecar process, optionally narrowed by <c>prefix</c>
/// (stripped from the returned names). The app token and Dapr's own variables are never exposed.
/// </summary>
public sealed class LocalEnvSecretStore(string? prefix) : ISecretStore
{
    public Task<IReadOnlyDictionary<string, string>> GetSecretAsync(string name, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var variable = (prefix ?? "") + name;
        var value = IsAllowed(variable) ? Environment.GetEnvironmentVariable(variable) ?? "" : "";
        return Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { [name] = value });
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkSecretAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var variable = (string)entry.Key;
            if (!IsAllowed(variable) || (prefix is not null && !variable.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }

            var name = prefix is null ? variable : variable[prefix.Length..];
            result[name] = new Dictionary<string, string> { [name] = (string?)entry.Value ?? "" };
        }

        return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>(result);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static bool IsAllowed(string variable) =>
        variable != "APP_API_TOKEN" && !variable.StartsWith("DAPR_", StringComparison.OrdinalIgnoreCase);
}
