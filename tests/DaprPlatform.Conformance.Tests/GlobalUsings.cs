global using System.Net;
global using System.Text.Json;
global using Dapr.Client;
global using DaprPlatform.Conformance.Tests.Infrastructure;
global using DaprPlatform.Testing;
global using Xunit;
