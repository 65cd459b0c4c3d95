using System.Net;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Invocation;

/// <summary>
/// Name resolution between separately started sidecars: replicas of one app id take turns, a sidecar that stops
/// withdraws from the registry, and the entry of one that was killed is ignored and cleaned up.
/// </summary>
public sealed class ReplicaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Replicas_take_turns_until_they_leave()
    {
        await using var sidecars = new InvocationSidecars();
        var replicaId = InvocationSidecars.UniqueId("replica");
        var first = await sidecars.StartAppAsync("first");
        var second = await sidecars.StartAppAsync("second");
        var firstSidecar = await sidecars.StartSidecarAsync(new SidecarProcessOptions { AppId = replicaId, AppPort = first.Port });
        var secondSidecar = await sidecars.StartSidecarAsync(new SidecarProcessOptions { AppId = replicaId, AppPort = second.Port });
        var caller = await sidecars.StartSidecarAsync(new SidecarProcessOptions { AppId = InvocationSidecars.UniqueId("caller") });
        Assert.Equal(2, sidecars.RegisteredCount(replicaId));

        var answers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await caller.HttpClient.GetStringAsync($"v1.0/invoke/{replicaId}/method/whoami", Ct));
        }

        Assert.Equal(3, answers.Count(a => a == "first"));
        Assert.Equal(3, answers.Count(a => a == "second"));

        // A graceful stop removes the sidecar's entry; calls then all go to the replica that is left.
        await firstSidecar.StopAsync();
        Assert.Equal(1, sidecars.RegisteredCount(replicaId));
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("second", await caller.HttpClient.GetStringAsync($"v1.0/invoke/{replicaId}/method/whoami", Ct));
        }

        // A killed sidecar cannot remove its entry: its dead process marks it stale, and the resolver deletes it.
        await secondSidecar.Process.DisposeAsync();
        Assert.Equal(1, sidecars.RegisteredCount(replicaId));
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        using var response = await caller.HttpClient.GetAsync($"v1.0/invoke/{replicaId}/method/whoami", Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(("ERR_DIRECT_INVOKE", $"failed to invoke, id: {replicaId}, err: couldn't find service: {replicaId}"), await InvocationSidecars.ErrorAsync(response));
        Assert.Equal(0, sidecars.RegisteredCount(replicaId));
    }
}
