using System.Text.Json;
using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Components.State;
using DaprPlatform.Sidecar.Grpc.Runtime;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime;
using DaprPlatform.Sidecar.Runtime.Metrics;
using DaprPlatform.Sidecar.Runtime.PubSub;
using DaprPlatform.Sidecar.Runtime.Resiliency;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ProtoConcurrency = DaprPlatform.Sidecar.Grpc.Runtime.StateOptions.Types.StateConcurrency;
using ProtoConsistency = DaprPlatform.Sidecar.Grpc.Runtime.StateOptions.Types.StateConsistency;

namespace DaprPlatform.Sidecar.Api.Grpc;

/// <summary>
/// Dapr's gRPC runtime API (<c>dapr.proto.runtime.v1.Dapr</c>, daprd pkg/api/grpc/grpc.go) for the building blocks
/// the sidecar has, over the same components, policies and errors as the HTTP API. What the service does not
/// declare answers UNIMPLEMENTED.
/// </summary>
public sealed partial class DaprGrpcService(
    StartupComponents components,
    ComponentCalls calls,
    SidecarMetrics metrics,
    PubSubPublisher publisher,
    SidecarOptions options,
    LoadedResources resources,
    RuntimeMetadata runtime,
    GrpcServiceInvoker invoker,
    IHostApplicationLifetime lifetime,
    TimeProvider time) : Dapr.DaprBase
{
    private static readonly Empty EmptyResponse = new();

    private ComponentRegistry Registry => components.Registry;

    // ---- State ----

    public override async Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context)
    {
        var store = StateEndpoints.Resolve(Registry, request.StoreName);
        StateEndpoints.CheckKey(request.Key);
        var readOptions = new StateReadOptions(Consistency(request.Consistency), request.Metadata);
        StateEntry? entry;
        try
        {
            entry = await calls.StateAsync(
                request.StoreName, ComponentOperations.Get, t => store.Store.GetAsync(store.Keys.ToStoreKey(request.Key), readOptions, t), context.CancellationToken);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.StateGet(request.Key, request.StoreName, e.Message).ToException();
        }

        var response = new GetStateResponse();
        if (entry is not null)
        {
            response.Data = ByteString.CopyFrom(entry.Data.Span);
            response.Etag = entry.ETag ?? "";
            AddAll(response.Metadata, entry.Metadata);
        }

        return response;
    }

    public override async Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request, ServerCallContext context)
    {
        var store = StateEndpoints.Resolve(Registry, request.StoreName);
        foreach (var key in request.Keys)
        {
            StateEndpoints.CheckKey(key);
        }

        var response = new GetBulkStateResponse();
        if (request.Keys.Count == 0)
        {
            return response;
        }

        // daprd: no parallelism (or <= 0) means every key at once.
        var parallelism = request.Parallelism > 0 ? request.Parallelism : request.Keys.Count;
        IReadOnlyList<BulkStateEntry> entries;
        try
        {
            var storeKeys = request.Keys.Select(store.Keys.ToStoreKey).ToList();
            var readOptions = new StateReadOptions(StateConsistency.Eventual, request.Metadata);
            entries = await calls.StateAsync(
                request.StoreName, ComponentOperations.BulkGet, t => store.Store.BulkGetAsync(storeKeys, readOptions, parallelism, t), context.CancellationToken);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.StateBulkGet(request.StoreName, e.Message).ToException();
        }

        foreach (var entry in entries)
        {
            var item = new BulkStateItem { Key = StateKeys.ToAppKey(entry.Key), Error = entry.Error ?? "" };
            if (entry.Entry is { } found)
            {
                item.Data = ByteString.CopyFrom(found.Data.Span);
                item.Etag = found.ETag ?? "";
                AddAll(item.Metadata, found.Metadata);
            }

            response.Items.Add(item);
        }

        return response;
    }

    public override async Task<Empty> SaveState(SaveStateRequest request, ServerCallContext context)
    {
        var store = StateEndpoints.Resolve(Registry, request.StoreName);
        var items = request.States.Select(s => ToSetRequest(store, s, decodeJson: true)).ToList();
        await StateEndpoints.SaveAllAsync(store, items, calls, context.CancellationToken);
        return EmptyResponse;
    }

    public override async Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext context)
    {
        var store = StateEndpoints.Resolve(Registry, request.StoreName);
        StateEndpoints.CheckKey(request.Key);
        var delete = new StateDeleteRequest(
            store.Keys.ToStoreKey(request.Key),
            NullIfEmpty(request.Etag?.Value),
            Concurrency(request.Options?.Concurrency),
            Consistency(request.Options?.Consistency),
            request.Metadata);
        await DeleteAsync(store, ComponentOperations.Delete, [delete], e => DaprErrors.StateDelete(StateEndpoints.EtagStatus([e]), request.Key, e.Message), context.CancellationToken);
        return EmptyResponse;
    }

    public override async Task<Empty> DeleteBulkState(DeleteBulkStateRequest request, ServerCallContext context)
    {
        var store = StateEndpoints.Resolve(Registry, request.StoreName);
        var deletes = request.States.Select(s =>
        {
            StateEndpoints.CheckKey(s.Key);
            return new StateDeleteRequest(
                store.Keys.ToStoreKey(s.Key), NullIfEmpty(s.Etag?.Value), Concurrency(s.Options?.Concurrency), Consistency(s.Options?.Consistency), s.Metadata);
        }).ToList();
        await DeleteAsync(store, ComponentOperations.BulkDelete, deletes, e => DaprErrors.StateBulkDelete(StateEndpoints.EtagStatus([e]), request.StoreName, e.Message), context.CancellationToken);
        return EmptyResponse;
    }

    public override async Task<Empty> ExecuteStateTransaction(ExecuteStateTransactionRequest request, ServerCallContext context)
    {
        var store = StateEndpoints.Resolve(Registry, request.StoreName);
        if (!store.Store.Features.HasFlag(StateStoreFeatures.Transactional))
        {
            throw DaprErrors.StateStoreNotTransactional(request.StoreName).ToException();
        }

        var operations = new List<StateOperation>(request.Operations.Count);
        foreach (var operation in request.Operations)
        {
            // daprd checks the key before the operation type, and takes a missing request as one with an empty key.
            var item = operation.Request ?? new Sidecar.Grpc.Runtime.StateItem();
            StateEndpoints.CheckKey(item.Key);
            switch (operation.OperationType)
            {
                case "upsert":
                    // Inside a transaction daprd hands the value on as bytes whatever its contentType.
                    operations.Add(new StateOperation(ToSetRequest(store, item, decodeJson: false), null));
                    break;
                case "delete":
                    StateEndpoints.CheckKey(item.Key);
                    operations.Add(new StateOperation(null, new StateDeleteRequest(
                        store.Keys.ToStoreKey(item.Key), NullIfEmpty(item.Etag?.Value), Concurrency(item.Options?.Concurrency),
                        Consistency(item.Options?.Consistency), item.Metadata)));
                    break;
                default:
                    throw DaprErrors.StateOperationNotSupported(operation.OperationType).ToException();
            }
        }

        if (operations.Count == 0)
        {
            return EmptyResponse;
        }

        try
        {
            await calls.StateAsync(
                request.StoreName, ComponentOperations.Transaction, t => store.Store.TransactAsync(operations, request.Metadata, t), context.CancellationToken);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.StateTransaction(e.Message).ToException();
        }

        return EmptyResponse;
    }

    private Task DeleteAsync(StateStoreEntry store, string operation, List<StateDeleteRequest> deletes, Func<Exception, DaprError> error, CancellationToken ct) =>
        calls.MeasureStateAsync(store.Name, operation, async () =>
        {
            var policy = calls.Policy(store.Name);
            foreach (var delete in deletes)
            {
                try
                {
                    await policy.ExecuteAsync(async t =>
                    {
                        await store.Store.DeleteAsync(delete, t);
                        return true;
                    }, ct);
                }
                catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
                {
                    throw error(e).ToException();
                }
            }
        });

    /// <summary>
    /// A state item as daprd's gRPC API hands it to its component: the bytes as they came, unless metadata
    /// <c>contentType</c> says JSON, when the value is decoded (and so stored as compact JSON).
    /// </summary>
    private static StateSetRequest ToSetRequest(StateStoreEntry store, Sidecar.Grpc.Runtime.StateItem item, bool decodeJson)
    {
        if (decodeJson && string.IsNullOrEmpty(item.Key))
        {
            throw DaprErrors.StateKeyEmpty().ToException();
        }

        StateEndpoints.CheckKey(item.Key);
        var ttl = StateEndpoints.ParseTtl(item.Metadata);
        var contentType = item.Metadata.TryGetValue("contentType", out var type) ? type : null;
        ReadOnlyMemory<byte> value = item.Value.Memory;
        if (decodeJson && contentType == "application/json")
        {
            try
            {
                using var json = JsonDocument.Parse(GoJson.Sanitize(item.Value.Memory));
                value = StateEndpoints.CompactJson(json.RootElement);
            }
            catch (JsonException e)
            {
                // daprd returns Go's decoding error as it is, which gRPC answers UNKNOWN.
                throw new DaprError(400, "ERR_MALFORMED_REQUEST", e.Message, StatusCode.Unknown).ToException();
            }
        }

        return new StateSetRequest(
            store.Keys.ToStoreKey(item.Key), value, NullIfEmpty(item.Etag?.Value), Concurrency(item.Options?.Concurrency),
            Consistency(item.Options?.Consistency), ttl, item.Metadata, contentType);
    }

    private static StateConcurrency Concurrency(ProtoConcurrency? concurrency) =>
        concurrency == ProtoConcurrency.ConcurrencyFirstWrite ? StateConcurrency.FirstWrite : StateConcurrency.LastWrite;

    private static StateConsistency Consistency(ProtoConsistency? consistency) =>
        consistency == ProtoConsistency.ConsistencyStrong ? StateConsistency.Strong : StateConsistency.Eventual;

    // ---- Secrets ----

    public override async Task<GetSecretResponse> GetSecret(GetSecretRequest request, ServerCallContext context)
    {
        var store = SecretsEndpoints.Resolve(Registry, request.StoreName);
        if (!SecretsEndpoints.IsAllowed(resources.Configuration, request.StoreName, request.Key))
        {
            throw DaprErrors.SecretPermissionDenied(request.Key, request.StoreName).ToException();
        }

        IReadOnlyDictionary<string, string> secret;
        try
        {
            secret = await calls.SecretAsync(
                request.StoreName, ComponentOperations.Get, t => store.Store.GetSecretAsync(request.Key, request.Metadata, t), context.CancellationToken);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.SecretGet(request.Key, request.StoreName, e.Message).ToException();
        }

        var response = new GetSecretResponse();
        AddAll(response.Data, secret);
        return response;
    }

    public override async Task<GetBulkSecretResponse> GetBulkSecret(GetBulkSecretRequest request, ServerCallContext context)
    {
        var store = SecretsEndpoints.Resolve(Registry, request.StoreName);
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> secrets;
        try
        {
            secrets = await calls.SecretAsync(
                request.StoreName, ComponentOperations.BulkGet, t => store.Store.GetBulkSecretAsync(request.Metadata, t), context.CancellationToken);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.SecretBulkGet(request.StoreName, e.Message).ToException();
        }

        // daprd silently leaves out what the scopes deny.
        var response = new GetBulkSecretResponse();
        foreach (var (key, values) in secrets)
        {
            if (SecretsEndpoints.IsAllowed(resources.Configuration, request.StoreName, key))
            {
                var secret = new SecretResponse();
                AddAll(secret.Secrets, values);
                response.Data[key] = secret;
            }
        }

        return response;
    }

    // ---- Metadata and lifecycle ----

    public override Task<GetMetadataResponse> GetMetadata(GetMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(BuildMetadata());

    public override Task<Empty> SetMetadata(SetMetadataRequest request, ServerCallContext context)
    {
        if (request.Key.Length > 0)
        {
            runtime.Extended[request.Key] = request.Value;
        }

        return Task.FromResult(EmptyResponse);
    }

    public override Task<Empty> Shutdown(ShutdownRequest request, ServerCallContext context)
    {
        // After the answer is on its way, as the HTTP shutdown API does, so the caller gets it before the listeners close.
        // dapr-force-shutdown: true skips the graceful sequence, as daprd does for a stuck sidecar.
        var force = string.Equals(context.RequestHeaders.GetValue("dapr-force-shutdown"), "true", StringComparison.OrdinalIgnoreCase);
        context.GetHttpContext().Response.OnCompleted(() =>
        {
            if (force)
            {
                _ = Task.Delay(100).ContinueWith(_ => Environment.Exit(ShutdownEndpoints.ForcedExitCode), TaskScheduler.Default);
            }
            else
            {
                lifetime.StopApplication();
            }

            return Task.CompletedTask;
        });
        return Task.FromResult(EmptyResponse);
    }

    // ---- Invocation ----

    public override Task<InvokeResponse> InvokeService(InvokeServiceRequest request, ServerCallContext context) =>
        invoker.InvokeAsync(request, context);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static void AddAll(Google.Protobuf.Collections.MapField<string, string> target, IReadOnlyDictionary<string, string>? source)
    {
        if (source is null)
        {
            return;
        }

        foreach (var (key, value) in source)
        {
            target[key] = value;
        }
    }
}
