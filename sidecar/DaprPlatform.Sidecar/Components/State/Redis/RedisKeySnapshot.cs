using StackExchange.Redis;

namespace DaprPlatform.Sidecar.Components.State.Redis;

/// <summary>
/// What the set/delete scripts would see under one key, read before a transaction: its type, and for a hash the
/// <c>version</c> and whether <c>first-write</c> is set. <see cref="Apply"/> replays the scripts' rules on it, so a
/// whole transaction can be checked before anything is written, and <see cref="Condition"/> makes the EXEC fail if the
/// key changed in between.
/// </summary>
internal sealed class RedisKeySnapshot
{
    private readonly string _type;
    private readonly RedisValue _observedVersion;
    private readonly bool _observedFirstWrite;
    private readonly RedisValue _observedString;

    private RedisKeySnapshot(string type, RedisValue version, bool firstWrite, RedisValue stringValue)
    {
        _type = type;
        _observedVersion = version;
        _observedFirstWrite = firstWrite;
        _observedString = stringValue;
        Version = type == "hash" && !version.IsNullOrEmpty ? (string?)version : null;
        HasFirstWrite = type == "hash" && firstWrite;
    }

    /// <summary>The version the next script in the transaction would read; null when there is none.</summary>
    public string? Version { get; private set; }

    public bool HasFirstWrite { get; private set; }

    /// <summary>Parses one element of the <see cref="RedisStateScripts.Inspect"/> reply.</summary>
    public static RedisKeySnapshot FromInspection(RedisResult result)
    {
        var parts = (RedisResult[])result!;
        var type = (string)parts[0]!;
        return type switch
        {
            "hash" => new RedisKeySnapshot(type, (RedisValue)parts[1], !((RedisValue)parts[2]).IsNull, RedisValue.Null),
            "string" => new RedisKeySnapshot(type, RedisValue.Null, false, (RedisValue)parts[1]),
            _ => new RedisKeySnapshot(type, RedisValue.Null, false, RedisValue.Null),
        };
    }

    /// <summary>The WATCH-based guarantee that the key still looks as it did when it was inspected.</summary>
    public IEnumerable<Condition> Conditions(RedisKey key)
    {
        switch (_type)
        {
            case "none":
                yield return Condition.KeyNotExists(key);
                break;
            case "hash":
                yield return _observedVersion.IsNull ? Condition.HashNotExists(key, "version") : Condition.HashEqual(key, "version", _observedVersion);
                yield return _observedFirstWrite ? Condition.HashExists(key, "first-write") : Condition.HashNotExists(key, "first-write");
                break;
            case "string":
                yield return Condition.StringEqual(key, _observedString);
                break;
            default:
                // Lists, sets...: nothing Dapr wrote; the set script replaces them whatever they hold.
                yield return Condition.KeyExists(key);
                break;
        }
    }

    /// <summary>Applies a save the way <see cref="RedisStateScripts.Set"/> would; false when the script would refuse it.</summary>
    public bool TryApplySet(string expectedVersion, bool markFirstWrite)
    {
        if (Version is not null && Version != expectedVersion && (HasFirstWrite || expectedVersion != RedisStateScripts.NoETag))
        {
            return false;
        }

        // A non-numeric version makes the script's HINCRBY fail; the EXEC reply reports that.
        _ = long.TryParse(Version, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var current);
        Version = (current + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        HasFirstWrite |= markFirstWrite;
        return true;
    }

    /// <summary>Applies a delete the way <see cref="RedisStateScripts.Delete"/> would; false when the script would refuse it.</summary>
    public bool TryApplyDelete(string etagArgument)
    {
        if (etagArgument != RedisStateScripts.NoETag && Version is not null && Version != etagArgument)
        {
            return false;
        }

        Version = null;
        HasFirstWrite = false;
        return true;
    }
}
