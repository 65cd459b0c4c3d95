using System.Collections.Concurrent;
using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime.Metrics;

namespace DaprPlatform.Sidecar.Runtime.Resiliency;

/// <summary>
/// The policies of every loaded Resiliency resource, merged as daprd merges them (a later resource's policy of the
/// same name wins), looked up per target: targets.apps for service invocation, targets.components for state,
/// pub/sub and secrets, falling back to the Default*Policy names when a target is not listed. Circuit breakers are
/// kept per app endpoint ("app:method") and per component, so their state outlives a single call.
/// </summary>
public sealed partial class ResiliencyProvider : IResiliencyProvider
{
    private const int EndpointBreakersPerApp = 100;
    private const int MaxCachedApps = 1000;

    private readonly Dictionary<string, TimeSpan> _timeouts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RetryPolicy> _retries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CircuitBreakerTemplate> _breakers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (TargetPolicyNames Names, string Resource)> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ComponentTargetPolicies Policies, string Resource)> _components = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _componentTypes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IResiliencyPolicy> _appPolicies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, IResiliencyPolicy>> _endpointPolicies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, bool), IResiliencyPolicy> _componentPolicies = new();
    private readonly ConcurrentDictionary<string, CircuitBreaker> _componentBreakers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IResiliencyPolicy> _builtIn = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly SidecarMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly string _defaultResourceName;
    private readonly TargetPolicyNames _appDefaults;

    /// <exception cref="ResourceException">A policy is malformed (bad status code pattern, bad trip expression).</exception>
    public ResiliencyProvider(LoadedResources resources, TimeProvider time, SidecarMetrics? metrics, ILogger<ResiliencyProvider> logger)
    {
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _defaultResourceName = resources.Resiliencies.Count > 0 ? resources.Resiliencies[0].Name : "";
        foreach (var component in resources.Components)
        {
            _componentTypes[component.Name] = ComponentType(component.Category);
        }

        foreach (var resource in resources.Resiliencies)
        {
            Load(resource);
            metrics?.RecordResiliencyLoaded(resource.Name);
        }

        _appDefaults = Defaults("App");
    }

    public IResiliencyPolicy App(string appId) => App(appId, "");

    // Looked up on every call: the cached policy is returned before anything that allocates (the lambdas below
    // capture state, so they live in the methods that build).
    public IResiliencyPolicy App(string appId, string method) =>
        _appPolicies.TryGetValue(appId, out var policy) ? policy : AppPolicy(appId, method);

    private IResiliencyPolicy AppPolicy(string appId, string method)
    {
        var (names, resource) = _apps.TryGetValue(appId, out var target) ? target : (_appDefaults, _defaultResourceName);
        if (names is { Timeout: null, Retry: null, CircuitBreaker: null })
        {
            // Nothing applies: no need to remember app ids, which callers choose freely.
            return NoResiliency.Instance;
        }

        var template = names.CircuitBreaker is { } cb ? _breakers.GetValueOrDefault(cb) : null;
        if (template is not null && _endpointPolicies.TryGetValue(appId, out var cached) && cached.TryGetValue(method, out var endpointPolicy))
        {
            return endpointPolicy;
        }

        return BuildAppPolicy(appId, method, names, resource, template);
    }

    private IResiliencyPolicy BuildAppPolicy(string appId, string method, TargetPolicyNames names, string resource, CircuitBreakerTemplate? template)
    {
        if (template is null)
        {
            // Without a breaker the policy is the same for every method: build it once per app.
            TrimWhenFull(_appPolicies, MaxCachedApps);
            return _appPolicies.GetOrAdd(appId, id => Build(names, null, Target(resource, "outbound", "app_" + id)));
        }

        TrimWhenFull(_endpointPolicies, MaxCachedApps);
        var endpoints = _endpointPolicies.GetOrAdd(appId, static _ => new ConcurrentDictionary<string, IResiliencyPolicy>(StringComparer.Ordinal));
        // daprd keeps an LRU of endpoint breakers per app; dropping an arbitrary one bounds memory the same way.
        TrimWhenFull(endpoints, EndpointBreakersPerApp);
        var metricTarget = Target(resource, "outbound", "app_" + appId);
        return endpoints.GetOrAdd(method, m => Build(names, NewBreaker($"{appId}:{m}", template, metricTarget), metricTarget));
    }

    public bool HasAppTarget(string appId) => _apps.ContainsKey(appId);

    public IResiliencyPolicy ComponentOutbound(string componentName) => Component(componentName, inbound: false);

    public IResiliencyPolicy ComponentInbound(string componentName) => Component(componentName, inbound: true);

    public IResiliencyPolicy BuiltIn(string name) =>
        _builtIn.TryGetValue(name, out var policy) ? policy : BuildBuiltIn(name);

    private IResiliencyPolicy BuildBuiltIn(string name) =>
        _builtIn.GetOrAdd(name, n =>
        {
            var retry = !BuiltInRetries.IsProtected(n) && _retries.TryGetValue(n, out var overridden)
                ? overridden
                : BuiltInRetries.Defaults.GetValueOrDefault(n);
            return retry is null ? NoResiliency.Instance : new ResiliencyPolicy(null, retry, null, _time);
        });

    private IResiliencyPolicy Component(string name, bool inbound) =>
        _componentPolicies.TryGetValue((name, inbound), out var policy) ? policy : BuildComponent(name, inbound);

    private IResiliencyPolicy BuildComponent(string name, bool inbound) =>
        _componentPolicies.GetOrAdd((name, inbound), key =>
        {
            var (component, isInbound) = key;
            var type = _componentTypes.GetValueOrDefault(component, "Component");
            TargetPolicyNames names;
            string resource;
            if (_components.TryGetValue(component, out var target))
            {
                // A listed component without a policy for this direction has none: daprd does not fall back to defaults.
                names = (isInbound ? target.Policies.Inbound : target.Policies.Outbound) ?? new TargetPolicyNames(null, null, null);
                resource = target.Resource;
            }
            else
            {
                var direction = isInbound ? "Inbound" : "Outbound";
                names = Defaults(type + "Component" + direction, "Component" + direction, "Component");
                resource = _defaultResourceName;
            }

            var metricTarget = Target(resource, isInbound ? "inbound" : "outbound", type + "_" + component);
            var template = names.CircuitBreaker is { } cb ? _breakers.GetValueOrDefault(cb) : null;
            // One breaker per component whatever the direction, as daprd's componentCBs cache is keyed by name.
            var breaker = template is null ? null : _componentBreakers.GetOrAdd(component, c => NewBreaker(c, template, metricTarget));
            return Build(names, breaker, metricTarget);
        });

    private IResiliencyPolicy Build(TargetPolicyNames names, CircuitBreaker? breaker, ResiliencyMetricTarget metricTarget)
    {
        var timeout = ResolveTimeout(names.Timeout);
        var retry = names.Retry is { } r ? _retries.GetValueOrDefault(r) : null;
        return timeout is null && retry is null && breaker is null
            ? NoResiliency.Instance
            : new ResiliencyPolicy(timeout, retry, breaker, _time, _metrics, metricTarget);
    }

    private CircuitBreaker NewBreaker(string name, CircuitBreakerTemplate template, ResiliencyMetricTarget metricTarget)
    {
        _metrics?.RecordCircuitBreakerState(metricTarget, CircuitBreakerState.Closed);
        return new CircuitBreaker(name, template, _time, (breaker, state) =>
        {
            LogBreakerState(_logger, breaker.Name, SidecarMetrics.BreakerStateText(state));
            _metrics?.RecordResiliencyActivated(metricTarget, "circuitbreaker", SidecarMetrics.BreakerStateText(state));
            _metrics?.RecordCircuitBreakerState(metricTarget, state);
        });
    }

    private TimeSpan? ResolveTimeout(string? name)
    {
        if (name is null)
        {
            return null;
        }

        if (_timeouts.TryGetValue(name, out var timeout))
        {
            return timeout;
        }

        return GoDuration.TryParse(name, out timeout) ? timeout : null;
    }

    // The first of Default{level}{Kind}Policy for the given levels, then Default{Kind}Policy, per kind.
    private TargetPolicyNames Defaults(params string[] levels)
    {
        string? Find<T>(Dictionary<string, T> policies, string kind)
        {
            foreach (var level in levels)
            {
                var name = $"Default{level}{kind}Policy";
                if (policies.ContainsKey(name))
                {
                    return name;
                }
            }

            var top = $"Default{kind}Policy";
            return policies.ContainsKey(top) ? top : null;
        }

        return new TargetPolicyNames(Find(_timeouts, "Timeout"), Find(_retries, "Retry"), Find(_breakers, "CircuitBreaker"));
    }

    private void Load(ResiliencyResource resource)
    {
        foreach (var (name, timeout) in resource.Timeouts)
        {
            _timeouts[name] = timeout;
        }

        foreach (var (name, spec) in resource.Retries)
        {
            if (BuiltInRetries.IsProtected(name))
            {
                LogProtectedOverride(_logger, name);
                continue;
            }

            var retry = RetryPolicy.FromSpec(name, spec, resource.SourceFile);
            if (BuiltInRetries.IsBuiltIn(name) && retry.MaxRetries is >= 0 and < BuiltInRetries.MinimumOverrideRetries)
            {
                retry = RetryPolicy.FromSpec(name, spec with { MaxRetries = BuiltInRetries.MinimumOverrideRetries }, resource.SourceFile);
            }

            _retries[name] = retry;
        }

        foreach (var (name, spec) in resource.CircuitBreakers)
        {
            RouteExpression trip;
            try
            {
                trip = RouteExpression.Parse(spec.Trip);
            }
            catch (FormatException e)
            {
                throw new ResourceException(resource.SourceFile, $"spec.policies.circuitBreakers.{name}.trip", e.Message);
            }

            _breakers[name] = new CircuitBreakerTemplate
            {
                Name = name,
                MaxRequests = spec.MaxRequests,
                Interval = spec.Interval,
                Timeout = spec.Timeout,
                Trip = trip,
            };
        }

        foreach (var (app, names) in resource.Apps)
        {
            _apps[app] = (names, resource.Name);
        }

        foreach (var (component, policies) in resource.Components)
        {
            _components[component] = (policies, resource.Name);
        }
    }

    private static void TrimWhenFull<TValue>(ConcurrentDictionary<string, TValue> cache, int capacity)
    {
        if (cache.Count < capacity)
        {
            return;
        }

        foreach (var key in cache.Keys.Take(cache.Count - capacity + 1))
        {
            cache.TryRemove(key, out _);
        }
    }

    private static ResiliencyMetricTarget Target(string resource, string direction, string target) => new(resource, direction, target);

    // daprd's resiliency ComponentType names, used in Default{Type}Component*Policy and in metric targets.
    private static string ComponentType(string category) => category switch
    {
        "state" => "Statestore",
        "pubsub" => "Pubsub",
        "secretstores" => "Secretstore",
        "bindings" => "Binding",
        "configuration" => "Configuration",
        "lock" => "Lock",
        "crypto" => "Crypto",
        "conversation" => "Conversation",
        _ => "Component",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit breaker {Name} is now {State}")]
    private static partial void LogBreakerState(ILogger logger, string name, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attempted to override protected policy {Name}, which is not allowed; using the default")]
    private static partial void LogProtectedOverride(ILogger logger, string name);
}
