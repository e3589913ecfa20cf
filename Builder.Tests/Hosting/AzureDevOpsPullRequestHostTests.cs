using System.Text;
using Builder.Tests.Hosting.Fakes;

namespace Builder.Tests.Hosting;

/// <summary>The Azure DevOps Repos client against the fake REST API 7.1.</summary>
public sealed class AzureDevOpsPullRequestHostTests : PullRequestHostContract<FakeAzureDevOps>
{
    internal const string PersonalAccessToken = "azdopat0123456789abcdefghijklmnopqrstuvwxyz01234567";

    protected override string Provider => "azure-devops";
    protected override string Token => PersonalAccessToken;
    protected override string RepositoryUrl => "https://azure.test/acme/Platform/_git/widgets";
    protected override string HostName => "Azure DevOps";
    protected override string Location => "azure.test/acme/Platform/widgets";
    protected override string StatusRepository => "acme/Platform/widgets";
    protected override string SuccessState => "succeeded";
    protected override string FailureState => "failed";
    protected override string ConflictMessage => "TF401179: An active pull request for the source and target branch already exists.";

    protected override Task<FakeAzureDevOps> StartFakeAsync() => FakeAzureDevOps.StartAsync();
    protected override Dictionary<string, string?> ConfigurationFor(FakeAzureDevOps fake) => fake.ConfigurationFor("azure.test");

    protected override IReadOnlyList<OpenedRequest> Opened(FakeAzureDevOps fake) =>
        [.. fake.PullRequests.Select(p => new OpenedRequest(p.Number, p.Head, p.Base, p.Title, p.Body))];

    protected override void AddOpen(FakeAzureDevOps fake, string source, string target, string title) => fake.Add("acme/Platform/widgets", source, target, title);
    protected override void AddClosed(FakeAzureDevOps fake, string source, string target, string title) => fake.Add("acme/Platform/widgets", source, target, title, "abandoned");
    protected override bool IsCreate(RecordedRequest request) => request.Method == "POST" && request.Path.EndsWith("/pullrequests", StringComparison.Ordinal);
    protected override bool IsUpdate(RecordedRequest request) => request.Method == "PATCH";

    /// <summary>The token travels base64-encoded as Basic's password: never in the clear, so look for its encoding.</summary>
    protected override bool CarriesToken(RecordedRequest request) =>
        request.Header("Authorization") == "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes(":" + Token));
}
