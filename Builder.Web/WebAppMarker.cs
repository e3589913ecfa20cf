namespace Builder.Web;

/// <summary>
/// Names this assembly's entry point for <c>WebApplicationFactory</c>: Builder.Api has a
/// top-level <c>Program</c> too, so a test that references both cannot use <c>Program</c>.
/// </summary>
public sealed class WebAppMarker;
