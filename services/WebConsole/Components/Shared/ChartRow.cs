namespace DaprPlatform.WebConsole.Components.Shared;

/// <summary>One category of a <see cref="BarChart"/>: its label and a value per series.</summary>
public sealed record ChartRow(string Label, IReadOnlyList<double> Values);
