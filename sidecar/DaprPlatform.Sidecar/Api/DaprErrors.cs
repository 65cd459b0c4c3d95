using Grpc.Core;

namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// daprd's predefined errors (dapr/pkg/messages/predefined.go, pkg/api/errors): one place for codes, texts and
/// statuses, so every route answers alike.
/// </summary>
public static class DaprErrors
{
    public static DaprError Malformed(string message) => new(400, "ERR_MALFORMED_REQUEST", message);

    /// <summary>messages.ErrMalformedRequest: a body daprd could not decode, on the routes that use it.</summary>
    public static DaprError MalformedBody(string err) => Malformed($"failed deserializing HTTP body: {err}");

    public static DaprError MalformedRequestData(string message) => new(400, "ERR_MALFORMED_REQUEST_DATA", message);

    public static DaprError BodyRead(string message) => new(400, "ERR_BODY_READ", message);

    // State
    public static DaprError StateStoresNotConfigured() => new(500, "ERR_STATE_STORE_NOT_CONFIGURED", "state store is not configured", StatusCode.FailedPrecondition);

    public static DaprError StateStoreNotFound(string name) => new(400, "ERR_STATE_STORE_NOT_FOUND", $"state store {name} is not found");

    public static DaprError KeyContainsDelimiter(string key) => new(400, "ERR_MALFORMED_REQUEST", $"input key/keyPrefix '{key}' can't contain '||'");

    public static DaprError StateGet(string key, string store, string err) => new(500, "ERR_STATE_GET", $"fail to get {key} from state store {store}: {err}");

    public static DaprError StateSave(int status, string store, string err) => new(status, "ERR_STATE_SAVE", $"failed saving state in state store {store}: {err}");

    public static DaprError StateDelete(int status, string key, string err) => new(status, "ERR_STATE_DELETE", $"failed deleting state with key {key}: {err}");

    public static DaprError StateBulkGet(string store, string err) => new(500, "ERR_STATE_BULK_GET", $"failed getting state with keys from state store {store}: {err}");

    public static DaprError StateKeyEmpty() => new(400, "ERR_STATE_SAVE", "state key cannot be empty");

    public static DaprError StateBulkDelete(int status, string store, string err) =>
        new(status, "ERR_STATE_BULK_DELETE", $"failed deleting state in state store {store}: {err}");

    public static DaprError StateTransaction(string err) => new(500, "ERR_STATE_TRANSACTION", $"error while executing state transaction: {err}");

    public static DaprError StateStoreNotTransactional(string store) => new(500, "ERR_STATE_STORE_NOT_SUPPORTED", $"state store {store} doesn't support transaction", StatusCode.Unimplemented);

    public static DaprError StateOperationNotSupported(string op) => new(400, "ERR_NOT_SUPPORTED_STATE_OPERATION", $"operation type {op} not supported", StatusCode.Unimplemented);

    // Pub/sub (dapr pkg/api/errors/pubsub.go)
    public static DaprError PubsubNotConfigured(string name) => new(400, "ERR_PUBSUB_NOT_CONFIGURED", $"pubsub {name} is not configured", StatusCode.FailedPrecondition);

    public static DaprError PubsubNotFound(string name) => new(404, "ERR_PUBSUB_NOT_FOUND", $"pubsub {name} is not found", StatusCode.InvalidArgument);

    public static DaprError PubsubEmpty() => new(404, "ERR_PUBSUB_EMPTY", "pubsub name is empty", StatusCode.InvalidArgument);

    public static DaprError TopicEmpty(string pubsub) => new(404, "ERR_TOPIC_NAME_EMPTY", $"topic is empty in pubsub {pubsub}", StatusCode.InvalidArgument);

    public static DaprError PubsubForbidden(string topic, string appId) =>
        new(403, "ERR_PUBSUB_FORBIDDEN", $"topic {topic} is not allowed for app id {appId}");

    public static DaprError PublishMessage(string topic, string pubsub, string err) =>
        new(500, "ERR_PUBSUB_PUBLISH_MESSAGE", $"error when publishing to topic {topic} in pubsub {pubsub}: {err}");

