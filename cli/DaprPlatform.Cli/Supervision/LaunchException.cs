namespace DaprPlatform.Cli.Supervision;

/// <summary>An app or its sidecar could not be started; the message is shown as the Dapr CLI shows start failures.</summary>
internal sealed class LaunchException(string message) : Exception(message);
