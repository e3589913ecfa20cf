using Builder.Web.Components.Features;
using Builder.Web.Services;

namespace Builder.Tests.Web;

public sealed class FeatureDisplayTests
{
    static readonly DateTimeOffset Now = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "just now")]
    [InlineData(59, "just now")]
    [InlineData(60, "1 min ago")]
    [InlineData(59 * 60 + 59, "59 min ago")]
    [InlineData(3600, "1 h ago")]
    [InlineData(23 * 3600 + 3599, "23 h ago")]
    [InlineData(86400, "1 d ago")]
    [InlineData(59 * 86400, "59 d ago")]
    public void Ages_are_coarse_and_relative(int secondsAgo, string expected) =>
        FeatureDisplay.Age(Now.AddSeconds(-secondsAgo), Now).ShouldBe(expected);

    [Fact]
    public void Ages_beyond_two_months_show_the_date() =>
        FeatureDisplay.Age(new DateTimeOffset(2024, 12, 1, 23, 30, 0, TimeSpan.FromHours(-2)), Now).ShouldBe("2024-12-02");

    [Fact]
    public void Times_in_attributes_are_utc_whatever_offset_the_API_used()
    {
        var at = new DateTimeOffset(2025, 3, 14, 9, 5, 7, TimeSpan.FromHours(2));
        FeatureDisplay.IsoUtc(at).ShouldBe("2025-03-14T07:05:07Z");
        FeatureDisplay.ReadableUtc(at).ShouldBe("2025-03-14 07:05:07 UTC");
    }

    [Theory]
    [InlineData("plan", "Plan")]
    [InlineData("healthcheck", "Health check")]
    [InlineData("deliver", "Deliver")]
    [InlineData(null, null)]
    [InlineData("", null)]
    public void Phases_read_as_words(string? phase, string? expected) => FeatureDisplay.Phase(phase).ShouldBe(expected);

    [Theory]
    [InlineData(FeatureStatus.AwaitingApproval, "Awaiting approval", "chip chip-awaitingapproval")]
    [InlineData(FeatureStatus.RolledBack, "Rolled back", "chip chip-rolledback")]
    [InlineData(FeatureStatus.Failed, "Failed", "chip chip-failed")]
    public void Statuses_have_a_label_and_a_chip_class(FeatureStatus status, string label, string chip)
    {
        FeatureDisplay.Label(status).ShouldBe(label);
        FeatureDisplay.ChipClass(status).ShouldBe(chip);
    }
}
