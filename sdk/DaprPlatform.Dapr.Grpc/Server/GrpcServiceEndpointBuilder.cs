using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprPlatform.Dapr.Grpc.Server;

/// <summary>
/// Maps the methods of one gRPC service to <c>POST /{Service}/{Method}</c> endpoints. Conventions added here
/// (e.g. <c>RequireHost</c>) apply to every endpoint of the service, including methods mapped later.
/// </summary>
public sealed class GrpcServiceEndpointBuilder : IEndpointConventionBuilder
{
    private static readonly HttpMethodMetadata PostOnly = new([HttpMethods.Post]);

    private readonly IEndpointRouteBuilder _endpoints;
    private readonly GrpcServerOptions _options;
    private readonly List<IEndpointConventionBuilder> _builders = [];
    private readonly List<Action<EndpointBuilder>> _conventions = [];

    internal GrpcServiceEndpointBuilder(IEndpointRouteBuilder endpoints, string serviceName, GrpcServerOptions options)
    {
        _endpoints = endpoints;
        _options = options;
        ServiceName = serviceName;

        var unknownMethod = RoutePatternFactory.Parse(
            $"/{serviceName}/{{unimplementedMethod}}",
            defaults: (RouteValueDictionary?)null,
            parameterPolicies: new RouteValueDictionary { ["unimplementedMethod"] = new GrpcContentTypeRouteConstraint() });
        Track(endpoints.Map(unknownMethod, context => GrpcUnimplemented.RespondAsync(context, "Method is unimplemented."))
            .WithMetadata(PostOnly)
            .WithDisplayName($"gRPC - unimplemented method of {serviceName}")
            .WithOrder(int.MaxValue));
    }

    public string ServiceName { get; }

    public GrpcServiceEndpointBuilder MapUnary<TRequest, TResponse>(string methodName, UnaryServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        MapUnary(new GrpcMethod<TRequest, TResponse>(GrpcMethodType.Unary, ServiceName, methodName), handler);

    public GrpcServiceEndpointBuilder MapUnary<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(handler);
        EnsureBelongsHere(method, GrpcMethodType.Unary);

        return MapMethod(method, cancelOnShutdown: false, async (call, request) =>
        {
            var response = await handler(request, call.Context);
            call.ThrowIfDeadlineExceeded();
            await call.WriteMessageAsync(response, call.CancellationToken);
        });
    }

    public GrpcServiceEndpointBuilder MapServerStreaming<TRequest, TResponse>(string methodName, ServerStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        MapServerStreaming(new GrpcMethod<TRequest, TResponse>(GrpcMethodType.ServerStreaming, ServiceName, methodName), handler);

    public GrpcServiceEndpointBuilder MapServerStreaming<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method,
        ServerStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(handler);
        EnsureBelongsHere(method, GrpcMethodType.ServerStreaming);

        return MapMethod(method, cancelOnShutdown: true, async (call, request) =>
        {
            var writer = new HttpResponseStreamWriter<TResponse>(call);
            try
            {
                await handler(request, writer, call.Context);
            }
            finally
            {
                await writer.CompleteAsync();
            }

            call.ThrowIfDeadlineExceeded();
        });
    }

    public void Add(Action<EndpointBuilder> convention)
    {
        ArgumentNullException.ThrowIfNull(convention);
        _conventions.Add(convention);
        foreach (var builder in _builders)
        {
            builder.Add(convention);
        }
    }

    /// <param name="cancelOnShutdown">
    /// Streams end with UNAVAILABLE when the host stops (they would otherwise hold shutdown up until its timeout);
    /// unary calls are short and are left to drain.
    /// </param>
    private GrpcServiceEndpointBuilder MapMethod<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method,
        bool cancelOnShutdown,
        Func<ServerCall, TRequest, Task> invoke)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var options = _options;
        ILogger? logger = null;

        async Task HandleAsync(HttpContext httpContext)
        {
            logger ??= httpContext.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(GrpcServiceEndpointBuilder).FullName!)
                ?? NullLogger.Instance;

            var serverStopping = cancelOnShutdown
                ? httpContext.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None
                : CancellationToken.None;
            using var call = ServerCall.TryStart(httpContext, method.FullName, options, logger, serverStopping);
            if (call is null)
            {
                return;
            }

            try
            {
                var request = await call.ReadSingleRequestAsync(method.RequestParser);
                await invoke(call, request);
                call.CompleteWithOk();
            }
            catch (Exception ex)
            {
                call.CompleteWithException(ex);
            }
        }

        Track(_endpoints.Map(RoutePatternFactory.Parse(method.FullName), HandleAsync)
            .WithMetadata(PostOnly)
            .WithDisplayName($"gRPC - {method.FullName}"));
        return this;
    }

    private void Track(IEndpointConventionBuilder builder)
    {
        foreach (var convention in _conventions)
        {
            builder.Add(convention);
        }

        _builders.Add(builder);
    }

    private void EnsureBelongsHere<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, GrpcMethodType expectedType)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        if (!string.Equals(method.ServiceName, ServiceName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Method {method.FullName} does not belong to service {ServiceName}.", nameof(method));
        }

        if (method.Type != expectedType)
        {
            throw new ArgumentException($"Method {method.FullName} is {method.Type}, not {expectedType}.", nameof(method));
        }
    }
}
