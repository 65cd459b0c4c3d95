using System.Text;
using System.Text.RegularExpressions;

namespace DaprPlatform.Sidecar.Components.State;

/// <summary>
/// A state store that lists its keys by a SQL LIKE pattern (<c>%</c> any run, <c>_</c> one character, <c>\</c>
/// escapes), as components-contrib's <c>state.KeysLiker</c>; daprd lists workflow instances through it. The
/// continuation token is the store's own and is non-null only while more keys remain.
/// </summary>
public interface IKeysLiker
{
    Task<KeysLikePage> KeysLikeAsync(KeysLikeRequest request, CancellationToken cancellationToken);
}

/// <param name="PageSize">Null or 0: every match.</param>
public sealed record KeysLikeRequest(string Pattern, string? ContinuationToken, uint? PageSize);

public sealed record KeysLikePage(IReadOnlyList<string> Keys, string? ContinuationToken);

/// <summary>A token a store cannot read back; daprd answers it with the store's "invalid continue token" error.</summary>
public sealed class InvalidContinuationTokenException(string token)
    : Exception($"invalid continue token: strconv.ParseUint: parsing \"{token}\": invalid syntax");

/// <summary>Translations of a LIKE pattern for stores that match differently, following components-contrib.</summary>
public static class LikePattern
{
    /// <summary>An anchored regular expression (state.in-memory).</summary>
    public static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^", pattern.Length + 4);
        var escaped = false;
        foreach (var c in pattern)
        {
            if (escaped)
            {
                regex.Append(Regex.Escape(c.ToString()));
                escaped = false;
                continue;
            }

            regex.Append(c switch
            {
                '\\' => string.Empty,
                '%' => ".*",
                '_' => ".",
                _ => Regex.Escape(c.ToString()),
            });
            escaped = c == '\\';
        }

        if (escaped)
        {
            regex.Append(@"\\");
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }

    /// <summary>A Redis glob for <c>SCAN MATCH</c> (state.redis).</summary>
    public static string ToRedisGlob(string pattern)
    {
        var glob = new StringBuilder(pattern.Length);
        var escaped = false;
        foreach (var c in pattern)
        {
            if (escaped)
            {
                if (c is '%' or '_' or '\\' or '*' or '?' or '[' or ']')
                {
                    glob.Append('\\');
                }

                glob.Append(c);
                escaped = false;
                continue;
            }

            switch (c)
            {
                case '\\': escaped = true; break;
                case '%': glob.Append('*'); break;
                case '_': glob.Append('?'); break;
                case '*' or '?' or '[': glob.Append('\\').Append(c); break;
                default: glob.Append(c); break;
            }
        }

        if (escaped)
        {
            glob.Append(@"\\");
        }

        return glob.ToString();
    }
}
