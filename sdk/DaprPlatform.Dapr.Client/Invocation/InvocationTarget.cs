namespace DaprPlatform.Dapr.Client;

internal sealed record InvocationTarget(string AppId, string MethodName);
