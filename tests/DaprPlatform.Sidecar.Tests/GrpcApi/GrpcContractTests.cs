using System.Reflection;
using Google.Protobuf.Reflection;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.GrpcApi;

/// <summary>
/// The sidecar's .proto files are Dapr's contract: every service, method, message, field and enum value they declare
/// must be in the descriptors compiled into the official packages (Dapr.Protos for dapr.proto.*, Dapr.Workflow.Grpc
/// for durabletask), with the same number, name and type, or official clients and our server would not understand
/// each other.
/// </summary>
public sealed class GrpcContractTests
{
    // durabletask-protobuf's retry-parent link (commit 1555e2056269, which daprd serves) came after the protocol
    // Dapr.Workflow 1.19.1 was compiled from; the package's clients skip it as an unknown field. Nothing else may differ.
    private static readonly HashSet<string> NewerThanTheOfficialPackages =
    [
        "message RetryParentInstanceInfo",
        "ChildWorkflowInstanceCreatedEvent.retryParentInstanceInfo",
        "CreateChildWorkflowAction.retryParentInstanceInfo",
    ];

    public static TheoryData<string> OurFiles => new(Descriptors(typeof(Grpc.Runtime.GetStateRequest).Assembly, "DaprPlatform.").Keys);

    [Theory]
    [MemberData(nameof(OurFiles))]
    public void Proto_file_matches_the_official_descriptors(string fileName)
    {
        var ours = Descriptors(typeof(Grpc.Runtime.GetStateRequest).Assembly, "DaprPlatform.")[fileName];
        var official = Descriptors(typeof(global::Dapr.Client.Autogen.Grpc.v1.GetStateRequest).Assembly, "Dapr.")
            .Concat(Descriptors(typeof(global::Dapr.DurableTask.Protobuf.WorkItem).Assembly, "Dapr."))
            .ToDictionary();
        var problems = new List<string>();

        Assert.True(official.TryGetValue(fileName, out var theirs), $"no official file {fileName}");
        Assert.Equal(theirs.Package, ours.Package);
        foreach (var message in ours.MessageTypes)
        {
            CompareMessage(message, official.Values, problems);
        }

        foreach (var type in ours.EnumTypes)
        {
            CompareEnum(type, official.Values.SelectMany(f => f.EnumTypes).FirstOrDefault(e => e.FullName == type.FullName), problems);
        }

        foreach (var service in ours.Services)
        {
            var theirService = official.Values.SelectMany(f => f.Services).FirstOrDefault(s => s.FullName == service.FullName);
            if (theirService is null)
            {
                problems.Add($"service {service.FullName} is not official");
                continue;
            }

            foreach (var method in service.Methods)
            {
                var theirMethod = theirService.FindMethodByName(method.Name);
                if (theirMethod is null
                    || theirMethod.InputType.FullName != method.InputType.FullName
                    || theirMethod.OutputType.FullName != method.OutputType.FullName
                    || theirMethod.IsClientStreaming != method.IsClientStreaming
                    || theirMethod.IsServerStreaming != method.IsServerStreaming)
                {
                    problems.Add($"method {service.FullName}/{method.Name} differs from the official one");
                }
            }
        }

        Assert.Empty(problems);
    }

    private static void CompareMessage(MessageDescriptor ours, IEnumerable<FileDescriptor> official, List<string> problems)
    {
        var theirs = official.SelectMany(f => AllMessages(f.MessageTypes)).FirstOrDefault(m => m.FullName == ours.FullName);
        if (theirs is null)
        {
            if (!NewerThanTheOfficialPackages.Contains($"message {ours.FullName}"))
            {
                problems.Add($"message {ours.FullName} is not official");
            }

            return;
        }

        foreach (var field in ours.Fields.InFieldNumberOrder())
        {
            var their = theirs.FindFieldByNumber(field.FieldNumber);
            if (their is null && NewerThanTheOfficialPackages.Contains($"{ours.FullName}.{field.Name}"))
            {
                continue;
            }

            if (their is null)
            {
                problems.Add($"{ours.FullName}.{field.Name} = {field.FieldNumber}: no official field with that number");
            }
            else if (their.Name != field.Name || their.FieldType != field.FieldType || their.IsRepeated != field.IsRepeated || their.IsMap != field.IsMap
                     || TypeName(their) != TypeName(field) || their.RealContainingOneof?.Name != field.RealContainingOneof?.Name)
            {
                problems.Add($"{ours.FullName}.{field.Name} = {field.FieldNumber}: official is {their.Name} ({their.FieldType} {TypeName(their)})");
            }
        }

        foreach (var nested in ours.NestedTypes.Where(n => !n.GetOptions()?.MapEntry ?? true))
        {
            CompareMessage(nested, official, problems);
        }

        foreach (var type in ours.EnumTypes)
        {
            CompareEnum(type, theirs.EnumTypes.FirstOrDefault(e => e.Name == type.Name), problems);
        }
    }

    private static void CompareEnum(EnumDescriptor ours, EnumDescriptor? theirs, List<string> problems)
    {
        if (theirs is null)
        {
            problems.Add($"enum {ours.FullName} is not official");
            return;
        }

        foreach (var value in ours.Values)
        {
            if (theirs.FindValueByNumber(value.Number)?.Name != value.Name)
            {
                problems.Add($"{ours.FullName}.{value.Name} = {value.Number} is not official");
            }
        }
    }

    private static IEnumerable<MessageDescriptor> AllMessages(IEnumerable<MessageDescriptor> messages) =>
        messages.SelectMany(m => AllMessages(m.NestedTypes).Prepend(m));

    private static string? TypeName(FieldDescriptor field) =>
        field.FieldType switch
        {
            FieldType.Message => field.MessageType.FullName,
            FieldType.Enum => field.EnumType.FullName,
            _ => null,
        };

    private static Dictionary<string, FileDescriptor> Descriptors(Assembly assembly, string namespacePrefix) =>
        assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith(namespacePrefix, StringComparison.Ordinal) == true && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
            .OfType<FileDescriptor>()
            .ToDictionary(f => f.Name);
}
