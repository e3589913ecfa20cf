using Builder.Worker.Phases.HealthCheck;

namespace Builder.Tests.Deployment;

/// <summary>The rule that rolls back a version more than MaxDegradation percent worse than the one it replaces.</summary>
public sealed class DegradationSpecs
{
    [Theory]
    [InlineData(100, 115, 100, 100, 10, "median latency 115 ms is more than 10% worse than version 1's 100 ms")]
    [InlineData(100, 110, 100, 100, 10, null)]
    [InlineData(100, 45, 100, 40, 10, null)] // 5 ms apart: under the 10 ms floor
    [InlineData(100, 82, 100, 2, 10, "median latency 82 ms is more than 10% worse than version 1's 2 ms")]
    [InlineData(97, 5, 100, 5, 10, "error rate 3% is more than 10% worse than version 1's 0%")]
    [InlineData(99.5, 5, 100, 5, 10, null)] // half a point: under the 1-point floor
    [InlineData(81, 5, 82, 5, 10, null)] // 19% against 18%: one point, within 10% of 18 (1.8 points)
    [InlineData(70, 5, 82, 5, 10, "error rate 30% is more than 10% worse than version 1's 18%")]
    [InlineData(100, 300, 100, 100, 250, null)]
    public void A_version_fails_only_past_the_allowed_share_and_the_noise_floor(double rate, double p50, double previousRate, double previousP50, double allowed,
        string? breach) =>
        MonitoringWindow.Degradation(rate, p50, (previousRate, previousP50), allowed, "version 1").ShouldBe(breach);
}
