namespace Builder.Core.Contracts;

// Environment images live in the workers' container engine: the Api asks over the bus, then shows a
// tenant only the images its own runs used.

/// <summary>The environment images on the engine of the worker that answers.</summary>
public sealed record DescribeEnvironmentImages;

/// <param name="Engine">Why no engine answers; null when one does.</param>
public sealed record EnvironmentImagesDescribed(IReadOnlyList<EnvironmentImageDescription> Images, string? Engine);

/// <param name="Tag">builder-env:&lt;hash&gt;, as the runs that used the image record it.</param>
public sealed record EnvironmentImageDescription(string Tag, string Id, long SizeBytes, DateTime CreatedAt);
