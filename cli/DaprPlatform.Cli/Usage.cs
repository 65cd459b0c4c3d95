using System.Text;
using DaprPlatform.Cli.Arguments;
using DaprPlatform.Cli.Commands;

namespace DaprPlatform.Cli;

/// <summary>The help texts, in the shape of the Dapr CLI's.</summary>
internal static class Usage
{
    public static string Root => """
        dapr-dev: the Dapr CLI's run/stop/list for DaprPlatform, with its own daprd-compatible sidecar.
        No Docker, no `dapr init`: ./dapr-dev builds the sidecar and this CLI once (into .artifacts/);
        `./dapr-dev build` does only that and prints where daprd is.

        Usage:
          dapr-dev [command]

        Available Commands:
          run         Run Dapr and (optionally) your application side by side; -f runs a multi-app run file
          stop        Stop apps started with run (--app-id) or run -f (--run-file)
          list        List the running sidecars (from the sidecars' registry in $DAPR_DEV_HOME)
          up          Run the platform (dapr.yaml) on local Redis, RabbitMQ and PostgreSQL processes with
                      generated dev secrets; --embedded for in-memory components and no servers
          demo        Walk through the running platform: register, log in, order, approval, declined payment

        Flags:
          -h, --help  Help for dapr-dev

        Environment:
          DAPR_DEV_HOME     run state and the app registry (default ~/.dapr-dev)
          DAPR_DEV_DAPRD    the daprd to run (./dapr-dev sets it to .artifacts/daprd/daprd; a daprd.dll runs on dotnet)
          DAPR_DEV_DATA_DIR   where up keeps the generated secrets (default .dapr-dev)
          DAPR_DEV_INFRA_DIR  where up keeps the servers' data (default .dapr-dev/infra)
          DAPR_API_TOKEN, APP_API_TOKEN and every other variable reach both the sidecars and the apps

        Use "dapr-dev [command] --help" for more information about a command.

        """;

    public static string Run => Command(
        "Run Dapr and (optionally) your application side by side.",
        "dapr-dev run [flags] [-- command args...]\n  dapr-dev run -f <dir|dapr.yaml>",
        RunFlags.All,
        """
        Examples:
          # Run a .NET application listening on port 5000
          dapr-dev run --app-id myapp --app-port 5000 -- dotnet run

          # Run sidecar only
          dapr-dev run --app-id myapp

          # Run multiple apps from a run file (a directory means its dapr.yaml)
          dapr-dev run -f .

        Behaviour:
          Unset ports get free ports. Resources come from --resources-path, else ~/.dapr/components when it
          exists, else the repository's components/embedded (in-memory state and pub/sub, file secrets).
          The app starts once the sidecar answers /v1.0/healthz/outbound, with APP_ID, APP_PORT, APP_PROTOCOL,
          DAPR_HTTP_PORT, DAPR_GRPC_PORT, DAPR_METRICS_PORT (and APP_CHANNEL_ADDRESS when not 127.0.0.1).
          App output is prefixed "== APP == " (run -f: "== APP - <id> == ", sidecars "== DAPR - <id> == ").
          Ctrl+C or SIGTERM stops the app (its process group: SIGTERM, SIGKILL after 5 s), then the sidecar.
          When the app exits, the sidecar is stopped and the app's exit code is the CLI's. With -f an app that
          exits is reported and the others keep running; logs go to <appDirPath>/.dapr/logs.

        """);

    public static string Stop => Command(
        "Stop Dapr instances and their associated apps.",
        "dapr-dev stop --app-id <id>\n  dapr-dev stop -f <dir|dapr.yaml>",
        StopCommand.Flags,
        "");

    public static string List => Command(
        "List all Dapr instances (sidecars registered in $DAPR_DEV_HOME/registry).",
        "dapr-dev list [-o table|json]",
        ListCommand.Flags,
        "");

    public static string Up => Command(
        "Run the platform on this machine: local servers, generated development secrets, every app of the run file.",
        "dapr-dev up [-f <dir|dapr.yaml>] [--fresh] [--embedded]",
        UpCommand.Flags,
        """
        By default infra/start.sh starts Redis, RabbitMQ and PostgreSQL under .dapr-dev/infra
        ($DAPR_DEV_INFRA_DIR; PostgreSQL needs every parent directory to be world-executable; data is kept
        between runs, --fresh wipes it) and stops them when up ends. With DAPRPLATFORM_REDIS_HOST,
        DAPRPLATFORM_AMQP_URI and DAPRPLATFORM_PG_CONNECTION all set (as infra.env sets them) up uses those
        servers instead. The sidecars use components/ (state.redis, pubsub.rabbitmq, secretstores.local.file,
        the Resiliency spec) and every process gets the DAPRPLATFORM_* addresses. Unless DAPRPLATFORM_SECRETS_FILE
        is set, up writes .dapr-dev/secrets.json ($DAPR_DEV_DATA_DIR): a connection string per service database,
        the token signing key and the admin account (its password made once, kept until --fresh).
        A line is printed as each app answers /healthz, then the gateway's and the console's URLs.
        With --embedded the sidecars use components/embedded (state.in-memory as actor state store,
        pubsub.in-memory, secretstores.local.file on components/secrets.dev.json) and no server starts.

        """);

    public static string Demo => Command(
        "Walk through the running platform (./dapr-dev up in another terminal), printing each step.",
        "dapr-dev demo [--gateway <url>] [--secrets-file <path>]",
        DemoCommand.Flags,
        """
        Through the gateway only: a new customer registers and logs in, browses the catalog, orders (confirmed),
        orders above the approval threshold (the admin account from the secrets file approves), and pays with
        pm_card_chargeDeclined (the saga releases the stock and cancels). Each saga step is printed as it happens.

        """);

    private static string Command(string description, string usage, IReadOnlyList<FlagSpec> flags, string details)
    {
        var text = new StringBuilder()
            .Append(description).Append("\n\n")
            .Append("Usage:\n  ").Append(usage).Append("\n\n")
            .Append("Flags:\n");
        var width = flags.Max(f => f.Display.Length + (f.Kind is FlagKind.Bool ? 0 : Placeholder(f).Length + 1));
        foreach (var flag in flags)
        {
            var left = flag.Kind is FlagKind.Bool ? flag.Display : $"{flag.Display} {Placeholder(flag)}";
            text.Append("  ").Append(left.PadRight(width + 2)).Append(flag.Help);
            if (flag.DefaultText is { } defaultText)
            {
                text.Append(" (default ").Append(defaultText).Append(')');
            }

            text.Append('\n');
        }

        return text.Append('\n').Append(details).ToString();
    }

    private static string Placeholder(FlagSpec flag) => flag.Kind switch
    {
        FlagKind.Int => "int",
        FlagKind.StringList => "strings",
        _ => "string",
    };
}
