using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>
/// The Configuration's <c>accessControl</c>, applied by the called sidecar to each incoming invocation (daprd's
/// pkg/acl). The caller is identified by the app id and namespace its sidecar stamped on the call (daprd reads them
/// from the mTLS SPIFFE id; sidecars on one machine share the trust domain). A caller without a policy gets the
/// global default action; with one, its operations are matched by path (with <c>*</c> and <c>**</c> wildcards),
/// then by verb, falling back to the policy's default action.
/// </summary>
public sealed class AccessControlList
{
    public const string DefaultTrustDomain = "public";

    private readonly string _defaultAction;
    private readonly Dictionary<(string AppId, string Namespace), AppPolicy> _policies = [];

    private AccessControlList(string defaultAction) => _defaultAction = defaultAction;

    /// <summary>Null when the configuration has no access control (every call allowed).</summary>
    /// <exception cref="ResourceException">A policy lacks its app id or namespace, which daprd refuses at start-up.</exception>
    public static AccessControlList? FromConfiguration(ConfigurationResource configuration)
    {
        var policies = configuration.AccessControlPolicies;
        if (string.IsNullOrEmpty(configuration.AccessControlDefaultAction) && policies.Count == 0)
        {
            return null;
        }

        // Policies without a global default: daprd chooses the safe side and denies.
        var acl = new AccessControlList(configuration.AccessControlDefaultAction?.ToLowerInvariant() ?? "deny");
        for (var i = 0; i < policies.Count; i++)
        {
            var policy = policies[i];
            if (string.IsNullOrEmpty(policy.Namespace))
            {
                throw new ResourceException(configuration.SourceFile, $"spec.accessControl.policies[{i}].namespace",
                    $"invalid access control spec. missing namespace for apps: [{policy.AppId}]");
            }

            var operations = new OperationTrie();
            foreach (var operation in policy.Operations)
            {
                var name = operation.Name.StartsWith('/') ? operation.Name : "/" + operation.Name;
                var verbs = operation.HttpVerbs.ToDictionary(v => v, _ => operation.Action, StringComparer.Ordinal);
                operations.Add(name.ToLowerInvariant(), new OperationRule(verbs, operation.Action));
            }

            acl._policies[(policy.AppId, policy.Namespace)] = new AppPolicy(policy.DefaultAction, operations);
        }

        return acl;
    }

    /// <summary>Whether the caller may invoke this operation with this verb; when not, the denial text daprd gives.</summary>
    public bool IsAllowed(string? callerAppId, string? callerNamespace, string operation, string verb, out string denial)
    {
        var allowed = IsActionAllowed(Decide(callerAppId, callerNamespace, operation, verb));
        denial = allowed
            ? ""
            : $"access control policy has denied access to id: spiffe://{DefaultTrustDomain}/ns/{callerNamespace}/{callerAppId} operation: {operation} verb: {verb.ToUpperInvariant()}";
        return allowed;
    }

    private string Decide(string? callerAppId, string? callerNamespace, string operation, string verb)
    {
        if (callerAppId is null || callerNamespace is null || !_policies.TryGetValue((callerAppId, callerNamespace), out var policy))
        {
            return _defaultAction;
        }

        var action = string.IsNullOrEmpty(policy.DefaultAction) ? _defaultAction : policy.DefaultAction;
        var path = (operation.StartsWith('/') ? operation : "/" + operation).ToLowerInvariant();
        if (policy.Operations.Find(path) is not { } rule)
        {
            return action;
        }

        if (rule.VerbActions.TryGetValue(verb.ToUpperInvariant(), out var verbAction) || rule.VerbActions.TryGetValue("*", out verbAction))
        {
            return verbAction;
        }

        return action;
    }

    private static bool IsActionAllowed(string action) => action.Equals("allow", StringComparison.OrdinalIgnoreCase);

    private sealed record AppPolicy(string DefaultAction, OperationTrie Operations);

    private sealed record OperationRule(IReadOnlyDictionary<string, string> VerbActions, string Action);

    /// <summary>
    /// Operation names by path segment, with daprd's matching: a segment may contain <c>*</c> (any characters),
    /// <c>/*</c> stands for exactly one last segment, <c>/**</c> for any rest, and a rule on a path also covers
    /// the paths below it.
    /// </summary>
    private sealed class OperationTrie
    {
        private readonly Node _root = new("/");

        public void Add(string operation, OperationRule rule)
        {
            var parts = operation.Split('/');
            var node = _root;
            for (var i = 1; i < parts.Length; i++)
            {
                var segment = "/" + parts[i];
                var last = i == parts.Length - 1;
                var child = node.Children.FirstOrDefault(c => c.Segment == segment);
                if (child is null)
                {
                    child = new Node(segment) { Rule = last ? rule : null };
                    node.Children.Add(child);
                }
                else if (last)
                {
                    child.Rule ??= rule;
                }

                node = child;
            }
        }

        public OperationRule? Find(string operation)
        {
            var parts = operation.Split('/');
            var node = _root;
            for (var i = 1; i < parts.Length; i++)
            {
                var last = i == parts.Length - 1;
                node = Match(node, "/" + parts[i], last);
                if (node is null)
                {
                    return null;
                }

                if (node.Rule is not null)
                {
                    if (!last && node.Segment.EndsWith("/*", StringComparison.Ordinal) && !node.Segment.EndsWith("/**", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    return node.Rule;
                }

                if (last)
                {
                    return Match(node, "/*", last)?.Rule;
                }
            }

            return null;
        }

        private static Node? Match(Node node, string segment, bool last)
        {
            foreach (var child in node.Children)
            {
                if (child.Segment == segment)
                {
                    return child;
                }

                switch (child.Segment)
                {
                    case "/*" when last:
                    case "/**":
                        return child;
                    case "/*":
                        continue;
                }

                if (Glob(segment, child.Segment))
                {
                    return child;
                }
            }

            return null;
        }

        // '*' matches any run of characters, including none.
        private static bool Glob(string text, string pattern)
        {
            var matches = new bool[pattern.Length + 1];
            matches[0] = true;
            for (var j = 1; j <= pattern.Length && pattern[j - 1] == '*'; j++)
            {
                matches[j] = true;
            }

            for (var i = 1; i <= text.Length; i++)
            {
                var previousDiagonal = matches[0];
                matches[0] = false;
                for (var j = 1; j <= pattern.Length; j++)
                {
                    var above = matches[j];
                    matches[j] = pattern[j - 1] == '*'
                        ? matches[j - 1] || above
                        : text[i - 1] == pattern[j - 1] && previousDiagonal;
                    previousDiagonal = above;
                }
            }

            return matches[pattern.Length];
        }

        private sealed class Node(string segment)
        {
            public string Segment { get; } = segment;

            public OperationRule? Rule { get; set; }

            public List<Node> Children { get; } = [];
        }
    }
}
