using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Dapr.Workflow;

/// <summary>
/// Workflow and activity registrations plus how the worker and client reach the sidecar's gRPC API. The endpoint
/// defaults follow the Dapr SDKs: <c>DAPR_GRPC_ENDPOINT</c> wins over <c>DAPR_GRPC_PORT</c> (default 50001), and
/// <c>DAPR_API_TOKEN</c> is sent as <c>dapr-api-token</c> metadata.
/// </summary>
public sealed class DaprWorkflowOptions
{
    public const string GrpcEndpointVariable = "DAPR_GRPC_ENDPOINT";
    public const string GrpcPortVariable = "DAPR_GRPC_PORT";
    public const string ApiTokenVariable = "DAPR_API_TOKEN";
    public const int DefaultGrpcPort = 50001;

    private readonly Dictionary<string, Func<IServiceProvider, IWorkflow>> _workflows = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<IServiceProvider, IWorkflowActivity>> _activities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The sidecar's gRPC API, e.g. <c>http://localhost:50001</c>.</summary>
    public string GrpcEndpoint { get; set; } = GetDefaultGrpcEndpoint();

    /// <summary>Token daprd expects in <c>dapr-api-token</c>; null when API auth is off.</summary>
    public string? ApiToken { get; set; } = GetDefaultApiToken();

    /// <summary>Serializer for inputs, outputs, event payloads and custom status.</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>Workflow turns executed at the same time (the .NET SDK's default is 100).</summary>
    public int MaxConcurrentWorkflowInvocations { get; set; } = 100;

    /// <summary>Activities executed at the same time (the .NET SDK's default is 100).</summary>
    public int MaxConcurrentActivityInvocations { get; set; } = 100;

    /// <summary>
    /// Report workflow turns with <c>CompleteWorkflowTask</c> (daprd 1.18+) instead of the deprecated
    /// <c>CompleteOrchestratorTask</c> that every daprd version serves. Off by default, like the .NET SDK.
    /// </summary>
    public bool UseCompleteWorkflowTask { get; set; }

    /// <summary>Interval of <c>Hello</c> calls that keep the work-item connection alive; null disables them.</summary>
    public TimeSpan? KeepaliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait before reconnecting to the sidecar; doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest gRPC message accepted from the sidecar (work items carry whole histories).</summary>
    public int? MaxReceiveMessageSize { get; set; } = 16 * 1024 * 1024;

    internal IReadOnlyDictionary<string, Func<IServiceProvider, IWorkflow>> Workflows => _workflows;

    internal IReadOnlyDictionary<string, Func<IServiceProvider, IWorkflowActivity>> Activities => _activities;

    /// <summary>Registers a workflow class under its type name (or <paramref name="name"/>). A new instance runs every turn.</summary>
    public DaprWorkflowOptions RegisterWorkflow<TWorkflow>(string? name = null)
        where TWorkflow : class, IWorkflow
    {
        AddWorkflow(name ?? typeof(TWorkflow).Name, provider => ActivatorUtilities.CreateInstance<TWorkflow>(provider));
        return this;
    }

    /// <summary>Registers a workflow written as a function.</summary>
    public DaprWorkflowOptions RegisterWorkflow<TInput, TOutput>(string name, Func<WorkflowContext, TInput, Task<TOutput>> implementation)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        AddWorkflow(name, _ => new FunctionWorkflow<TInput, TOutput>(implementation));
        return this;
    }

    /// <summary>Registers an activity class under its type name (or <paramref name="name"/>); resolved from a new DI scope per execution.</summary>
    public DaprWorkflowOptions RegisterActivity<TActivity>(string? name = null)
        where TActivity : class, IWorkflowActivity
    {
        AddActivity(name ?? typeof(TActivity).Name, provider => ActivatorUtilities.GetServiceOrCreateInstance<TActivity>(provider));
        return this;
    }

    /// <summary>Registers an activity written as a function.</summary>
    public DaprWorkflowOptions RegisterActivity<TInput, TOutput>(string name, Func<WorkflowActivityContext, TInput, Task<TOutput>> implementation)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        AddActivity(name, _ => new FunctionActivity<TInput, TOutput>(implementation));
        return this;
    }

    public static string GetDefaultGrpcEndpoint()
    {
        var endpoint = Environment.GetEnvironmentVariable(GrpcEndpointVariable);
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            return endpoint.Trim();
        }

        var port = Environment.GetEnvironmentVariable(GrpcPortVariable);
        var parsed = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : DefaultGrpcPort;
        return string.Create(CultureInfo.InvariantCulture, $"http://localhost:{parsed}");
    }

    public static string? GetDefaultApiToken()
    {
        var token = Environment.GetEnvironmentVariable(ApiTokenVariable);
        return string.IsNullOrEmpty(token) ? null : token;
    }

    /// <summary>The endpoint as an absolute URI; daprd's gRPC endpoint may also be given as host:port.</summary>
    internal Uri GetGrpcEndpointUri()
    {
        var endpoint = GrpcEndpoint?.Trim() ?? string.Empty;
        if (!endpoint.Contains("://", StringComparison.Ordinal))
        {
            endpoint = "http://" + endpoint;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException(
                $"The Dapr gRPC endpoint '{GrpcEndpoint}' is not an http(s) address. Set {GrpcEndpointVariable} or {nameof(GrpcEndpoint)}.");
        }

        return uri;
    }

    private void AddWorkflow(string name, Func<IServiceProvider, IWorkflow> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_workflows.TryAdd(name, factory))
        {
            throw new ArgumentException($"A workflow named '{name}' is already registered.", nameof(name));
        }
    }

    private void AddActivity(string name, Func<IServiceProvider, IWorkflowActivity> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_activities.TryAdd(name, factory))
        {
            throw new ArgumentException($"An activity named '{name}' is already registered.", nameof(name));
        }
    }
}
