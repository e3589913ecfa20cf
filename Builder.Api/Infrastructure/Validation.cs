namespace Builder.Api.Infrastructure;

/// <summary>Collects what is wrong with a request, field by field, for one 400 ValidationProblem.</summary>
public sealed class Validation
{
    readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

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

    public Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Problem() =>
        TypedResults.ValidationProblem(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
            detail: string.Join(" ", _errors.SelectMany(e => e.Value)));
}
