using DaprPlatform.Sidecar.Components.State;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.State;

public sealed class LikePatternTests
{
    [Theory]
    [InlineData("app||wf||%||metadata", "app||wf||order-1||metadata", true)]
    [InlineData("app||wf||%||metadata", "app||wf||order-1||history-000000", false)]
    [InlineData("a_c", "abc", true)]
    [InlineData("a_c", "abbc", false)]
    [InlineData(@"a\_c", "abc", false)]
    [InlineData(@"a\_c", "a_c", true)]
    [InlineData(@"100\%", "100%", true)]
    [InlineData("x.y(z)*", "x.y(z)*", true)]
    [InlineData("x.y", "xzy", false)]
    public void To_regex_matches_as_sql_like(string pattern, string key, bool matches) =>
        Assert.Equal(matches, LikePattern.ToRegex(pattern).IsMatch(key));

    [Theory]
    [InlineData("app||wf||%||metadata", "app||wf||*||metadata")]
    [InlineData("a_c", "a?c")]
    [InlineData(@"a\_c\%", @"a\_c\%")]
    [InlineData("glob*?[chars", @"glob\*\?\[chars")]
    public void To_redis_glob_translates_wildcards_and_escapes_glob_characters(string pattern, string glob) =>
        Assert.Equal(glob, LikePattern.ToRedisGlob(pattern));
}
