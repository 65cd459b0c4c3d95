using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DaprPlatform.Sidecar.Tests.Invocation;
using DaprPlatform.Sidecar.Tests.PubSub;
using DaprPlatform.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Spine;

/// <summary>One sidecar with in-memory state and pub/sub and an app, for the hostile-input tests.</summary>
public sealed class MalformedInputSidecar : IAsyncLifetime
{
    private readonly ResourcesDirectory _resources = new();
    private TargetApp? _app;
    private SidecarProcess? _sidecar;
    private GrpcChannel? _channel;

    public SidecarProcess Sidecar => _sidecar ?? throw new InvalidOperationException("not started");

    public TargetApp App => _app ?? throw new InvalidOperationException("not started");

    public CallInvoker Grpc => (_channel ?? throw new InvalidOperationException("not started")).CreateCallInvoker();

    public async ValueTask InitializeAsync()
    {
        _app = await TargetApp.StartAsync();
        _resources.AddInMemoryStateStore().AddInMemoryPubSub();
        _sidecar = await SidecarProcess.StartAsync(
            new SidecarProcessOptions { AppId = "malformed", AppPort = _app.Port, ResourcesPaths = [_resources.Path] });
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_sidecar.GrpcPort}");
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _resources.Dispose();
    }
}

/// <summary>
/// Requests an attacker would send get daprd's answer, never a 500 ERR_INTERNAL: text Go's JSON decoder turns into
/// U+FFFD is accepted as that, values of the wrong JSON type get Go's decoding error as daprd words it, and caller
/// text that ends up in a header is neither refused nor copied where daprd does not copy it.
/// </summary>
public sealed class MalformedInputTests(MalformedInputSidecar fixture) : IClassFixture<MalformedInputSidecar>
{
    private const string Replacement = "\uFFFD";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => fixture.Sidecar.HttpClient;

    // Each case: JSON text with a placeholder for the undecodable part, and the bytes that stand for it.
    public static TheoryData<string, byte[]> Undecodable => new()
    {
        { "lone high surrogate escape", "\\ud800"u8.ToArray() },
        { "lone low surrogate escape", "\\udc00"u8.ToArray() },
        { "high surrogate escape before a plain escape", "\\ud83d\\u0041"u8.ToArray() },
        { "invalid UTF-8 byte", [0xFF] },
        { "truncated UTF-8 sequence", [0xC3] },
    };

    // What Go decodes each case of Undecodable to.
    private static string Decoded(byte[] undecodable) =>
        Encoding.ASCII.GetString(undecodable) == "\\ud83d\\u0041" ? Replacement + "A" : Replacement;

