namespace DaprPlatform.Dapr.Client;

public enum StateOperationType
{
    Upsert,
    Delete,
}
