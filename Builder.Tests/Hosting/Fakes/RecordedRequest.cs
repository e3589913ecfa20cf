namespace Builder.Tests.Hosting.Fakes;

/// <summary>One request a fake host received, as it arrived on the wire.</summary>
/// <param name="Path">The path as sent, escapes kept (GitLab's project id arrives as group%2Frepo).</param>
/// <param name="Query">Decoded query parameters; a repeated one keeps its last value.</param>
/// <param name="Headers">Header name (any case) → its values joined with ", ".</param>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string? QueryValue(string name) => Query.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"{Method} {Path}{(Query.Count == 0 ? "" : "?" + string.Join('&', Query.Select(q => $"{q.Key}={q.Value}")))}";
}
