using System.Text;
using Builder.Tests.Hosting.Fakes;

namespace Builder.Tests.Hosting;

/// <summary>Delivery to an Azure DevOps repository: the REST 7.1 client against the fake Azure DevOps.</summary>
public sealed class AzureDevOpsDeliveryTests : DeliveryContract<FakeAzureDevOps>
{
    protected override string Token => AzureDevOpsPullRequestHostTests.PersonalAccessToken;
    protected override string RepositoryUrl => "https://azure.test/acme/Platform/_git/widgets";
    protected override string StatusRepository => "acme/Platform/widgets";
    protected override string SuccessState => "succeeded";

    protected override Task<FakeAzureDevOps> StartFakeAsync() => FakeAzureDevOps.StartAsync();

    protected override Dictionary<string, string?> ConfigurationFor(FakeAzureDevOps fake) => fake.ConfigurationFor("azure.test");

    protected override IReadOnlyList<OpenedRequest> Opened(FakeAzureDevOps fake) =>
        [.. fake.PullRequests.Select(p => new OpenedRequest(p.Number, p.Head, p.Base, p.Title, p.Body))];

    protected override bool IsCreate(RecordedRequest request) => request.Method == "POST" && request.Path.EndsWith("/pullrequests", StringComparison.Ordinal);

    protected override bool IsUpdate(RecordedRequest request) => request.Method == "PATCH";

    protected override bool CarriesToken(RecordedRequest request) =>
        request.Header("Authorization") == "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes(":" + Token));
}
