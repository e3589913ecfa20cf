namespace Builder.Benchmarks.Verify;

/// <summary>One measurement of the three: the proof by hand, Builder's first feature on a base and a second one on the same base.</summary>
public sealed record Repetition(TimedSteps ByHand, BuilderRun Cold, BuilderRun Second, string LoadBefore, string LoadAfter)
{
    public double ColdRatio => Cold.Wall / ByHand.Total;

    public double SecondRatio => Second.Wall / ByHand.Total;
}
