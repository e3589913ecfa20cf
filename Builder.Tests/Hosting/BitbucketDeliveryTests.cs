using Builder.Tests.Hosting.Fakes;

namespace Builder.Tests.Hosting;

/// <summary>Delivery to a Bitbucket Cloud repository: the REST 2.0 client against the fake Bitbucket.</summary>
public sealed class BitbucketDeliveryTests : DeliveryContract<FakeBitbucket>
{
    protected override string Token => "ATCTT3xFfGN0-delivery-token-0123456789abcdef";
    protected override string RepositoryUrl => "https://bitbucket.org/acme/widgets.git";
    protected override string StatusRepository => "acme/widgets";
    protected override string SuccessState => "SUCCESSFUL";

    protected override Task<FakeBitbucket> StartFakeAsync() => FakeBitbucket.StartAsync();
    protected override Dictionary<string, string?> ConfigurationFor(FakeBitbucket fake) => fake.Configuration();

    protected override IReadOnlyList<OpenedRequest> Opened(FakeBitbucket fake) =>
        [.. fake.PullRequests.Select(p => new OpenedRequest(p.Number, p.Head, p.Base, p.Title, p.Body))];

    protected override bool IsCreate(RecordedRequest request) => request.Method == "POST" && request.Path.EndsWith("/pullrequests", StringComparison.Ordinal);
    protected override bool IsUpdate(RecordedRequest request) => request.Method == "PUT";
}

/// <summary>Delivery to a Bitbucket Data Center repository: the REST 1.0 client against the fake server.</summary>
public sealed class BitbucketServerDeliveryTests : DeliveryContract<FakeBitbucketServer>
{
    protected override string Token => "BBDC-delivery-http-access-token-0123456789";
    protected override string RepositoryUrl => "https://git.acme.test/scm/PLAT/widgets.git";
    protected override string StatusRepository => "";
    protected override string SuccessState => "SUCCESSFUL";

    protected override Task<FakeBitbucketServer> StartFakeAsync() => FakeBitbucketServer.StartAsync();
    protected override Dictionary<string, string?> ConfigurationFor(FakeBitbucketServer fake) => fake.ConfigurationFor("git.acme.test");

    protected override IReadOnlyList<OpenedRequest> Opened(FakeBitbucketServer fake) =>
        [.. fake.PullRequests.Select(p => new OpenedRequest(p.Number, p.Head, p.Base, p.Title, p.Body))];

    protected override bool IsCreate(RecordedRequest request) => request.Method == "POST" && request.Path.EndsWith("/pull-requests", StringComparison.Ordinal);
    protected override bool IsUpdate(RecordedRequest request) => request.Method == "PUT";
}
