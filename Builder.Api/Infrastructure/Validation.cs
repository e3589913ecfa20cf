namespace Builder.Api.Infrastructure;

/// <summary>Collects what is wrong with a request, field by field, for one 400 ValidationProblem.</summary>
public sealed class Validation
{
    readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    /// <summary>How many problems a field has so far.</summary>
    public int Errors(string field) => _errors.TryGetValue(field, out var messages) ? messages.Count : 0;

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
            _errors[field] = messages = [];
        messages.Add(message);
        return this;
    }

    public void Require(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
            Add(field, $"{field} is required.");
        else if (value.Length > maxLength)
            Add(field, $"{field} is {value.Length} characters long; the limit is {maxLength}.");
    }

    /// <summary>A one-line field (title, name, branch): no control or bidi override characters.</summary>
    public Validation Line(string field, string? value)
    {
        if (value is not null && TextInput.ForbiddenInLine(value) is { } c)
            Add(field, $"{field} contains {TextInput.Describe(c)}; it must be one line of plain text.");
        return this;
    }

    /// <summary>A multi-line field (description, notes, comments): tabs and line breaks, but no other control characters.</summary>
    public Validation Text(string field, string? value)
    {
        if (value is not null && TextInput.ForbiddenInText(value) is { } c)
            Add(field, $"{field} contains {TextInput.Describe(c)}; only tabs and line breaks are allowed besides text.");
        return this;
    }

    /// <summary>Every problem in one line, for a record that is not an HTTP answer.</summary>
    public string Describe() => string.Join(" ", _errors.SelectMany(e => e.Value));

    public Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Problem() =>
        TypedResults.ValidationProblem(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
            detail: string.Join(" ", _errors.SelectMany(e => e.Value)));
}
