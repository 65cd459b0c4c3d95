using DaprPlatform.WebConsole.Tests.Support;

// The whole platform, the console included, started once for the assembly by ./dapr-dev up on the test run's servers;
// one Chromium for the run, a fresh browser context per test.
[assembly: AssemblyFixture(typeof(ConsolePlatform))]
[assembly: AssemblyFixture(typeof(BrowserFixture))]

// The tests share one platform, its stock and its queues, and two cores: one browser test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
