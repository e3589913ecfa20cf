using Builder.Core.Domain;
using Builder.Worker.Toolchains;

namespace Builder.Api.Tasks;

/// <summary>
/// The restore, build and test commands a run would use, as the dry run shows them. The one place the Api
/// asks the Worker's toolchain detection, so that detection can move without touching the endpoints.
/// </summary>
public static class BuildCommandPreview
{
    public static CommandPreview Detect(string workspace, RepositorySettings settings)
    {
        var commands = CommandDetector.Detect(workspace, settings);
        return new CommandPreview(commands.Toolchain, commands.Restore, commands.Build, commands.Test, commands.Source);
    }
}