    public static DaprError PubsubCloudEventCreation() => new(500, "ERR_PUBSUB_CLOUD_EVENTS_SER", "cannot create cloudevent", StatusCode.InvalidArgument);

    public static DaprError PubsubMetadataDeserialize(string err) => new(400, "ERR_PUBSUB_REQUEST_METADATA", $"failed deserializing metadata. Error: {err}");

    public static DaprError PubsubMarshalEnvelope(string topic, string pubsub, string err) =>
        new(400, "ERR_PUBSUB_EVENTS_SER", $"error when marshalling cloud event envelope for topic {topic} pubsub {pubsub}: {err}");

    public static DaprError PubsubMarshalEvents(string topic, string pubsub, string err) =>
        new(400, "ERR_PUBSUB_EVENTS_SER", $"error marshaling events to bytes for topic {topic} pubsub {pubsub}. error: {err}");

    public static DaprError PubsubUnmarshalEvents(string topic, string pubsub, string err) =>
        new(400, "ERR_PUBSUB_EVENTS_SER", $"error when unmarshaling the request for topic {topic} pubsub {pubsub}: {err}");

    // Earlier signatures, kept for callers written against them; they answer with daprd's texts.
    public static DaprError PubsubNotConfigured() => PubsubNotConfigured("");

    public static DaprError PubsubForbidden(string topic, string pubsub, string appId) => PubsubForbidden(topic, appId);

    public static DaprError PubsubCloudEventCreation(string err) => PubsubCloudEventCreation();

    public static DaprError PubsubEventsSer(string topic, string pubsub, string err) => PubsubMarshalEvents(topic, pubsub, err);

    // Secrets
    public static DaprError SecretStoresNotConfigured() => new(500, "ERR_SECRET_STORES_NOT_CONFIGURED", "secret store is not configured", StatusCode.FailedPrecondition);

    public static DaprError SecretStoreNotFound(string name) => new(401, "ERR_SECRET_STORE_NOT_FOUND", $"failed finding secret store with key {name}", StatusCode.InvalidArgument);

    public static DaprError SecretPermissionDenied(string key, string store) =>
        new(403, "ERR_PERMISSION_DENIED", $"access denied by policy to get \"{key}\" from \"{store}\"");

    public static DaprError SecretBulkGet(string store, string err) =>
        new(500, "ERR_SECRET_GET", $"failed getting secrets from secret store {store}: {err}");

    public static DaprError SecretGet(string key, string store, string err) =>
        new(500, "ERR_SECRET_GET", $"failed getting secret with key {key} from secret store {store}: {err}");

    // Invocation
    public static DaprError DirectInvokeNoAppId() =>
        new(404, "ERR_DIRECT_INVOKE", "failed getting app id either from the URL path or the header dapr-app-id");

    public static DaprError DirectInvoke(string appId, string err) => new(500, "ERR_DIRECT_INVOKE", $"failed to invoke, id: {appId}, err: {err}");

    public static DaprError DirectInvokeMethod() => new(400, "ERR_DIRECT_INVOKE_METHOD", "invalid method name");

    public static DaprError DirectInvokeNotReady() => new(500, "ERR_DIRECT_INVOKE_NOT_READY", "invoke API is not ready");

    public static DaprError PermissionDenied(string message) => new(403, "ERR_PERMISSION_DENIED", message);

    // Health and metadata
    public static DaprError HealthNotReady(string targets) => new(500, "ERR_HEALTH_NOT_READY", $"dapr is not ready: {targets}");

    public static DaprError OutboundHealthNotReady() => new(500, "ERR_OUTBOUND_HEALTH_NOT_READY", "dapr outbound is not ready");

    public static DaprError HealthAppIdNotMatch() => new(500, "ERR_HEALTH_APPID_NOT_MATCH", "dapr app-id does not match");

    public static DaprError MetadataGet(string err) => new(500, "ERR_METADATA_GET", $"failed deserializing metadata: {err}");

    public static DaprError NotFound(string path) => new(404, "ERR_NOT_FOUND", $"method {path} not found");

    public static DaprError ApiNotAllowed(string path) => new(403, "ERR_API_NOT_ALLOWED", $"api {path} is not allowed");
}
