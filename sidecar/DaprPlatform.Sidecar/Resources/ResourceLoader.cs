using System.Globalization;
using DaprPlatform.Sidecar.Hosting;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DaprPlatform.Sidecar.Resources;

/// <summary>
/// Reads Dapr resource YAML (Component, Subscription, Resiliency, Configuration) the way daprd does in self-hosted
/// mode: every .yaml/.yml file in each resources path, several documents per file, resources of other namespaces and
/// apps out of scope skipped. Anything malformed throws a <see cref="ResourceException"/> naming the file and field.
/// </summary>
public static class ResourceLoader
{
    public static LoadedResources Load(SidecarOptions options)
    {
        var components = new List<ComponentResource>();
        var subscriptions = new List<SubscriptionResource>();
        var resiliencies = new List<ResiliencyResource>();

        foreach (var dir in options.ResourcesPaths)
        {
            if (!Directory.Exists(dir))
            {
                throw new ResourceException(dir, "resources-path", "directory does not exist");
            }

            var files = Directory.EnumerateFiles(dir)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                foreach (var (doc, index) in ReadDocuments(file))
                {
                    var where = index == 0 ? file : $"{file}[{index}]";
                    var kind = Scalar(doc, "kind");
                    var meta = Map(doc, "metadata");
                    var ns = meta is null ? null : Scalar(meta, "namespace");
                    if (!string.IsNullOrEmpty(ns) && ns != options.Namespace)
                    {
                        continue;
                    }

                    var scopes = StringList(doc, "scopes", where);
                    if (scopes.Count > 0 && !scopes.Contains(options.AppId))
                    {
                        continue;
                    }

                    switch (kind)
                    {
                        case "Component":
                            components.Add(ParseComponent(doc, where, ns, scopes));
                            break;
                        case "Subscription":
                            subscriptions.Add(ParseSubscription(doc, where, ns, scopes));
                            break;
                        case "Resiliency":
                            resiliencies.Add(ParseResiliency(doc, where, ns, scopes));
                            break;
                        case "Configuration":
                        case "HTTPEndpoint":
                        case "Middleware":
                            // A Configuration is only read from --config; daprd ignores one found among resources.
                            break;
                        case null or "":
                            throw new ResourceException(where, "kind", "is required");
                        default:
                            throw new ResourceException(where, "kind", $"unknown resource kind '{kind}'");
                    }
                }
            }
        }

