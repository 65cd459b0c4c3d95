using System.Globalization;

namespace DaprPlatform.Cli.Arguments;

/// <summary>
/// Parses flags the way the Dapr CLI (cobra/pflag) does: <c>--name value</c>, <c>--name=value</c>, <c>-n value</c>,
/// <c>-n=value</c>, booleans without a value (<c>--enable-api-logging</c>) or with <c>=true|false</c>, and
/// <c>--</c> ending the flags.
/// </summary>
internal static class ArgumentParser
{
    /// <param name="commandFollows">
    /// True for <c>run</c>: the first argument that is not a flag starts the app command, and everything after it
    /// (flags included) belongs to that command. Otherwise a positional argument is an error.
    /// </param>
    public static ParsedArguments Parse(IReadOnlyList<string> args, IReadOnlyList<FlagSpec> flags, bool commandFollows)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var positionals = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positionals.AddRange(args.Skip(i + 1));
                break;
            }

            if (!arg.StartsWith('-') || arg == "-")
            {
                if (!commandFollows)
                {
                    throw new CliUsageException($"unexpected argument \"{arg}\"");
                }

                positionals.AddRange(args.Skip(i));
                break;
            }

            var (spec, inlineValue) = Find(arg, flags);
            string value;
            if (spec.Kind == FlagKind.Bool)
            {
                value = inlineValue ?? "true";
                if (!bool.TryParse(value, out var parsed))
                {
                    throw new CliUsageException($"invalid argument \"{value}\" for \"{spec.Display.Trim()}\" flag: must be true or false");
                }

                value = parsed ? "true" : "false";
            }
            else if (inlineValue is not null)
            {
                value = inlineValue;
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new CliUsageException($"flag needs an argument: --{spec.Name}");
            }

            if (spec.Kind == FlagKind.Int && !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                throw new CliUsageException($"invalid argument \"{value}\" for \"{spec.Display.Trim()}\" flag: not a number");
            }

            if (!values.TryGetValue(spec.Name, out var list))
            {
                values[spec.Name] = list = [];
            }

            list.Add(value);
        }

        return new ParsedArguments(values, positionals, flags);
    }

    private static (FlagSpec Spec, string? InlineValue) Find(string arg, IReadOnlyList<FlagSpec> flags)
    {
        var isLong = arg.StartsWith("--", StringComparison.Ordinal);
        var body = isLong ? arg[2..] : arg[1..];
        string? inlineValue = null;
        var eq = body.IndexOf('=');
        if (eq >= 0)
        {
            inlineValue = body[(eq + 1)..];
            body = body[..eq];
        }

        FlagSpec? spec = isLong
            ? flags.FirstOrDefault(f => f.Name == body)
            : body.Length == 1 ? flags.FirstOrDefault(f => f.Short == body[0]) : null;
        return spec is null
            ? throw new CliUsageException(isLong ? $"unknown flag: --{body}" : $"unknown shorthand flag: '{body}' in {arg}")
            : (spec, inlineValue);
    }
}
