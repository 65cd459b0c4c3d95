using System.Security.Cryptography;
using System.Text;

namespace DaprPlatform.Workflow.Testing.Replay;

/// <summary>Name-based UUIDs (RFC 4122 version 5, SHA-1): the same namespace and name always give the same GUID.</summary>
internal static class DeterministicGuid
{
    /// <summary>The namespace durabletask uses for orchestration GUIDs.</summary>
    public static readonly Guid WorkflowNamespace = new("9e952958-5e33-4daf-827f-2fa12937b875");

    public static Guid Create(Guid namespaceId, string name)
    {
        Span<byte> namespaceBytes = stackalloc byte[16];
        namespaceId.TryWriteBytes(namespaceBytes, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);

        var input = new byte[16 + nameBytes.Length];
        namespaceBytes.CopyTo(input);
        nameBytes.CopyTo(input, 16);

        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input, hash);

        var uuid = hash[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x50);
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80);
        return new Guid(uuid, bigEndian: true);
    }
}
