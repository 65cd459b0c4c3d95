using DaprPlatform.WebConsole.Gateway;
using DaprPlatform.WebConsole.Session;
using Microsoft.AspNetCore.Components;

namespace DaprPlatform.WebConsole.Components;

/// <summary>Who may open a page. The console only hides what the gateway would refuse anyway.</summary>
public enum PageAccess
{
    Anyone,
    SignedIn,
    Admin,
}

/// <summary>
/// A console page: waits for the circuit's session, loads its data only when the user may see it, and can watch the
/// API on a timer from the server, re-rendering over the circuit until it says stop or the user leaves the page.
/// </summary>
public abstract class ConsolePage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _closed = new();

    [Inject] protected ConsoleSession Session { get; set; } = default!;

    [Inject] protected GatewayClient Gateway { get; set; } = default!;

    [Inject] protected NavigationManager Navigation { get; set; } = default!;

    protected virtual PageAccess Access => PageAccess.Anyone;

    /// <summary>False while the session loads and when the user may not see the page.</summary>
    protected bool Allowed => Session.IsLoaded && Access switch
    {
        PageAccess.Anyone => true,
        PageAccess.SignedIn => Session.IsSignedIn,
        _ => Session.User?.IsAdmin == true,
    };

    protected CancellationToken PageClosed => _closed.Token;

    protected override async Task OnInitializedAsync()
    {
        await Session.LoadAsync();
        if (Allowed)
        {
            await LoadAsync();
        }
    }

    protected virtual Task LoadAsync() => Task.CompletedTask;

    /// <summary>Calls <paramref name="refresh"/> every <paramref name="every"/> until it returns false or the page closes.</summary>
    protected void Watch(TimeSpan every, Func<Task<bool>> refresh) => _ = WatchAsync(every, refresh);

    private async Task WatchAsync(TimeSpan every, Func<Task<bool>> refresh)
    {
        try
        {
            using var timer = new PeriodicTimer(every);
            var going = true;
            while (going && await timer.WaitForNextTickAsync(PageClosed))
            {
                await InvokeAsync(async () =>
                {
                    going = await refresh();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException) when (PageClosed.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // To the page's error boundary, like an exception from an event handler.
            await DispatchExceptionAsync(e);
        }
    }

    /// <summary>For pages that subscribe to events: the page is leaving.</summary>
    protected virtual void OnClosed()
    {
    }

    public void Dispose()
    {
        OnClosed();
        _closed.Cancel();
        _closed.Dispose();
        GC.SuppressFinalize(this);
    }
}
