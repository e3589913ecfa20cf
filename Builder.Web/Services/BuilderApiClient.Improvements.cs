namespace Builder.Web.Services;

public sealed partial class BuilderApiClient
{
    public Task<List<CycleInfo>> GetCyclesAsync(int limit = 20, CancellationToken ct = default) =>
        GetAsync<List<CycleInfo>>($"api/improvements/cycles?limit={limit}", ct);

    public Task<CycleInfo> StartCycleAsync(double analysisWindowHours, int maxImprovements, CancellationToken ct = default) =>
        SendAsync<CycleInfo>(HttpMethod.Post, "api/improvements/cycles", new { analysisWindowHours, maxImprovements }, ct);

    public Task<List<AlarmInfo>> GetImprovementAlarmsAsync(CancellationToken ct = default) => GetAsync<List<AlarmInfo>>("api/improvements/alarms", ct);

    public Task<List<FlagInfo>> GetFlagsAsync(CancellationToken ct = default) => GetAsync<List<FlagInfo>>("api/flags", ct);

    public Task<FlagInfo> SetFlagAsync(string name, bool enabled, CancellationToken ct = default) =>
        SendAsync<FlagInfo>(HttpMethod.Put, $"api/flags/{Uri.EscapeDataString(name)}", new { enabled }, ct);

    public Task<ServiceTelemetryInfo> GetServiceTelemetryAsync(string name, double hours = 1, CancellationToken ct = default) =>
        GetAsync<ServiceTelemetryInfo>($"api/services/{Uri.EscapeDataString(name)}/telemetry?hours={hours.ToString(System.Globalization.CultureInfo.InvariantCulture)}", ct);
}
