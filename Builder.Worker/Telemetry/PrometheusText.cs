using System.Globalization;
using Builder.Core.Domain;

namespace Builder.Worker.Telemetry;

/// <summary>
/// Reads the Prometheus text exposition format: one sample per line, "name{labels} value [timestamp]",
/// comments and blank lines skipped. Kept as metric signals, at most <see cref="MaxSamples"/> per scrape.
/// </summary>
public static class PrometheusText
{
    public const int MaxSamples = 200;

    public static List<TelemetrySignal> Parse(string text)
    {
        var signals = new List<TelemetrySignal>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            // Label values may hold spaces, so the value starts after the closing brace when there is one.
            var nameEnd = line.IndexOf('}') is >= 0 and var brace ? brace + 1 : line.IndexOfAny([' ', '\t']);
            if (nameEnd <= 0 || nameEnd >= line.Length)
                throw new FormatException($"not a Prometheus sample: {Cut(line)}");
            var name = line[..nameEnd].Trim();
            var rest = line[nameEnd..].Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (rest.Length == 0 || !TryValue(rest[0], out var value))
                throw new FormatException($"not a Prometheus sample: {Cut(line)}");
            // NaN and infinities say nothing a rule can use, and JSON has no way to store them.
            if (double.IsFinite(value))
                signals.Add(new TelemetrySignal(TelemetrySignal.Metric, name, value));
            if (signals.Count == MaxSamples)
                break;
        }

        return signals;
    }

    static bool TryValue(string text, out double value)
    {
        switch (text)
        {
            case "NaN":
                value = double.NaN;
                return true;
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    static string Cut(string line) => line.Length > 120 ? line[..120] + "…" : line;
}
