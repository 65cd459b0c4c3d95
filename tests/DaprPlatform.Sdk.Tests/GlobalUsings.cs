global using System.Net;
global using System.Text.Json;
global using DaprPlatform.Dapr.Client;
global using DaprPlatform.Sdk.Tests.Infrastructure;
global using DaprPlatform.Testing;
global using Xunit;
