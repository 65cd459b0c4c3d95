using System.Net.Http.Json;
using System.Text.Json;

namespace DaprPlatform.Benchmarks.Hosting;

/// <summary>Customers of a running platform, registered and logged in through the gateway as a user would.</summary>
public static class PlatformCustomers
{
    private const string Password = "Bench-Corr3ct-Horse!";

    // Identity hashes each password on purpose slowly: a few at a time keep the start short without a queue.
    private const int Parallelism = 4;

    /// <returns>One access token (15 minutes) per customer.</returns>
    public static async Task<IReadOnlyList<string>> SignUpAsync(HttpClient gateway, int count, CancellationToken cancellationToken)
    {
        var tokens = new string[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var email = $"bench-{Guid.NewGuid():N}@example.test";
            using (var register = await gateway.PostAsJsonAsync("/api/identity/register", new { email, password = Password, name = $"Bench customer {i}" }, ct))
            {
                await LoadClient.DrainAsync(register, 201, ct);
            }

            using var login = await gateway.PostAsJsonAsync("/api/identity/login", new { email, password = Password }, ct);
            if (!login.IsSuccessStatusCode)
            {
                await LoadClient.DrainAsync(login, 200, ct);
            }

            var body = await login.Content.ReadFromJsonAsync<JsonElement>(ct);
            tokens[i] = body.GetProperty("accessToken").GetString()!;
        });
        return tokens;
    }
}
