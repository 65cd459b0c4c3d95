using DaprPlatform.Sidecar.Runtime.PubSub;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>
/// One invocation from the app, across the attempts a resiliency policy makes: its target, how its body can be
/// sent (streamed once, or replayed from a buffer when retries may need it), and whether the response to the app
/// has begun, after which no other attempt may touch it.
/// </summary>
public sealed class OutgoingInvocation(HttpContext context, string targetId, string appId, string targetNamespace, string method)
{
    // Nearly every call makes one attempt: it is kept in a field, and a list is made only for a second one.
    private readonly Lock _attemptsLock = new();
    private Task? _firstAttempt;
    private List<Task>? _moreAttempts;
    private int _responseStarted;
    private readonly StreamReadTracker _bodyRead = new();

    public HttpContext Context { get; } = context;

    public HttpRequest Request => Context.Request;

    /// <summary>The id as the app wrote it (may be "app.namespace"); names the target in errors and policies.</summary>
    public string TargetId { get; } = targetId;

    public string AppId { get; } = appId;

    public string Namespace { get; } = targetNamespace;

    public string Method { get; } = method;

    /// <summary>A body of unknown length (chunked): it is streamed once and the call is never retried.</summary>
    public bool Streaming { get; init; }

    /// <summary>The whole body, kept so a retry can send it again (only when the policy retries).</summary>
    public byte[]? BufferedBody { get; init; }

    public bool ServerSentEvents { get; init; }

    public required TraceContext Trace { get; init; }

    public bool ResponseStarted => Volatile.Read(ref _responseStarted) != 0;

    /// <summary>True once the streamed body began to be sent: a failed send can then not be repeated.</summary>
    public bool BodyConsumed => _bodyRead.Started;

    /// <summary>Claims the response for one attempt; false when another attempt already wrote to it.</summary>
    public bool TryStartResponse() => Interlocked.Exchange(ref _responseStarted, 1) == 0;

    /// <summary>The body for the next send: a fresh copy of the buffer, or the one-time stream of the request.</summary>
    public HttpContent? CreateBody()
    {
        if (BufferedBody is { } buffered)
        {
            var content = new ReadOnlyMemoryContent(buffered);
            content.Headers.ContentLength = buffered.Length;
            return content;
        }

        if (!AppForwarder.HasBody(Request))
        {
            return null;
        }

        return new StreamingBodyContent(Request.Body, Request.ContentLength, _bodyRead);
    }

    /// <summary>Keeps the attempt so the handler can wait for abandoned (timed-out) attempts before it answers.</summary>
    public Task<T> Track<T>(Task<T> attempt)
    {
        lock (_attemptsLock)
        {
            if (_firstAttempt is null)
            {
                _firstAttempt = attempt;
            }
            else
            {
                (_moreAttempts ??= []).Add(attempt);
            }
        }

        return attempt;
    }

    /// <summary>Waits for every attempt to end; their outcome was already taken into account.</summary>
    public Task DrainAsync()
    {
        Task[] attempts;
        lock (_attemptsLock)
        {
            if (_firstAttempt is not { IsCompleted: false } && (_moreAttempts?.TrueForAll(static a => a.IsCompleted) ?? true))
            {
                return Task.CompletedTask;
            }

            attempts = [_firstAttempt!, .. _moreAttempts ?? []];
        }

        return DrainAsync(attempts);
    }

    private static async Task DrainAsync(Task[] attempts)
    {
        foreach (var attempt in attempts)
        {
            try
            {
                await attempt;
            }
            catch
            {
                // Its failure was reported through the policy already.
            }
        }
    }
}
