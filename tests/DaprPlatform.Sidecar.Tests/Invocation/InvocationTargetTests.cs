using System.Text;
using DaprPlatform.Sidecar.Runtime.Invocation;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Invocation;

/// <summary>How the app id and method are found in a request, and how methods are cleaned, as daprd does it.</summary>
public sealed class InvocationTargetTests
{
    private static InvocationTarget? Find(string path, params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }

        return InvocationTarget.Find(path, dictionary);
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Theory]
    [InlineData("/v1.0/invoke/orders/method/new", "orders", "new")]
    [InlineData("/v1.0/invoke/orders/method/api/v1/add", "orders", "api/v1/add")]
    [InlineData("//v1.0//invoke/orders/method/a/../b/./c//d/", "orders", "b/c/d")]
    [InlineData("/v1.0/invoke/orders.prod/method/x", "orders.prod", "x")]
    [InlineData("/v1.0/invoke/orders/method/", "orders", "")]
    [InlineData("/v1.0/invoke/orders/method/method/inner", "orders", "method/inner")]
    public void Url_form_gives_app_id_and_cleaned_method(string path, string appId, string method)
    {
        Assert.Equal(new InvocationTarget(appId, method, ByUrl: true), Find(path));
    }

    [Theory]
    [InlineData("/v1.0/invoke/orders/method")]
    [InlineData("/v1.0/invoke/orders")]
    [InlineData("/v1.0/state/store/key")]
    [InlineData("/v1.0-alpha1/invoke/orders/method/x")]
    [InlineData("/")]
    public void No_app_id_is_null(string path)
    {
        Assert.Null(Find(path));
    }

    [Fact]
    public void Header_takes_the_whole_path_and_is_removed()
    {
        var headers = new HeaderDictionary { ["dapr-app-id"] = "checkout", ["x-other"] = "kept" };

        var target = InvocationTarget.Find("/v1.0/invoke/orders/method/x", headers);

        Assert.Equal(new InvocationTarget("checkout", "v1.0/invoke/orders/method/x"), target);
        Assert.False(headers.ContainsKey("dapr-app-id"));
        Assert.True(headers.ContainsKey("x-other"));
    }

    [Fact]
    public void Header_wins_over_basic_auth()
    {
        Assert.Equal("fromheader", Find("/a", ("dapr-app-id", "fromheader"), ("Authorization", Basic("dapr-app-id", "frombasic")))?.AppId);
    }

    [Theory]
    [InlineData("dapr-app-id")]
    [InlineData("Dapr-App-Id")]
    public void Basic_auth_user_dapr_app_id_names_the_app(string user)
    {
        Assert.Equal(new InvocationTarget("cart", "items/3"), Find("/items//3/", ("Authorization", Basic(user, "cart"))));
    }

    [Theory]
    [InlineData("someone:cart")]
    [InlineData("dapr-app-id:cart:extra")]
    [InlineData("not-base64!")]
    public void Other_basic_auth_is_not_an_app_id(string credentials)
    {
        var value = credentials == "not-base64!" ? "Basic not-base64!" : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));
        Assert.Null(Find("/items", ("Authorization", value)));
    }

    [Theory]
    [InlineData("", ".")]
    [InlineData("/", "/")]
    [InlineData("a/b/../c", "a/c")]
    [InlineData("/../a", "/a")]
    [InlineData("../../a", "../../a")]
    [InlineData("a//b/./c/", "a/b/c")]
    [InlineData("a/..", ".")]
    public void Clean_behaves_like_go_path_clean(string path, string cleaned)
    {
        Assert.Equal(cleaned, MethodPath.Clean(path));
    }

    [Theory]
    [InlineData("a/b", "a/b")]
    [InlineData("../../etc/passwd", "etc/passwd")]
    [InlineData("..", "")]
    [InlineData("a/../..", "")]
    public void Normalize_never_escapes_the_app_root(string method, string normalized)
    {
        Assert.True(MethodPath.TryNormalize(method, out var result, out _));
        Assert.Equal(normalized, result);
    }

    [Theory]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\0b")]
    [InlineData("a\tb")]
    [InlineData("a\u007fb")]
    public void Normalize_refuses_forbidden_characters(string method)
    {
        Assert.False(MethodPath.TryNormalize(method, out _, out var problem));
        Assert.Contains("method contains", problem);
    }

    [Theory]
    [InlineData("plain/path-1_2.3~", "plain/path-1_2.3~")]
    [InlineData("a b", "a%20b")]
    [InlineData("100%", "100%25")]
    [InlineData("été", "%C3%A9t%C3%A9")]
    [InlineData("k=v;x:y@z!$&'()*+,", "k=v;x:y@z!$&'()*+,")]
    [InlineData("q?x#y", "q%3Fx%23y")]
    public void Escape_keeps_path_characters_and_encodes_the_rest(string path, string escaped)
    {
        Assert.Equal(escaped, MethodPath.Escape(path));
        Assert.Equal(path, InvocationTarget.PercentDecode(escaped));
    }

    [Theory]
    [InlineData("%zz", "%zz")]
    [InlineData("50%", "50%")]
    [InlineData("a%2Fb", "a/b")]
    public void Percent_decode_keeps_what_is_not_an_escape(string text, string decoded)
    {
        Assert.Equal(decoded, InvocationTarget.PercentDecode(text));
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("patch", true)]
    [InlineData("TRACE", true)]
    [InlineData("CONNECT", false)]
    [InlineData("PROPFIND", false)]
    public void Verbs_are_daprs_http_extension_verbs_without_connect(string verb, bool supported)
    {
        Assert.Equal(supported, InvocationVerbs.IsSupported(verb));
    }
}
