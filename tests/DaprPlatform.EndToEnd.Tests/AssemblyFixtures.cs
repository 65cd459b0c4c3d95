using DaprPlatform.EndToEnd.Tests;

// Real servers, and the whole platform started once for the assembly by ./dapr-dev up on them.
[assembly: AssemblyFixture(typeof(PlatformFixture))]

// The tests share one platform, its stock and its queues: one at a time keeps each test's numbers its own.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
