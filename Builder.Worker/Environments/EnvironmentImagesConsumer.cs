using Builder.Core.Contracts;
using Docker.DotNet;
using MassTransit;

namespace Builder.Worker.Environments;

/// <summary>Answers the Api's question about the environment images on this worker's engine.</summary>
public sealed class EnvironmentImagesConsumer(EnvironmentImages images) : IConsumer<DescribeEnvironmentImages>
{
    public async Task Consume(ConsumeContext<DescribeEnvironmentImages> context)
    {
        if (await images.EngineProblemAsync(context.CancellationToken) is { } noEngine)
        {
            await context.RespondAsync(new EnvironmentImagesDescribed([], noEngine));
            return;
        }

        try
        {
            var listed = await images.ListAsync(context.CancellationToken);
            await context.RespondAsync(new EnvironmentImagesDescribed(
                listed.Select(i => new EnvironmentImageDescription(i.Tag, i.Id, i.Size, i.Created)).ToList(), null));
        }
        catch (DockerApiException ex)
        {
            await context.RespondAsync(new EnvironmentImagesDescribed([], $"the engine did not list its images: {ex.Message}"));
        }
    }
}
