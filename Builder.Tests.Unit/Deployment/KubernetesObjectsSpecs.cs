using Builder.Worker.Deployment;
using Builder.Worker.Deployment.Kubernetes;

namespace Builder.Tests.Unit.Deployment;

public sealed class KubernetesObjectsSpecs
{
    static readonly DeployManifest Shop = DeployManifestParser.Parse(
        "service: shop\nruntime: node\nstart: node server.js\ntarget: kubernetes\nhealth:\n  path: /ready\nresources:\n  memory: 256Mi\nenvironment:\n  LOG_LEVEL: info\n");

    [Fact]
    public void A_version_generates_its_golden_Deployment_and_Service()
    {
        var objects = KubernetesObjects.For(Shop, 7, Guid.Parse("5c3a8d1e-0000-4000-8000-000000000007"), "builder/shop:0123456789abcdef", "shop-prod");

        var yaml = objects.Yaml();

        GoldenFile.ShouldMatch(yaml, "kubernetes.yaml");
    }

    [Fact]
    public void Each_version_has_its_own_names_and_the_stable_Service_selects_one_version_or_none()
    {
        var first = KubernetesObjects.For(Shop, 1, Guid.NewGuid(), "builder/shop:a", "default");
        var second = KubernetesObjects.For(Shop, 2, Guid.NewGuid(), "builder/shop:b", "default");

        first.Deployment.Metadata.Name.ShouldBe("shop-v1");
        second.VersionService.Metadata.Name.ShouldBe("shop-v2");
        second.Deployment.Spec.Selector.MatchLabels.ShouldBe(second.VersionService.Spec.Selector);
        second.Deployment.Spec.Template.Spec.Containers[0].Env.ShouldContain(e => e.Name == "PORT" && e.Value == "8080");
        KubernetesObjects.Stable("shop", "default", 2).Spec.Selector[KubernetesObjects.VersionLabel].ShouldBe("2");
        KubernetesObjects.Stable("shop", "default", null).Spec.Selector[KubernetesObjects.VersionLabel].ShouldBe(KubernetesObjects.NoVersion);
    }
}