    [Theory]
    [MemberData(nameof(Undecodable))]
    public async Task State_save_undecodable_text_in_the_key_is_saved_under_the_replacement_character(string name, byte[] undecodable)
    {
        var key = $"key-{Guid.NewGuid():N}-";

        var saved = await PostAsync("v1.0/state/statestore", Json($$"""[{"key":"{{key}}""", undecodable, "\",\"value\":\"v\"}]"));
        var read = await Http.GetAsync("v1.0/state/statestore/" + Uri.EscapeDataString(key + Decoded(undecodable)), Ct);

        Assert.True(saved.StatusCode == HttpStatusCode.NoContent, $"{name}: {await saved.Content.ReadAsStringAsync(Ct)}");
        Assert.Equal("\"v\"", await read.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Undecodable))]
    public async Task State_save_undecodable_text_in_the_value_stores_the_replacement_character(string name, byte[] undecodable)
    {
        var key = $"value-{Guid.NewGuid():N}";

        var saved = await PostAsync("v1.0/state/statestore", Json($$"""[{"key":"{{key}}","value":{"text":"a""", undecodable, """b"}}]"""));
        var read = await Http.GetByteArrayAsync("v1.0/state/statestore/" + key, Ct);

        Assert.True(saved.StatusCode == HttpStatusCode.NoContent, $"{name}: {await saved.Content.ReadAsStringAsync(Ct)}");
        Assert.Equal($$"""{"text":"a{{Decoded(undecodable)}}b"}""", Encoding.UTF8.GetString(read));
    }

    [Theory]
    [MemberData(nameof(Undecodable))]
    public async Task Bulk_get_undecodable_text_in_a_key_answers_for_the_replacement_character(string name, byte[] undecodable)
    {
        var response = await PostAsync("v1.0/state/statestore/bulk", Json("""{"keys":["missing-""", undecodable, "\"]}"));
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal("missing-" + Decoded(undecodable), json.RootElement[0].GetProperty("key").GetString());
    }

    [Theory]
    [MemberData(nameof(Undecodable))]
    public async Task Transaction_undecodable_text_in_a_key_is_saved_under_the_replacement_character(string name, byte[] undecodable)
    {
        var key = $"tx-{Guid.NewGuid():N}-";

        var saved = await PostAsync(
            "v1.0/state/statestore/transaction",
            Json($$"""{"operations":[{"operation":"upsert","request":{"key":"{{key}}""", undecodable, "\",\"value\":1}}]}"));
        var read = await Http.GetAsync("v1.0/state/statestore/" + Uri.EscapeDataString(key + Decoded(undecodable)), Ct);

        Assert.True(saved.StatusCode == HttpStatusCode.NoContent, $"{name}: {await saved.Content.ReadAsStringAsync(Ct)}");
        Assert.Equal("1", await read.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Undecodable))]
    public async Task Publish_undecodable_text_in_a_json_body_is_published(string name, byte[] undecodable)
    {
        var response = await PostAsync("v1.0/publish/pubsub/orders", Json("""{"text":"a""", undecodable, """b"}"""));

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{name}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    [Theory]
    [MemberData(nameof(Undecodable))]
    public async Task Bulk_publish_undecodable_text_in_an_event_is_published(string name, byte[] undecodable)
    {
        var response = await PostAsync(
            "v1.0-alpha1/publish/bulk/pubsub/orders",
            Json("""[{"entryId":"1","contentType":"application/json","event":{"text":"a""", undecodable, """b"}},""", """{"entryId":"2","contentType":"text/plain","event":"c""", undecodable, """d"}]"""));

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{name}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    // encoding/json matches struct field names without regard to case: the JavaScript SDK sends "entryID".
    [Fact]
    public async Task Field_names_match_without_regard_to_case_as_go_matches_them()
    {
        var key = $"case-{Guid.NewGuid():N}";

        var bulk = await PostAsync(
            "v1.0-alpha1/publish/bulk/pubsub/orders",
            Encoding.UTF8.GetBytes("""[{"entryID":"1","contentType":"text/plain","Event":"a"},{"ENTRYID":"2","contentType":"text/plain","event":"b"}]"""));
        var save = await PostAsync("v1.0/state/statestore", Encoding.UTF8.GetBytes($$"""[{"Key":"{{key}}","VALUE":"v"}]"""));
        using var read = await fixture.Sidecar.HttpClient.GetAsync($"v1.0/state/statestore/{key}", Ct);

        Assert.True(bulk.StatusCode == HttpStatusCode.NoContent, await bulk.Content.ReadAsStringAsync(Ct));
        Assert.True(save.StatusCode == HttpStatusCode.NoContent, await save.Content.ReadAsStringAsync(Ct));
        Assert.Equal("\"v\"", await read.Content.ReadAsStringAsync(Ct));
    }

    // The answers of dapr pkg/api/http/http.go: onPostState returns Go's error as it is; onBulkGetState and
    // onPostStateTransaction wrap it in messages.ErrMalformedRequest; onBulkPublish in PubSub(...).UnmarshalEvents, and
    // an entry without a content type is ConvertEventToBytes' errContentTypeMismatch (MarshalEnvelope).
    public static TheoryData<string, string, int, string, string> WrongTypes => new()
    {
        {
            "v1.0/state/statestore", """[{"key":"k","value":1,"options":{"concurrency":5}}]""", 400, "ERR_MALFORMED_REQUEST",
            "json: cannot unmarshal number into Go struct field SetStateOption.options.Concurrency of type string"
        },
        {
            "v1.0/state/statestore", """[{"key":"k","value":1,"options":{"consistency":true}}]""", 400, "ERR_MALFORMED_REQUEST",
            "json: cannot unmarshal bool into Go struct field SetStateOption.options.Consistency of type string"
        },
        {
            "v1.0/state/statestore", """[{"key":7,"value":1}]""", 400, "ERR_MALFORMED_REQUEST",
            "json: cannot unmarshal number into Go struct field SetRequest.key of type string"
        },
        {
            "v1.0/state/statestore", """[{"key":"k","metadata":{"ttlInSeconds":10}}]""", 400, "ERR_MALFORMED_REQUEST",
            "json: cannot unmarshal number into Go struct field SetRequest.metadata of type string"
        },
        {
            "v1.0/state/statestore", """{"key":"k"}""", 400, "ERR_MALFORMED_REQUEST",
            "json: cannot unmarshal object into Go value of type []state.SetRequest"
        },
        {
            "v1.0/state/statestore", """["k"]""", 400, "ERR_MALFORMED_REQUEST",
            "json: cannot unmarshal string into Go value of type state.SetRequest"
        },
        {
            "v1.0/state/statestore", "", 400, "ERR_MALFORMED_REQUEST", "EOF"
        },
        {
            "v1.0/state/statestore/bulk", """{"keys":["a"],"parallelism":"2"}""", 400, "ERR_MALFORMED_REQUEST",
            "failed deserializing HTTP body: json: cannot unmarshal string into Go struct field BulkGetRequest.parallelism of type int"
        },
        {
            "v1.0/state/statestore/bulk", """{"keys":["a"],"parallelism":1.5}""", 400, "ERR_MALFORMED_REQUEST",
            "failed deserializing HTTP body: json: cannot unmarshal number 1.5 into Go struct field BulkGetRequest.parallelism of type int"
        },
        {
            "v1.0/state/statestore/bulk", """{"keys":"a"}""", 400, "ERR_MALFORMED_REQUEST",
            "failed deserializing HTTP body: json: cannot unmarshal string into Go struct field BulkGetRequest.keys of type []string"
        },
        {
            "v1.0/state/statestore/transaction", """{"operations":[null]}""", 400, "ERR_NOT_SUPPORTED_STATE_OPERATION",
            "operation type  not supported"
        },
        {
            "v1.0/state/statestore/transaction", """{"operations":[{"operation":5,"request":{"key":"k"}}]}""", 400, "ERR_MALFORMED_REQUEST",
            "failed deserializing HTTP body: json: cannot unmarshal number into Go struct field stateTransactionRequestBodyOperation.operations.operation of type string"
        },
        {
            "v1.0/state/statestore/transaction", """{"operations":[5]}""", 400, "ERR_MALFORMED_REQUEST",
            "failed deserializing HTTP body: json: cannot unmarshal number into Go struct field stateTransactionRequestBody.operations of type http.stateTransactionRequestBodyOperation"
        },
        {
            "v1.0-alpha1/publish/bulk/pubsub/orders", "[null]", 400, "ERR_PUBSUB_EVENTS_SER",
            "error when marshalling cloud event envelope for topic orders pubsub pubsub: error: mismatch between contentType and event"
        },
        {
            "v1.0-alpha1/publish/bulk/pubsub/orders", """[{"entryId":1,"event":"x","contentType":"text/plain"}]""", 400, "ERR_PUBSUB_EVENTS_SER",
            "error when unmarshaling the request for topic orders pubsub pubsub: json: cannot unmarshal number into Go struct field bulkPublishMessageEntry.entryId of type string"
        },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task Body_with_a_value_of_the_wrong_json_type_gets_daprds_error(string path, string body, int status, string errorCode, string message)
    {
        var response = await PostAsync(path, Encoding.UTF8.GetBytes(body));
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        Assert.Equal(errorCode, json.RootElement.GetProperty("errorCode").GetString());
        Assert.Equal(message, json.RootElement.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("a%01b")]
    [InlineData("%C3%A9")]
    [InlineData("text%2Fplain%0D%0Ax-injected%3A%201")]
    public async Task State_get_content_type_metadata_that_is_no_header_value_answers_the_value_as_json(string contentType)
    {
        var key = $"ct-{Guid.NewGuid():N}";
        var saved = await PostAsync("v1.0/state/statestore", Encoding.UTF8.GetBytes($$$"""[{"key":"{{{key}}}","value":{"n":1}}]"""));

        var response = await Http.GetAsync($"v1.0/state/statestore/{key}?metadata.contentType={contentType}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // daprd's respondWithData: the stored JSON, always as application/json.
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.False(response.Headers.Contains("x-injected"));
        Assert.Equal("""{"n":1}""", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Invoke_with_non_ascii_headers_forwards_them_and_relays_the_apps_own()
    {
        const string contentType = "text/plain; name=résumé";
        const string reflected = "naïve 日本";
        using var client = new HttpClient(new SocketsHttpHandler
        {
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
            ResponseHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        }) { BaseAddress = fixture.Sidecar.HttpEndpoint };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1.0/invoke/malformed/method/reflect") { Content = new ByteArrayContent("hi"u8.ToArray()) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.TryAddWithoutValidation(TargetApp.ReflectHeader, reflected);

        var response = await client.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(contentType, fixture.App.Last("/reflect").Header("content-type"));
        Assert.Equal(reflected, response.Headers.GetValues(TargetApp.ReflectedHeader).Single());
    }

    [Theory]
    [InlineData("example.com:3501")]
    [InlineData("example.com")]
    [InlineData("localhost:1")]
    public async Task Routes_with_a_host_header_naming_another_port_or_none_are_served(string host)
    {
        var key = $"host-{Guid.NewGuid():N}";
        using var health = new HttpRequestMessage(HttpMethod.Get, "v1.0/healthz") { Headers = { Host = host } };
        using var save = new HttpRequestMessage(HttpMethod.Post, "v1.0/state/statestore")
        {
            Headers = { Host = host },
            Content = new StringContent($$"""[{"key":"{{key}}","value":"v"}]""", Encoding.UTF8, "application/json"),
        };
        using var get = new HttpRequestMessage(HttpMethod.Get, $"v1.0/state/statestore/{key}") { Headers = { Host = host } };

        var healthResponse = await Http.SendAsync(health, Ct);
        var saveResponse = await Http.SendAsync(save, Ct);
        var getResponse = await Http.SendAsync(get, Ct);

        Assert.Equal(HttpStatusCode.NoContent, healthResponse.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, saveResponse.StatusCode);
        Assert.Equal("\"v\"", await getResponse.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Routes_through_a_port_mapping_that_keeps_the_clients_host_are_served()
    {
        // As `-p 3501:3500` or a port-forward: the client names the mapped port, the sidecar listens on another.
        await using var mapping = new TcpProxy(fixture.Sidecar.HttpPort);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{mapping.Port}/") };
        var key = $"mapped-{Guid.NewGuid():N}";

        var health = await client.GetAsync("v1.0/healthz", Ct);
        var save = await client.PostAsync("v1.0/state/statestore", new StringContent($$"""[{"key":"{{key}}","value":"m"}]""", Encoding.UTF8, "application/json"), Ct);
        var read = await client.GetStringAsync($"v1.0/state/statestore/{key}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        Assert.Equal("\"m\"", read);
    }

    // ---- gRPC ----

    [Theory]
    [MemberData(nameof(Undecodable))]
    public async Task Grpc_save_state_json_value_with_undecodable_text_stores_the_replacement_character(string name, byte[] undecodable)
    {
        var key = $"grpc-{Guid.NewGuid():N}";
        var item = Message(w =>
        {
            w.WriteString(1, key);
            w.WriteBytes(2, Json("""{"text":"a""", undecodable, "b\"}"));
            w.WriteMapEntry(4, "contentType", "application/json");
        });

        await UnaryAsync("SaveState", Message(w =>
        {
            w.WriteString(1, "statestore");
            w.WriteMessage(2, item);
        }));
        var read = await Http.GetByteArrayAsync("v1.0/state/statestore/" + key, Ct);

        Assert.True($$"""{"text":"a{{Decoded(undecodable)}}b"}""" == Encoding.UTF8.GetString(read), name);
    }

    [Theory]
    [MemberData(nameof(Undecodable))]
    public async Task Grpc_publish_event_json_data_with_undecodable_text_is_published(string name, byte[] undecodable)
    {
        var call = UnaryAsync("PublishEvent", Message(w =>
        {
            w.WriteString(1, "pubsub");
            w.WriteString(2, "orders");
            w.WriteBytes(3, Json("""{"text":"a""", undecodable, "b\"}"));
            w.WriteString(4, "application/json");
        }));

        var exception = await Record.ExceptionAsync(() => call);

        Assert.True(exception is null, $"{name}: {exception}");
    }

    private async Task<HttpResponseMessage> PostAsync(string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await Http.PostAsync(path, content, Ct);
    }

    // grpc-go refuses a proto3 string that is not UTF-8 before daprd's handler runs (server.go processUnaryRPC).
    [Theory]
    [InlineData("GetState", 1)]
    [InlineData("GetState", 2)]
    [InlineData("PublishEvent", 2)]
    public async Task A_grpc_request_with_invalid_utf8_in_a_string_field_is_internal_as_in_daprd(string method, int field)
    {
        var request = Message(w =>
        {
            for (var number = 1; number <= 2; number++)
            {
                w.WriteBytes(number, number == field ? [(byte)'k', 0xFF] : "statestore"u8.ToArray());
            }
        });

        var exception = await Assert.ThrowsAsync<RpcException>(() => UnaryAsync(method, request));

        Assert.Equal(StatusCode.Internal, exception.StatusCode);
        Assert.Equal("grpc: error unmarshalling request: string field contains invalid UTF-8", exception.Status.Detail);
    }

    [Fact]
    public async Task A_grpc_request_that_is_no_protobuf_is_internal_as_in_daprd()
    {
        var exception = await Assert.ThrowsAsync<RpcException>(() => UnaryAsync("GetState", [0x0A, 0x7F, 0x01]));

        Assert.Equal(StatusCode.Internal, exception.StatusCode);
        Assert.Equal("grpc: error unmarshalling request: proto: cannot parse invalid wire-format data", exception.Status.Detail);
    }

    private static byte[] Json(params object[] parts)
    {
        var bytes = new List<byte>();
        foreach (var part in parts)
        {
            bytes.AddRange(part as byte[] ?? Encoding.UTF8.GetBytes((string)part));
        }

        return [.. bytes];
    }

    // Requests are written field by field, so a string field can carry bytes a generated client would never send.
    private async Task UnaryAsync(string method, byte[] request)
    {
        var raw = new Method<byte[], byte[]>(
            MethodType.Unary, "dapr.proto.runtime.v1.Dapr", method, Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        await fixture.Grpc.AsyncUnaryCall(raw, null, new CallOptions(cancellationToken: Ct), request);
    }

    private static byte[] Message(Action<ProtoWriter> write)
    {
        var writer = new ProtoWriter();
        write(writer);
        return writer.ToArray();
    }

    private sealed class ProtoWriter
    {
        private readonly MemoryStream _buffer = new();
        private readonly CodedOutputStream _output;

        public ProtoWriter() => _output = new CodedOutputStream(_buffer, leaveOpen: true);

        public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

        public void WriteBytes(int field, byte[] value)
        {
            _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            _output.WriteBytes(ByteString.CopyFrom(value));
        }

        public void WriteMessage(int field, byte[] message) => WriteBytes(field, message);

        public void WriteMapEntry(int field, string key, string value) =>
            WriteMessage(field, Message(m =>
            {
                m.WriteString(1, key);
                m.WriteString(2, value);
            }));

        public byte[] ToArray()
        {
            _output.Flush();
            return _buffer.ToArray();
        }
    }
}
