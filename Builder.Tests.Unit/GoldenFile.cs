using System.Runtime.CompilerServices;

namespace Builder.Tests.Unit;

/// <summary>
/// Generated text checked against a file in the Golden folder beside the spec. BUILDER_UPDATE_GOLDEN=1
/// rewrites the file in the source tree instead, after a deliberate change (review the diff).
/// </summary>
public static class GoldenFile
{
    public static void ShouldMatch(string generated, string name, [CallerFilePath] string spec = "")
    {
        var folder = Path.GetFileName(Path.GetDirectoryName(spec)!);
        if (Environment.GetEnvironmentVariable("BUILDER_UPDATE_GOLDEN") == "1")
            File.WriteAllText(Path.Combine(Path.GetDirectoryName(spec)!, "Golden", name), generated);
        else
            generated.ShouldBe(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, folder, "Golden", name)));
    }
}
