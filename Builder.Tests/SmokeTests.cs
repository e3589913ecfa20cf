namespace Builder.Tests;

public class SmokeTests
{
    [Fact]
    public void Slug_is_lower_case_words() => Builder.Core.Domain.Slug.From("Add CSV export!").ShouldBe("add-csv-export");
}
