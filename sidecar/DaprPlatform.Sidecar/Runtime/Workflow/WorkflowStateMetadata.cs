using Google.Protobuf;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>
/// The <c>metadata</c> row of a workflow instance: durabletask-go's BackendWorkflowStateMetadata
/// (inboxLength = 1, historyLength = 2, generation = 3, all uint64), protobuf-encoded like daprd writes it.
/// The lengths say which inbox-/history- keys exist.
/// </summary>
public readonly record struct WorkflowStateMetadata(ulong InboxLength, ulong HistoryLength, ulong Generation)
{
    private const uint InboxLengthTag = (1 << 3) | 0;
    private const uint HistoryLengthTag = (2 << 3) | 0;
    private const uint GenerationTag = (3 << 3) | 0;

    public byte[] ToBytes()
    {
        var size = FieldSize(InboxLength) + FieldSize(HistoryLength) + FieldSize(Generation);
        var bytes = new byte[size];
        var output = new CodedOutputStream(bytes);
        WriteField(output, InboxLengthTag, InboxLength);
        WriteField(output, HistoryLengthTag, HistoryLength);
        WriteField(output, GenerationTag, Generation);
        output.Flush();
        return bytes;
    }

    /// <exception cref="InvalidProtocolBufferException">The bytes are not a metadata message.</exception>
    public static WorkflowStateMetadata Parse(ReadOnlySpan<byte> bytes)
    {
        ulong inbox = 0, history = 0, generation = 0;
        var input = new CodedInputStream(bytes.ToArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (tag)
            {
                case InboxLengthTag:
                    inbox = input.ReadUInt64();
                    break;
                case HistoryLengthTag:
                    history = input.ReadUInt64();
                    break;
                case GenerationTag:
                    generation = input.ReadUInt64();
                    break;
                default:
                    // daprd also writes signature and certificate counts; signing is not supported here.
                    input.SkipLastField();
                    break;
            }
        }

        return new WorkflowStateMetadata(inbox, history, generation);
    }

    // proto3 leaves zero scalars out.
    private static int FieldSize(ulong value) => value == 0 ? 0 : 1 + CodedOutputStream.ComputeUInt64Size(value);

    private static void WriteField(CodedOutputStream output, uint tag, ulong value)
    {
        if (value != 0)
        {
            output.WriteTag(tag);
            output.WriteUInt64(value);
        }
    }
}
