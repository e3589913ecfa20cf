using System.Runtime.InteropServices;
using Builder.AppHost;

using var stopping = new CancellationTokenSource();
// Cancelling the default action keeps the runtime alive until every child and server is stopped.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopping.Cancel(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stopping.Cancel(); });
try
{
    var root = Repository.FindRoot();
    var options = Options.Parse(args, root);
    if (options.Help)
    {
        Console.WriteLine(Options.Usage);
        return 0;
    }
    return await new Orchestrator(options, root).RunAsync(stopping.Token);
}
catch (AppHostException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
catch (Exception e)
{
    Console.Error.WriteLine($"Builder.AppHost failed: {e}");
    return 1;
}
