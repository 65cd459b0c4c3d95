namespace DaprPlatform.Dapr.Grpc.Client;

/// <summary>Per-call settings.</summary>
public readonly record struct GrpcCallOptions
{
    /// <summary>UTC instant after which the call fails with DEADLINE_EXCEEDED; sent to the server as <c>grpc-timeout</c>.</summary>
    public DateTime? Deadline { get; init; }

    /// <summary>Cancels the call (the stream is reset); the call then throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Metadata for this call only, added after the channel's default headers.</summary>
    public IEnumerable<KeyValuePair<string, string>>? Headers { get; init; }
}
