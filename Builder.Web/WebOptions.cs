using System.ComponentModel.DataAnnotations;

namespace Builder.Web;

/// <summary>Settings of the dashboard, bound from <c>Builder:Web</c> and checked at start-up.</summary>
public sealed class WebOptions
{
    public const string Section = "Builder:Web";

    /// <summary>How often an open board asks the API for fresh data.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Rows per page of the feature list.</summary>
    [Range(1, 200)]
    public int PageSize { get; set; } = 50;

    /// <summary>How long a sign-in lasts without a request; each request within it starts it again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SignInLifetime { get; set; } = TimeSpan.FromHours(8);
}
