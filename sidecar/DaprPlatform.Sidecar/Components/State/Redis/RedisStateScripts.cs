namespace DaprPlatform.Sidecar.Components.State.Redis;

/// <summary>
/// The server-side scripts behind state.redis. They keep daprd's layout and rules (components-contrib
/// state/redis/redis.go) so that daprd and this sidecar can share one Redis: a HASH per key with fields
/// <c>data</c>, <c>version</c> (the etag) and, after a first-write save, <c>first-write</c> = 0.
/// </summary>
internal static class RedisStateScripts
{
    /// <summary>The expected version when the caller gave no etag.</summary>
    public const string NoETag = "0";

    /// <summary>ARGV[3] of <see cref="Set"/> when the save used first-write concurrency.</summary>
    public const string FirstWriteFlag = "0";

    /// <summary>
    /// KEYS[1] = key; ARGV[1] = expected version or "0"; ARGV[2] = data; ARGV[3] = "0" for a first-write save;
    /// ARGV[4] = ttl seconds or "" (&gt; 0 expires, &lt;= 0 persists, "" leaves any TTL as it is).
    /// A value of another type under the key is replaced. The write is refused when a version exists that differs
    /// from the expected one, unless no etag was given and the key was never saved with first-write.
    /// Returns the new version. daprd sends EXPIRE/PERSIST as separate commands after the script; doing it inside
    /// the script gives the same end state without a window where the new value lacks its TTL.
    /// </summary>
    public const string Set = """
        local version = redis.pcall("HGET", KEYS[1], "version")
        if type(version) == "table" then
          redis.call("DEL", KEYS[1])
          version = false
        end
        local firstWrite = redis.pcall("HGET", KEYS[1], "first-write")
        if version and version ~= "" and version ~= ARGV[1] and (firstWrite or ARGV[1] ~= "0") then
          return redis.error_reply("failed to set key " .. KEYS[1])
        end
        redis.call("HSET", KEYS[1], "data", ARGV[2])
        if ARGV[3] == "0" then
          redis.call("HSET", KEYS[1], "first-write", 0)
        end
        local newVersion = redis.call("HINCRBY", KEYS[1], "version", 1)
        if ARGV[4] ~= "" then
          local ttl = tonumber(ARGV[4])
          if ttl > 0 then
            redis.call("EXPIRE", KEYS[1], ttl)
          else
            redis.call("PERSIST", KEYS[1])
          end
        end
        return newVersion
        """;

    /// <summary>
    /// KEYS[1] = key; ARGV[1] = the etag as given, or "0". Deletes when no etag was given, when the key has no
    /// version (missing, or not a hash), or when the version equals the etag; otherwise fails.
    /// </summary>
    public const string Delete = """
        local version = redis.pcall("HGET", KEYS[1], "version")
        if ARGV[1] == "0" or not version or type(version) == "table" or version == "" or version == ARGV[1] then
          return redis.call("DEL", KEYS[1])
        end
        return redis.error_reply("failed to delete " .. KEYS[1])
        """;

    /// <summary>
    /// Reads what the set/delete rules look at, for every key: <c>{type, version, first-write}</c> for a hash,
    /// <c>{type, value}</c> for a string, <c>{type}</c> otherwise. Used to check a whole transaction before any
    /// of it is applied.
    /// </summary>
    public const string Inspect = """
        local result = {}
        for i, key in ipairs(KEYS) do
          local kind = redis.call("TYPE", key)["ok"]
          if kind == "hash" then
            result[i] = {kind, redis.call("HGET", key, "version"), redis.call("HGET", key, "first-write")}
          elseif kind == "string" then
            result[i] = {kind, redis.call("GET", key)}
          else
            result[i] = {kind}
          end
        end
        return result
        """;
}
