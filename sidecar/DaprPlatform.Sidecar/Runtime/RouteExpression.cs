using System.Globalization;
using System.Text.Json;

namespace DaprPlatform.Sidecar.Runtime;

/// <summary>
/// The subset of CEL that Dapr route rules and circuit-breaker trips use in practice: dotted field paths
/// (<c>event.type</c>, <c>event.data.kind</c>), string/number/bool literals, <c>== != &lt; &lt;= &gt; &gt;=</c>,
/// <c>&amp;&amp; || !</c> and parentheses. Parsed once when the resource is loaded; evaluated per message.
/// </summary>
public sealed class RouteExpression
{
    private readonly Node _root;

    private RouteExpression(Node root, string text)
    {
        _root = root;
        Text = text;
    }

    public string Text { get; }

    /// <exception cref="FormatException">The expression is not in the supported subset.</exception>
    public static RouteExpression Parse(string text)
    {
        var parser = new Parser(text);
        var node = parser.ParseOr();
        parser.ExpectEnd();
        return new RouteExpression(node, text);
    }

    /// <summary>Evaluates against a resolver of dotted paths; a missing field compares unequal to everything.</summary>
    public bool Evaluate(Func<string, object?> resolve) => Truthy(_root.Eval(resolve));

    /// <summary>Evaluates a route rule against a CloudEvent, whose fields are visible as <c>event.*</c>.</summary>
    public bool Matches(JsonElement cloudEvent) => Evaluate(path => ResolveEventPath(cloudEvent, path));

    private static object? ResolveEventPath(JsonElement cloudEvent, string path)
    {
        var parts = path.Split('.');
        if (parts[0] != "event")
        {
            return null;
        }

        var current = cloudEvent;
        for (var i = 1; i < parts.Length; i++)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(parts[i], out current))
            {
                return null;
            }
        }

        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString(),
            JsonValueKind.Number => current.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => current.GetRawText(),
        };
    }

    private static bool Truthy(object? value) => value is true;

    private abstract record Node
    {
        public abstract object? Eval(Func<string, object?> resolve);
    }

    private sealed record Literal(object? Value) : Node
    {
        public override object? Eval(Func<string, object?> resolve) => Value;
    }

    private sealed record Field(string Path) : Node
    {
        public override object? Eval(Func<string, object?> resolve) => resolve(Path);
    }

    private sealed record Not(Node Operand) : Node
    {
        public override object? Eval(Func<string, object?> resolve) => !Truthy(Operand.Eval(resolve));
    }

    private sealed record Binary(string Op, Node Left, Node Right) : Node
    {
        public override object? Eval(Func<string, object?> resolve)
        {
            switch (Op)
            {
                case "&&":
                    return Truthy(Left.Eval(resolve)) && Truthy(Right.Eval(resolve));
                case "||":
                    return Truthy(Left.Eval(resolve)) || Truthy(Right.Eval(resolve));
            }

            var l = Left.Eval(resolve);
            var r = Right.Eval(resolve);
            if (Op is "==" or "!=")
            {
                var equal = l is double ld && r is double rd ? ld.Equals(rd) : Equals(l, r);
                return Op == "==" ? equal && l is not null : !equal || l is null;
            }

            if (l is not double a || r is not double b)
            {
                if (l is string ls && r is string rs)
                {
                    var c = string.CompareOrdinal(ls, rs);
                    return Op switch { "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 };
                }

                return false;
            }

            return Op switch { "<" => a < b, "<=" => a <= b, ">" => a > b, _ => a >= b };
        }
    }

    private ref struct Parser(string text)
    {
        private readonly string _text = text;
        private int _pos;

        public Node ParseOr()
        {
            var left = ParseAnd();
            while (TryConsume("||"))
            {
                left = new Binary("||", left, ParseAnd());
            }

            return left;
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_pos < _text.Length)
            {
                throw Error($"unexpected '{_text[_pos..]}'");
            }
        }

        private Node ParseAnd()
        {
            var left = ParseComparison();
            while (TryConsume("&&"))
            {
                left = new Binary("&&", left, ParseComparison());
            }

            return left;
        }

        private Node ParseComparison()
        {
            var left = ParseUnary();
            foreach (var op in (ReadOnlySpan<string>)["==", "!=", "<=", ">=", "<", ">"])
            {
                if (TryConsume(op))
                {
                    return new Binary(op, left, ParseUnary());
                }
            }

            return left;
        }

        private Node ParseUnary()
        {
            if (TryConsume("!"))
            {
                return new Not(ParseUnary());
            }

            if (TryConsume("("))
            {
                var inner = ParseOr();
                if (!TryConsume(")"))
                {
                    throw Error("missing ')'");
                }

                return inner;
            }

            return ParsePrimary();
        }

        private Node ParsePrimary()
        {
            SkipSpace();
            if (_pos >= _text.Length)
            {
                throw Error("unexpected end of expression");
            }

            var c = _text[_pos];
            if (c is '"' or '\'')
            {
                var end = _text.IndexOf(c, _pos + 1);
                if (end < 0)
                {
                    throw Error("unterminated string");
                }

                var value = _text[(_pos + 1)..end];
                _pos = end + 1;
                return new Literal(value);
            }

            var start = _pos;
            if (char.IsAsciiDigit(c) || c == '-')
            {
                _pos++;
                while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] == '.'))
                {
                    _pos++;
                }

                return double.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? new Literal(number)
                    : throw Error($"bad number '{_text[start.._pos]}'");
            }

            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] is '.' or '_'))
            {
                _pos++;
            }

            if (start == _pos)
            {
                throw Error($"unexpected '{c}'");
            }

            var word = _text[start.._pos];
            return word switch
            {
                "true" => new Literal(true),
                "false" => new Literal(false),
                "null" => new Literal(null),
                _ => new Field(word),
            };
        }

        private bool TryConsume(string token)
        {
            SkipSpace();
            if (string.CompareOrdinal(_text, _pos, token, 0, token.Length) != 0)
            {
                return false;
            }

            // "<" must not swallow the first half of "<=", nor "!" the start of "!=".
            if (token is "<" or ">" or "!" && _pos + 1 < _text.Length && _text[_pos + 1] == '=')
            {
                return false;
            }

            _pos += token.Length;
            return true;
        }

        private void SkipSpace()
        {
            while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
            {
                _pos++;
            }
        }

        private readonly FormatException Error(string problem) =>
            new($"invalid expression '{_text}': {problem} at position {_pos}");
    }
}
