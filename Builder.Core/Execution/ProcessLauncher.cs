using System.Collections.Concurrent;
using System.Diagnostics;

namespace Builder.Core.Execution;

/// <summary>
/// Starts child processes from one thread that lives as long as the worker. Linux ties a child's
/// parent-death signal (PR_SET_PDEATHSIG, which bubblewrap's --die-with-parent sets on itself) to
/// the thread that forked it, and .NET forks from the calling thread: a child started from a
/// thread-pool thread is SIGKILLed whenever the pool retires that thread, mid-build.
/// </summary>
public static class ProcessLauncher
{
    static readonly BlockingCollection<Action> Pending = [];

    static ProcessLauncher()
    {
        var thread = new Thread(() =>
        {
            foreach (var start in Pending.GetConsumingEnumerable())
                start();
        })
        {
            IsBackground = true,
            Name = "Child process launcher",
        };
        thread.Start();
    }

    public static Task StartAsync(Process process)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Pending.Add(() =>
        {
            try
            {
                process.Start();
                started.SetResult();
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        });
        return started.Task;
    }
}
