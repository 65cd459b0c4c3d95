namespace DaprPlatform.Cli.Output;

/// <summary>
/// Status lines in the Dapr CLI's style (pkg/print: "ℹ️  ", "✅  ", "⚠  ", "❌  ") and the streamed output of the
/// processes, written whole-line so that lines of concurrent processes never interleave.
/// </summary>
internal sealed class Reporter(TextWriter output, TextWriter error)
{
    private readonly Lock _gate = new();

    public void Info(string message) => Write(output, "ℹ️  " + message);

    public void Success(string message) => Write(output, "✅  " + message);

    public void Warning(string message) => Write(output, "⚠  " + message);

    public void Failure(string message) => Write(error, "❌  " + message);

    /// <summary>A line of a child's output, already prefixed.</summary>
    public void Line(string line) => Write(output, line);

    private void Write(TextWriter writer, string text)
    {
        lock (_gate)
        {
            writer.WriteLine(text);
            writer.Flush();
        }
    }
}
