using System.Globalization;
using DaprPlatform.Benchmarks.Forwarder;

if (args is ["--port", var port, "--to", var target])
{
    return await MinimalForwarder.RunAsync(int.Parse(port, CultureInfo.InvariantCulture), new Uri(target));
}

Console.Error.WriteLine("usage: forwarder --port N --to URL");
return 2;
