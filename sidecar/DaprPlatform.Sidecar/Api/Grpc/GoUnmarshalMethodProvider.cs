using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace DaprPlatform.Sidecar.Api.Grpc;

/// <summary>
/// Binds the gRPC services as Grpc.AspNetCore's own provider does (through the generated <c>BindService</c>), but
/// with request deserializers that fail as grpc-go does: a request protobuf cannot read (invalid UTF-8 in a string
/// field, broken wire format) is INTERNAL "grpc: error unmarshalling request: …", not an unhandled handler error.
/// Deserialization runs before any interceptor, so only the marshaller can answer it.
/// </summary>
public sealed class GoUnmarshalMethodProvider<[DynamicallyAccessedMembers(ServiceMembers)] TService> : IServiceMethodProvider<TService>
    where TService : class
{
    // What Grpc.AspNetCore requires of a service type: the trimmer keeps these members of the services bound here.
    private const DynamicallyAccessedMemberTypes ServiceMembers =
        DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods;

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var binding = typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true)
            ?? throw new InvalidOperationException($"{typeof(TService)} has no generated BindService method.");
        // BindService(ServiceBinderBase, <Service>Base): the generated overload that takes a binder.
        var bindService = binding.BindType.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .SingleOrDefault(m => m.Name == binding.BindMethodName && m.GetParameters() is [{ ParameterType: var binder }, _] && binder == typeof(ServiceBinderBase))
            ?? throw new InvalidOperationException($"{binding.BindType}.{binding.BindMethodName} was not found.");
        bindService.Invoke(null, [new Binder(context), null]);
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var implementation = Implementation(method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(
                WithGoUnmarshalErrors(method),
                Metadata(implementation),
                implementation.CreateDelegate<UnaryServerMethod<TService, TRequest, TResponse>>());
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var implementation = Implementation(method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(
                WithGoUnmarshalErrors(method),
                Metadata(implementation),
                implementation.CreateDelegate<ServerStreamingServerMethod<TService, TRequest, TResponse>>());
        }

        // The generated base class declares every method of the proto service; the sidecar's services override
        // what they serve, and the base answers UNIMPLEMENTED for the rest.
        private static MethodInfo Implementation(string name, params Type[] parameters) =>
            typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters)
            ?? throw new InvalidOperationException($"{typeof(TService)} has no method {name}.");

        private static List<object> Metadata(MethodInfo implementation) =>
            [.. typeof(TService).GetCustomAttributes(inherit: true), .. implementation.GetCustomAttributes(inherit: true)];
    }

    private static Method<TRequest, TResponse> WithGoUnmarshalErrors<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var deserialize = method.RequestMarshaller.ContextualDeserializer;
        var requests = Marshallers.Create(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return deserialize(context);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new RpcException(new Status(StatusCode.Internal, "grpc: error unmarshalling request: " + GoText(e)));
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, requests, method.ResponseMarshaller);
    }

    // protobuf-go's texts for the two ways a message cannot be read.
    private static string GoText(InvalidProtocolBufferException e) =>
        e.Message.Contains("UTF-8", StringComparison.OrdinalIgnoreCase)
            ? "string field contains invalid UTF-8"
            : "proto: cannot parse invalid wire-format data";
}
