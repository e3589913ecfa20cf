using System.Text;
using Builder.Core;
using Builder.Core.Domain;
using Builder.Core.Policy;

namespace Builder.Tests.Verification;

public sealed class PolicySpecs
{
    static readonly LimitOptions Limits = new();

    [Fact]
    public void A_path_that_climbs_out_of_the_repository_is_refused() =>
        ChangePolicy.Check(".github/../../etc/x", "x", new RepositorySettings(), Limits).ShouldHaveSingleItem().Rule.ShouldBe("path");

    [Fact]
    public void A_2_MB_file_is_refused_with_the_limit()
    {
        var violation = ChangePolicy.Check("big.txt", new string('a', 2 * 1024 * 1024), new RepositorySettings(), Limits).ShouldHaveSingleItem();
        violation.Rule.ShouldBe("file_size");
        violation.Reason.ShouldContain("1,048,576");
    }

    [Fact]
    public void A_test_file_of_a_real_suite_is_not_too_large()
    {
        // HtmlSanitizer's Tests.cs is 242 KB; a feature adds its tests to it.
        var tests = string.Join('\n', Enumerable.Range(0, 6000).Select(i => $"    [Fact] public void Case{i}() => Assert.Equal({i}, Sanitize({i}));"));
        Encoding.UTF8.GetByteCount(tests).ShouldBeGreaterThan(300 * 1024);
        ChangePolicy.Check("test/Lib.Tests/Tests.cs", tests, new RepositorySettings(), Limits).ShouldBeEmpty();
    }

    [Fact]
    public void A_private_key_is_refused_with_its_line()
    {
        var content = "notes\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n";
        var violation = ChangePolicy.Check("deploy/id_rsa", content, new RepositorySettings(), Limits).ShouldHaveSingleItem();
        violation.Rule.ShouldBe("secret");
        violation.Reason.ShouldContain("line 2");
        violation.Reason.ShouldNotContain("MIIEpAIBAAKCAQEA");
    }

    [Theory]
    [InlineData("aws_key = \"AKIAIOSFODNN7QXRT5ZA\"", "AWS access key id")]
    [InlineData("token: ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "GitHub token")]
    [InlineData("GITLAB=glpat-abcdefghij0123456789", "GitLab token")]
    [InlineData("db_password = \"q8Zr2LmX9vT4pW7nK3sB\"", "high-entropy value")]
    public void Secrets_are_found_by_shape_or_entropy(string line, string kind) =>
        SecretScanner.Scan("config.py", line).ShouldHaveSingleItem().Kind.ShouldContain(kind);

    [Theory]
    [InlineData("password = \"changeme-changeme\"")]
    [InlineData("api_key = \"${API_KEY_FROM_ENVIRONMENT}\"")]
    [InlineData("token_count = 12")]
    [InlineData("var secretSauce = ComputeTheAnswer();")]
    public void Ordinary_code_is_not_a_secret(string line) => SecretScanner.Scan("x.cs", line).ShouldBeEmpty();

    [Fact]
    public void Allowed_paths_are_globs()
    {
        var settings = new RepositorySettings { AllowedPaths = ["src/reports/**", "tests/**"] };
        ChangePolicy.Check("src/reports/csv.cs", "x", settings, Limits).ShouldBeEmpty();
        ChangePolicy.Check("src/billing/pay.cs", "x", settings, Limits).ShouldHaveSingleItem().Rule.ShouldBe("allowed_paths");
    }
}
