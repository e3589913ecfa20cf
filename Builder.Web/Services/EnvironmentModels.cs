using System.Globalization;

namespace Builder.Web.Services;

/// <summary><c>GET /api/environments</c>: the environment images this tenant's runs used, or why there is no engine.</summary>
public sealed record EnvironmentsInfo(List<EnvironmentImageInfo> Images, string? Engine);

/// <summary>One image: what the engine says of it, and which of the tenant's runs used it; <see cref="LogUrl"/> is null when none of them built it.</summary>
public sealed record EnvironmentImageInfo(
    string Tag, string Id, long SizeBytes, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt, List<string> Repositories, int Runs,
    List<EnvironmentRunInfo> RecentRuns, string? LogUrl)
{
    /// <summary>The size in binary units, as engines report image sizes.</summary>
    public string Size => SizeBytes switch
    {
        < 1024 => $"{SizeBytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{SizeBytes / 1024.0:0.#} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{SizeBytes / (1024.0 * 1024):0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{SizeBytes / (1024.0 * 1024 * 1024):0.##} GiB"),
    };

    /// <summary>The engine's id as people compare it: its first 12 hexadecimal digits.</summary>
    public string ShortId => Id.StartsWith("sha256:", StringComparison.Ordinal) ? Id[7..Math.Min(Id.Length, 19)] : Id[..Math.Min(Id.Length, 12)];
}

public sealed record EnvironmentRunInfo(Guid FeatureId, string Title, string Repository, bool Built, DateTimeOffset At);
