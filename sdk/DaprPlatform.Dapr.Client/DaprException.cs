namespace DaprPlatform.Dapr.Client;

/// <summary>Base type of every failure reported by the Dapr client.</summary>
public class DaprException : Exception
{
    public DaprException(string message)
        : base(message)
    {
    }

    public DaprException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