        var duplicate = components.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ResourceException(duplicate.Last().SourceFile, "metadata.name", $"duplicate component name '{duplicate.Key}' (also in {duplicate.First().SourceFile})");
        }

        var configuration = options.ConfigPath is null ? ConfigurationResource.Default : LoadConfiguration(options.ConfigPath);
        return new LoadedResources(components, subscriptions, resiliencies, configuration);
    }

    public static ConfigurationResource LoadConfiguration(string file)
    {
        if (!File.Exists(file))
        {
            throw new ResourceException(file, "config", "file does not exist");
        }

        var docs = ReadDocuments(file).ToList();
        var (doc, _) = docs.FirstOrDefault(d => Scalar(d.Doc, "kind") == "Configuration");
        if (doc is null)
        {
            throw new ResourceException(file, "kind", "no resource of kind Configuration in the file");
        }

        var name = RequiredName(doc, file);
        var spec = Map(doc, "spec") ?? new YamlMappingNode();
        var tracing = Map(spec, "tracing");
        var sampling = 0.0001;
        if (tracing is not null && Scalar(tracing, "samplingRate") is { } rateText)
        {
            if (!double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out sampling) || sampling is < 0 or > 1)
            {
                throw new ResourceException(file, "spec.tracing.samplingRate", $"'{rateText}' is not a number between 0 and 1");
            }
        }

        var features = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var (feature, i) in Sequence(spec, "features").Select((n, i) => (n, i)))
        {
            if (feature is not YamlMappingNode fm || Scalar(fm, "name") is not { } fname)
            {
                throw new ResourceException(file, $"spec.features[{i}].name", "is required");
            }

            features[fname] = Bool(fm, "enabled", file, $"spec.features[{i}].enabled") ?? false;
        }

        var secretScopes = new List<SecretScope>();
        var secrets = Map(spec, "secrets");
        foreach (var (scope, i) in (secrets is null ? [] : Sequence(secrets, "scopes")).Select((n, i) => (n, i)))
        {
            var field = $"spec.secrets.scopes[{i}]";
            if (scope is not YamlMappingNode sm || Scalar(sm, "storeName") is not { } store)
            {
                throw new ResourceException(file, field + ".storeName", "is required");
            }

            var access = Scalar(sm, "defaultAccess") ?? "allow";
            if (access is not ("allow" or "deny"))
            {
                throw new ResourceException(file, field + ".defaultAccess", $"must be allow or deny, not '{access}'");
            }

            secretScopes.Add(new SecretScope(store, access, StringList(sm, "allowedSecrets", file), StringList(sm, "deniedSecrets", file)));
        }

        var acl = Map(spec, "accessControl");
        var policies = new List<AccessControlPolicy>();
        foreach (var (policy, i) in (acl is null ? [] : Sequence(acl, "policies")).Select((n, i) => (n, i)))
        {
            var field = $"spec.accessControl.policies[{i}]";
            if (policy is not YamlMappingNode pm || Scalar(pm, "appId") is not { } appId)
            {
                throw new ResourceException(file, field + ".appId", "is required");
            }

            var ops = Sequence(pm, "operations").OfType<YamlMappingNode>()
                .Select(o => new AccessControlOperation(Scalar(o, "name") ?? "/*", StringList(o, "httpVerb", file), Scalar(o, "action") ?? "allow"))
                .ToList();
            policies.Add(new AccessControlPolicy(appId, Scalar(pm, "defaultAction") ?? "allow", Scalar(pm, "namespace"), ops));
        }

        var metrics = Map(spec, "metrics");
        return new ConfigurationResource(
            name,
            sampling,
            tracing is not null && (Bool(tracing, "stdout", file, "spec.tracing.stdout") ?? false),
            tracing is null ? null : Map(tracing, "zipkin") is { } z ? Scalar(z, "endpointAddress") : null,
            tracing is null ? null : Map(tracing, "otel") is { } o2 ? Scalar(o2, "endpointAddress") : null,
            metrics is null || (Bool(metrics, "enabled", file, "spec.metrics.enabled") ?? true),
            features,
            secretScopes,
            acl is null ? null : Scalar(acl, "defaultAction"),
            policies,
            Map(spec, "nameResolution") is { } nr ? Scalar(nr, "component") : null,
            file);
    }

    private static ComponentResource ParseComponent(YamlMappingNode doc, string file, string? ns, IReadOnlyList<string> scopes)
    {
        RequireApiVersion(doc, file, "dapr.io/v1alpha1");
        var name = RequiredName(doc, file);
        var spec = Map(doc, "spec") ?? throw new ResourceException(file, "spec", "is required");
        var type = Scalar(spec, "type");
        if (string.IsNullOrWhiteSpace(type) || !type.Contains('.'))
        {
            throw new ResourceException(file, "spec.type", string.IsNullOrWhiteSpace(type) ? "is required" : $"'{type}' is not a component type (expected e.g. state.redis)");
        }

        var version = Scalar(spec, "version");
        if (string.IsNullOrWhiteSpace(version))
        {
            throw new ResourceException(file, "spec.version", "is required");
        }

        var initTimeout = TimeSpan.FromSeconds(5);
        if (Scalar(spec, "initTimeout") is { } it && !GoDuration.TryParse(it, out initTimeout))
        {
            throw new ResourceException(file, "spec.initTimeout", $"'{it}' is not a duration");
        }

        var items = new List<MetadataItem>();
        foreach (var (node, i) in Sequence(spec, "metadata").Select((n, i) => (n, i)))
        {
            var field = $"spec.metadata[{i}]";
            if (node is not YamlMappingNode m)
            {
                throw new ResourceException(file, field, "must be a mapping with name and value");
            }

            var itemName = Scalar(m, "name");
            if (string.IsNullOrWhiteSpace(itemName))
            {
                throw new ResourceException(file, field + ".name", "is required");
            }

            SecretKeyRef? secretRef = null;
            if (Map(m, "secretKeyRef") is { } sk)
            {
                var secretName = Scalar(sk, "name");
                if (string.IsNullOrWhiteSpace(secretName))
                {
                    throw new ResourceException(file, field + ".secretKeyRef.name", "is required");
                }

                secretRef = new SecretKeyRef(secretName, Scalar(sk, "key"));
            }

            var value = m.Children.TryGetValue(new YamlScalarNode("value"), out var v)
                ? v switch
                {
                    YamlScalarNode s => s.Value ?? "",
                    _ => throw new ResourceException(file, field + ".value", "must be a scalar"),
                }
                : null;
            var envRef = Scalar(m, "envRef");
            if (value is null && secretRef is null && envRef is null)
            {
                throw new ResourceException(file, field, $"'{itemName}' needs value, secretKeyRef or envRef");
            }

            items.Add(new MetadataItem(itemName, value, secretRef, envRef));
        }

        var auth = Map(doc, "auth");
        return new ComponentResource(
            name, ns, type, version, initTimeout,
            Bool(spec, "ignoreErrors", file, "spec.ignoreErrors") ?? false,
            items,
            auth is null ? null : Scalar(auth, "secretStore"),
            scopes,
            file);
    }

    private static SubscriptionResource ParseSubscription(YamlMappingNode doc, string file, string? ns, IReadOnlyList<string> scopes)
    {
        var apiVersion = Scalar(doc, "apiVersion");
        if (apiVersion is not ("dapr.io/v2alpha1" or "dapr.io/v1alpha1"))
        {
            throw new ResourceException(file, "apiVersion", $"'{apiVersion}' is not supported for Subscription (dapr.io/v2alpha1 or dapr.io/v1alpha1)");
        }

        var name = RequiredName(doc, file);
        var spec = Map(doc, "spec") ?? throw new ResourceException(file, "spec", "is required");
        var pubsub = Scalar(spec, "pubsubname");
        if (string.IsNullOrWhiteSpace(pubsub))
        {
            throw new ResourceException(file, "spec.pubsubname", "is required");
        }

        var topic = Scalar(spec, "topic");
        if (string.IsNullOrWhiteSpace(topic))
        {
            throw new ResourceException(file, "spec.topic", "is required");
        }

        var rules = new List<RouteRule>();
        string? defaultRoute;
        if (apiVersion == "dapr.io/v1alpha1")
        {
            defaultRoute = Scalar(spec, "route");
        }
        else
        {
            var routes = Map(spec, "routes");
            defaultRoute = routes is null ? null : Scalar(routes, "default");
            foreach (var (node, i) in (routes is null ? [] : Sequence(routes, "rules")).Select((n, i) => (n, i)))
            {
                var field = $"spec.routes.rules[{i}]";
                if (node is not YamlMappingNode r || Scalar(r, "match") is not { } match || Scalar(r, "path") is not { } path)
                {
                    throw new ResourceException(file, field, "needs match and path");
                }

                try
                {
                    Runtime.RouteExpression.Parse(match);
                }
                catch (FormatException e)
                {
                    throw new ResourceException(file, field + ".match", e.Message);
                }

                rules.Add(new RouteRule(match, path));
            }
        }

        if (rules.Count == 0 && string.IsNullOrWhiteSpace(defaultRoute))
        {
            throw new ResourceException(file, apiVersion == "dapr.io/v1alpha1" ? "spec.route" : "spec.routes", "a route is required");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Map(spec, "metadata") is { } md)
        {
            foreach (var (k, v) in md.Children)
            {
                metadata[((YamlScalarNode)k).Value ?? ""] = (v as YamlScalarNode)?.Value ?? "";
            }
        }

        var bulk = Map(spec, "bulkSubscribe");
        return new SubscriptionResource(
            name, ns, pubsub, topic, rules, defaultRoute, Scalar(spec, "deadLetterTopic"), metadata,
            bulk is not null && (Bool(bulk, "enabled", file, "spec.bulkSubscribe.enabled") ?? false),
            scopes, file)
        {
            BulkMaxMessagesCount = bulk is null ? 0 : Integer(bulk, "maxMessagesCount", file, "spec.bulkSubscribe.maxMessagesCount") ?? 0,
            BulkMaxAwaitDurationMs = bulk is null ? 0 : Integer(bulk, "maxAwaitDurationMs", file, "spec.bulkSubscribe.maxAwaitDurationMs") ?? 0,
        };
    }

    private static ResiliencyResource ParseResiliency(YamlMappingNode doc, string file, string? ns, IReadOnlyList<string> scopes)
    {
        RequireApiVersion(doc, file, "dapr.io/v1alpha1");
        var name = RequiredName(doc, file);
        var spec = Map(doc, "spec") ?? throw new ResourceException(file, "spec", "is required");
        var policies = Map(spec, "policies") ?? new YamlMappingNode();

        var timeouts = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var (key, value) in Entries(policies, "timeouts"))
        {
            var text = (value as YamlScalarNode)?.Value;
            if (!GoDuration.TryParse(text, out var t))
            {
                throw new ResourceException(file, $"spec.policies.timeouts.{key}", $"'{text}' is not a duration");
            }

            timeouts[key] = t;
        }

        var retries = new Dictionary<string, RetryPolicySpec>(StringComparer.Ordinal);
        foreach (var (key, value) in Entries(policies, "retries"))
        {
            var field = $"spec.policies.retries.{key}";
            if (value is not YamlMappingNode r)
            {
                throw new ResourceException(file, field, "must be a mapping");
            }

            var policy = Scalar(r, "policy") ?? "constant";
            if (policy is not ("constant" or "exponential"))
            {
                throw new ResourceException(file, field + ".policy", $"must be constant or exponential, not '{policy}'");
            }

            var maxRetries = -1;
            if (Scalar(r, "maxRetries") is { } mr && !int.TryParse(mr, CultureInfo.InvariantCulture, out maxRetries))
            {
                throw new ResourceException(file, field + ".maxRetries", $"'{mr}' is not an integer");
            }

            var matching = Map(r, "matching");
            retries[key] = new RetryPolicySpec(
                policy,
                Duration(r, "duration", TimeSpan.FromSeconds(5), file, field),
                Duration(r, "maxInterval", TimeSpan.FromSeconds(60), file, field),
                maxRetries,
                matching is null ? null : Scalar(matching, "httpStatusCodes"),
                matching is null ? null : Scalar(matching, "gRPCStatusCodes"));
        }

        var breakers = new Dictionary<string, CircuitBreakerSpec>(StringComparer.Ordinal);
        foreach (var (key, value) in Entries(policies, "circuitBreakers"))
        {
            var field = $"spec.policies.circuitBreakers.{key}";
            if (value is not YamlMappingNode c)
            {
                throw new ResourceException(file, field, "must be a mapping");
            }

            var maxRequests = 1;
            if (Scalar(c, "maxRequests") is { } mreq && !int.TryParse(mreq, CultureInfo.InvariantCulture, out maxRequests))
            {
                throw new ResourceException(file, field + ".maxRequests", $"'{mreq}' is not an integer");
            }

            var trip = Scalar(c, "trip") ?? "consecutiveFailures > 5";
            try
            {
                Runtime.RouteExpression.Parse(trip);
            }
            catch (FormatException e)
            {
                throw new ResourceException(file, field + ".trip", e.Message);
            }

            breakers[key] = new CircuitBreakerSpec(
                maxRequests,
                Duration(c, "interval", TimeSpan.Zero, file, field),
                Duration(c, "timeout", TimeSpan.FromSeconds(60), file, field),
                trip);
        }

        var targets = Map(spec, "targets") ?? new YamlMappingNode();
        var apps = new Dictionary<string, TargetPolicyNames>(StringComparer.Ordinal);
        foreach (var (key, value) in Entries(targets, "apps"))
        {
            apps[key] = TargetNames(value as YamlMappingNode, file, $"spec.targets.apps.{key}", timeouts, retries, breakers);
        }

        var comps = new Dictionary<string, ComponentTargetPolicies>(StringComparer.Ordinal);
        foreach (var (key, value) in Entries(targets, "components"))
        {
            var field = $"spec.targets.components.{key}";
            var m = value as YamlMappingNode;
            comps[key] = new ComponentTargetPolicies(
                m is not null && Map(m, "outbound") is { } ob ? TargetNames(ob, file, field + ".outbound", timeouts, retries, breakers) : null,
                m is not null && Map(m, "inbound") is { } ib ? TargetNames(ib, file, field + ".inbound", timeouts, retries, breakers) : null);
        }

        return new ResiliencyResource(name, ns, timeouts, retries, breakers, apps, comps, scopes, file);
    }

    private static TargetPolicyNames TargetNames(
        YamlMappingNode? node, string file, string field,
        Dictionary<string, TimeSpan> timeouts, Dictionary<string, RetryPolicySpec> retries, Dictionary<string, CircuitBreakerSpec> breakers)
    {
        if (node is null)
        {
            throw new ResourceException(file, field, "must be a mapping");
        }

        var timeout = Scalar(node, "timeout");
        var retry = Scalar(node, "retry");
        var breaker = Scalar(node, "circuitBreaker");

        // daprd also accepts an inline duration as a target's timeout.
        if (timeout is not null && !timeouts.ContainsKey(timeout) && !GoDuration.TryParse(timeout, out _))
        {
            throw new ResourceException(file, field + ".timeout", $"no timeout policy named '{timeout}'");
        }

        if (retry is not null && !retries.ContainsKey(retry))
        {
            throw new ResourceException(file, field + ".retry", $"no retry policy named '{retry}'");
        }

        if (breaker is not null && !breakers.ContainsKey(breaker))
        {
            throw new ResourceException(file, field + ".circuitBreaker", $"no circuit breaker policy named '{breaker}'");
        }

        return new TargetPolicyNames(timeout, retry, breaker);
    }

    private static IEnumerable<(YamlMappingNode Doc, int Index)> ReadDocuments(string file)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(file);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new ResourceException(file, $"line {e.Start.Line}", $"invalid YAML: {e.InnerException?.Message ?? e.Message}");
        }

        var index = 0;
        foreach (var document in stream.Documents)
        {
            switch (document.RootNode)
            {
                case YamlMappingNode map:
                    yield return (map, index);
                    break;
                case YamlScalarNode { Value: null or "" }:
                    break;
                default:
                    throw new ResourceException(file, $"document {index}", "must be a mapping");
            }

            index++;
        }
    }

    private static void RequireApiVersion(YamlMappingNode doc, string file, string expected)
    {
        var apiVersion = Scalar(doc, "apiVersion");
        if (apiVersion != expected)
        {
            throw new ResourceException(file, "apiVersion", apiVersion is null ? "is required" : $"'{apiVersion}' is not supported (expected {expected})");
        }
    }

    private static string RequiredName(YamlMappingNode doc, string file)
    {
        var meta = Map(doc, "metadata");
        var name = meta is null ? null : Scalar(meta, "name");
        return string.IsNullOrWhiteSpace(name) ? throw new ResourceException(file, "metadata.name", "is required") : name;
    }

    private static TimeSpan Duration(YamlMappingNode node, string key, TimeSpan fallback, string file, string field)
    {
        var text = Scalar(node, key);
        if (text is null)
        {
            return fallback;
        }

        return GoDuration.TryParse(text, out var value) ? value : throw new ResourceException(file, $"{field}.{key}", $"'{text}' is not a duration");
    }

    private static bool? Bool(YamlMappingNode node, string key, string file, string field)
    {
        var text = Scalar(node, key);
        if (text is null)
        {
            return null;
        }

        return bool.TryParse(text, out var b) ? b : throw new ResourceException(file, field, $"'{text}' is not a boolean");
    }

    private static int? Integer(YamlMappingNode node, string key, string file, string field)
    {
        var text = Scalar(node, key);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ResourceException(file, field, $"'{text}' is not an integer");
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode s ? s.Value : null;

    private static YamlMappingNode? Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode seq ? seq.Children : [];

    private static IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode node, string key) =>
        Map(node, key) is { } m ? m.Children.Select(kv => (((YamlScalarNode)kv.Key).Value ?? "", kv.Value)) : [];

    private static List<string> StringList(YamlMappingNode node, string key, string file)
    {
        if (!node.Children.TryGetValue(new YamlScalarNode(key), out var value))
        {
            return [];
        }

        return value switch
        {
            YamlSequenceNode seq => seq.Children.Select(c => (c as YamlScalarNode)?.Value ?? throw new ResourceException(file, key, "must be a list of strings")).ToList(),
            YamlScalarNode { Value: null or "" } => [],
            YamlScalarNode s => s.Value!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
            _ => throw new ResourceException(file, key, "must be a list of strings"),
        };
    }
}
