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
    /// A whole transaction in one atomic step. KEYS[i] = the key of operation i; ARGV[4i-3..4i] = "s" (save) or "d"
    /// (delete), the expected version (saves) or the etag as given (deletes) or "0", the data, the ttl seconds or "".
    /// Every operation is first checked against the state it would meet (earlier operations of the transaction
    /// included) by the rules of <see cref="Set"/> and <see cref="Delete"/>; only when all pass is anything written,
    /// so a conflict leaves nothing changed. Saves in a transaction never mark first-write (daprd's MULTI passes no
    /// flag). Returns 0 when applied, i when operation i conflicts, -i when the version under operation i's key is
    /// not an integer (the save's HINCRBY would fail half-way through).
    /// </summary>
    public const string Transact = """
        local seen = {}
        for i, key in ipairs(KEYS) do
          local s = seen[key]
          if not s then
            s = {version = false, firstWrite = false}
            if redis.call("TYPE", key)["ok"] == "hash" then
              s.version = redis.call("HGET", key, "version")
              if s.version == "" then s.version = false end
              s.firstWrite = redis.call("HGET", key, "first-write") ~= false
            end
            seen[key] = s
          end
          local expected = ARGV[4 * i - 2]
          if ARGV[4 * i - 3] == "s" then
            if s.version and s.version ~= expected and (s.firstWrite or expected ~= "0") then
              return i
            end
            local current = 0
            if s.version then
              if not string.match(s.version, "^%-?%d+$") then
                return -i
              end
              current = tonumber(s.version)
            end
            s.version = string.format("%d", current + 1)
          else
            if expected ~= "0" and s.version and s.version ~= expected then
              return i
            end
            s.version = false
            s.firstWrite = false
          end
        end
        for i, key in ipairs(KEYS) do
          if ARGV[4 * i - 3] == "s" then
            if redis.call("TYPE", key)["ok"] ~= "hash" then
              redis.call("DEL", key)
            end
            redis.call("HSET", key, "data", ARGV[4 * i - 1])
            redis.call("HINCRBY", key, "version", 1)
            if ARGV[4 * i] ~= "" then
              local ttl = tonumber(ARGV[4 * i])
              if ttl > 0 then
                redis.call("EXPIRE", key, ttl)
              else
                redis.call("PERSIST", key)
              end
            end
          else
            redis.call("DEL", key)
          end
        end
        return 0
        """;
}
