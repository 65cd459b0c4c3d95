namespace DaprPlatform.Cli.Tests.Support;

/// <summary>A <see cref="CliEnvironment"/> for running commands in-process, with captured output.</summary>
internal sealed class InProcessCli
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();

    public InProcessCli(string currentDirectory, IReadOnlyDictionary<string, string>? variables = null)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOME"] = Path.Combine(currentDirectory, "home"),
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
        };
        foreach (var (name, value) in variables ?? new Dictionary<string, string>())
        {
            all[name] = value;
        }

        Environment = new CliEnvironment(_out, _error, all, currentDirectory);
    }

    public CliEnvironment Environment { get; }

    public string Out => _out.ToString();

    public string Error => _error.ToString();

    public Task<int> RunAsync(params string[] args) => CliApplication.RunAsync(args, Environment);
}
