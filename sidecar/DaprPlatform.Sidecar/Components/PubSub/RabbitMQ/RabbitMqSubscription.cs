using System.Collections.Concurrent;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace DaprPlatform.Sidecar.Components.PubSub.RabbitMQ;

/// <summary>
/// One consumer of a subscription's queue on a channel of its own (components-contrib subscribeForever): declares the
/// topology, consumes, and after the channel or connection is lost waits <c>reconnectWaitSeconds</c> and starts over.
/// A delivery is acknowledged only after the handler returned and nacked (requeue = requeueInFailure) when it threw;
/// while stopping, neither, so the broker redelivers what was in flight.
/// </summary>
internal sealed partial class RabbitMqSubscription(RabbitMqPubSub owner, string topic, RabbitMqQueueTopology topology, PubSubHandler handler)
    : IAsyncDisposable
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);
    private const int MaxConsumerTagLength = 255;

    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly SemaphoreSlim _settleGate = new(1, 1);
    private Task _run = Task.CompletedTask;
    private Consumer? _consumer;
    private int _disposed;

    private RabbitMqMetadata Metadata => owner.Metadata;

    /// <summary>The first subscribe; failures surface to the caller, later ones are retried in the background.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        _consumer = await ConsumeAsync(ct);
        _run = Task.Run(RunAsync);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        owner.Forget(this);
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_inFlight.Keys).WaitAsync(DrainTimeout);
        }
        catch (TimeoutException)
        {
            // Handlers that are still running will not settle their messages; the broker redelivers them.
        }

        await _run;
        if (_consumer is { } consumer)
        {
            await consumer.CloseAsync();
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var consumer = _consumer!;
            try
            {
                await consumer.Lost.WaitAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await consumer.CloseAsync();
            while (!_stop.IsCancellationRequested && !owner.IsClosed)
            {
                LogReconnecting(owner.Logger, topology.QueueName, Metadata.ReconnectWait.TotalSeconds);
                try
                {
                    await Task.Delay(Metadata.ReconnectWait, _stop.Token);
                    _consumer = await ConsumeAsync(_stop.Token);
                    LogResubscribed(owner.Logger, topology.QueueName);
                    break;
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    LogSubscribeError(owner.Logger, topology.QueueName, e.Message);
                }
            }
        }
    }

    private async Task<Consumer> ConsumeAsync(CancellationToken ct)
    {
        var connection = await owner.GetConnectionAsync(ct);
        var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            await topology.DeclareAsync(owner, channel, ct);
            var consumer = new Consumer(this, channel);
            // A unique tag per attempt: reusing one after a reconnect is a connection-level error.
            var tag = $"{topology.QueueName}-{Guid.NewGuid()}";
            if (tag.Length > MaxConsumerTagLength)
            {
                tag = tag[^MaxConsumerTagLength..];
            }

            consumer.Tag = await channel.BasicConsumeAsync(
                topology.QueueName, Metadata.AutoAck, tag, noLocal: false, exclusive: false, arguments: null, consumer.Events, ct);
            LogSubscribed(owner.Logger, topic, topology.QueueName);
            return consumer;
        }
        catch
        {
            // Something declared on this connection may have vanished (auto-delete); declare it again next time.
            owner.ForgetExchange(topology.Exchange);
            if (topology.DeadLetterExchange is { } dlx)
            {
                owner.ForgetExchange(dlx);
            }

            await RabbitMqPubSub.DiscardAsync(channel);
            throw;
        }
    }

    private Task OnReceivedAsync(IChannel channel, BasicDeliverEventArgs delivery)
    {
        if (_stop.IsCancellationRequested)
        {
            // Stopping: leave it unsettled; closing the channel returns it to the queue.
            return Task.CompletedTask;
        }

        // The body buffer is only valid during this callback.
        var message = new PubSubMessage(topic, delivery.Body.ToArray(), null, MessageMetadata(delivery));
        if (Metadata.Concurrency == RabbitMqConcurrency.Single)
        {
            return HandleAsync(channel, delivery.DeliveryTag, message);
        }

        var task = Task.Run(() => HandleAsync(channel, delivery.DeliveryTag, message));
        _inFlight[task] = 0;
        _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
        return Task.CompletedTask;
    }

    private async Task HandleAsync(IChannel channel, ulong deliveryTag, PubSubMessage message)
    {
        bool succeeded;
        try
        {
            await handler(message, _stop.Token);
            succeeded = true;
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            LogLeftUnsettled(owner.Logger, topic);
            return;
        }
        catch (Exception e)
        {
            LogHandlerError(owner.Logger, topic, e.Message);
            succeeded = false;
        }

        if (Metadata.AutoAck)
        {
            return;
        }

        await _settleGate.WaitAsync();
        try
        {
            if (!channel.IsOpen)
            {
                // The delivery tag died with its channel; the broker redelivers the message.
                return;
            }

            if (succeeded)
            {
                await channel.BasicAckAsync(deliveryTag, multiple: false);
            }
            else
            {
                await channel.BasicNackAsync(deliveryTag, multiple: false, requeue: Metadata.RequeueInFailure);
            }
        }
        catch (Exception e) when (e is global::RabbitMQ.Client.Exceptions.OperationInterruptedException or ObjectDisposedException or IOException)
        {
            LogSettleFailed(owner.Logger, topic, e.Message);
        }
        finally
        {
            _settleGate.Release();
        }
    }

    // publishMessagePropertiesToMetadata: the AMQP properties and headers as "metadata.*" entries.
    private Dictionary<string, string> MessageMetadata(BasicDeliverEventArgs delivery)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Metadata.PublishMessagePropertiesToMetadata)
        {
            return metadata;
        }

        var properties = delivery.BasicProperties;
        AddIfSet(metadata, "metadata.messageid", properties.MessageId);
        AddIfSet(metadata, "metadata.correlationid", properties.CorrelationId);
        AddIfSet(metadata, "metadata.type", properties.Type);
        AddIfSet(metadata, "metadata.contenttype", properties.ContentType);
        if (properties.Headers is { } headers)
        {
            foreach (var (key, value) in headers)
            {
                var text = value switch
                {
                    null => null,
                    byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
                    _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                };
                if (text is not null)
                {
                    metadata["metadata." + key] = text;
                }
            }
        }

        return metadata;
    }

    private static void AddIfSet(Dictionary<string, string> metadata, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            metadata[key] = value;
        }
    }

    /// <summary>
    /// A channel with its consumer; <see cref="Lost"/> completes when the broker or the network closes the channel, or
    /// the broker cancels the consumer.
    /// </summary>
    private sealed class Consumer
    {
        private readonly IChannel _channel;
        private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _closing;

        public Consumer(RabbitMqSubscription owner, IChannel channel)
        {
            _channel = channel;
            Events = new AsyncEventingBasicConsumer(channel);
            Events.ReceivedAsync += (_, delivery) => owner.OnReceivedAsync(channel, delivery);
            channel.ChannelShutdownAsync += (_, _) => MarkLost();
            // The broker cancels the consumer when its queue is deleted; consume again as after a lost channel.
            Events.UnregisteredAsync += (_, _) => MarkLost();
            if (channel.IsClosed)
            {
                _lost.TrySetResult();
            }
        }

        public AsyncEventingBasicConsumer Events { get; }

        public string Tag { get; set; } = "";

        public Task Lost => _lost.Task;

        private Task MarkLost()
        {
            if (!_closing)
            {
                _lost.TrySetResult();
            }

            return Task.CompletedTask;
        }

        public async Task CloseAsync()
        {
            _closing = true;
            if (_channel.IsOpen && Tag.Length > 0)
            {
                try
                {
                    await _channel.BasicCancelAsync(Tag, noWait: true);
                }
                catch (Exception e) when (e is global::RabbitMQ.Client.Exceptions.OperationInterruptedException or IOException or ObjectDisposedException)
                {
                    // The channel went away meanwhile.
                }
            }

            await RabbitMqPubSub.DiscardAsync(_channel);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "rabbitmq pub/sub: subscribed to topic/queue '{Topic}/{Queue}'")]
    private static partial void LogSubscribed(ILogger logger, string topic, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rabbitmq pub/sub: subscriber for {Queue} is reconnecting in {Seconds:0.#}s ...")]
    private static partial void LogReconnecting(ILogger logger, string queue, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "rabbitmq pub/sub: subscriber for {Queue} resumed")]
    private static partial void LogResubscribed(ILogger logger, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "rabbitmq pub/sub: error in subscriber for {Queue}: {Error}")]
    private static partial void LogSubscribeError(ILogger logger, string queue, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "rabbitmq pub/sub error: handling message from topic '{Topic}', {Error}")]
    private static partial void LogHandlerError(ILogger logger, string topic, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "rabbitmq pub/sub: context done while handling message from topic '{Topic}'; skipping ack/nack to allow redelivery")]
    private static partial void LogLeftUnsettled(ILogger logger, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rabbitmq pub/sub: could not ack/nack a message from topic '{Topic}': {Error}")]
    private static partial void LogSettleFailed(ILogger logger, string topic, string error);
}
