using System.Text;

namespace Builder.Core.Domain;

public static class Slug
{
    /// <summary>Lower-case ASCII words joined by '-', at most 40 characters, never empty.</summary>
    public static string From(string text, int maxLength = 40)
    {
        var slug = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
                slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-')
                slug.Append('-');
            if (slug.Length >= maxLength)
                break;
        }

        var result = slug.ToString().Trim('-');
        return result.Length == 0 ? "feature" : result;
    }
}
