using System.Diagnostics;
using SeqDsl.Kernels.Tests;

namespace SeqDsl.DeviceCheck;

/// <summary>
/// Every generated model of the kernel tests on the checked device, with each kernel schedule, against host code on
/// ILGPU's CPU accelerator (itself tested against ILGPU's kernels and finite differences): predictions, loss and every
/// parameter's gradient from the same seed and inputs.
/// </summary>
internal static class ModelComparisons
{
    /// <summary>
    /// Relative 2-norm difference under which two devices agree. Looser than the 1e-5 of CPU-only comparisons: GPUs
    /// reduce in other orders (group schedule) and their exp differs in the last bits, which backprop through 12 steps
    /// amplifies; the worst figure is printed either way.
    /// </summary>
    public const double Tolerance = 1e-4;

    /// <summary>Every fourth model (by name) in quick mode: still recurrent, convolutional and dense layers of several kinds.</summary>
    private const int QuickStride = 4;

    /// <summary>Runs the comparisons and returns the number of failures.</summary>
    public static int Run(SeqDevice device, SeqDevice hostCode, CheckOptions options)
    {
        var models = BackendTests.ModelTypes.Cast<object[]>().Select(row => (Type)row[0]).ToList();
        if (options.Quick)
        {
            models = models.Where((_, i) => i % QuickStride == 0).ToList();
        }

        var schedules = KernelSchedules(device);

        Console.WriteLine();
        Console.WriteLine($"## Models against host code ({models.Count} models × {schedules.Length} schedules, tolerance {Tolerance:E0})");
        Console.WriteLine($"{"model",-34} {"schedule",-18} {"worst rel.",11} {"loss diff",10} {"seconds",8}  result");
        int failures = 0;
        var worst = schedules.ToDictionary(s => s, _ => 0.0);
        foreach (var model in models)
        {
            foreach (var schedule in schedules)
            {
                var watch = Stopwatch.StartNew();
                string line;
                try
                {
                    var result = DeviceComparison.Compare(model, hostCode, device.WithSchedule(schedule));
                    string? failure = result.Failure(Tolerance);
                    worst[schedule] = Math.Max(worst[schedule], result.Worst);
                    line = $"{result.Worst,11:E2} {result.LossDifference,10:E2} {watch.Elapsed.TotalSeconds,8:F2}  {(failure is null ? "ok" : "FAIL " + failure)}";
                    failures += failure is null ? 0 : 1;
                }
                catch (Exception e)
                {
                    failures++;
                    line = $"{"-",11} {"-",10} {watch.Elapsed.TotalSeconds,8:F2}  FAIL {e.GetType().Name}: {FirstLines(e.Message)}";
                }

                Console.WriteLine($"{model.Name,-34} {schedule,-18} {line}");
            }
        }

        foreach (var (schedule, value) in worst)
        {
            Console.WriteLine($"worst relative difference with {schedule}: {value:E2}");
        }

        Console.WriteLine(failures == 0 ? "all models agree" : $"{failures} comparison(s) FAILED");
        return failures;
    }

    /// <summary>The ILGPU-kernel schedules checked on <paramref name="device"/>: its own first, then the other (host code is the reference, not a subject).</summary>
    public static KernelSchedule[] KernelSchedules(SeqDevice device) => device.Schedule == KernelSchedule.ThreadPerSequence
        ? new[] { KernelSchedule.ThreadPerSequence, KernelSchedule.GroupPerSequence }
        : new[] { KernelSchedule.GroupPerSequence, KernelSchedule.ThreadPerSequence };

    private static string FirstLines(string message) => string.Join(" | ", message.Split('\n').Take(4));
}
