using Spectre.Console;

namespace SeqDsl.Samples.Forecasting;

/// <summary>Runs a selection of the chapter 15 experiments and prints the report.</summary>
public static class Experiments
{
    /// <summary>
    /// How much faster PoCL ran than ILGPU's CPU accelerator (where models run their host code, the kernels as vectorized
    /// C#) on the same quiet 2-core VM, this sample's quick mode, seconds per epoch: seq-to-seq LSTM 0.092 vs 0.201,
    /// deep RNN 0.038 vs 0.082, WaveNet 0.338 vs 0.796 (2026-11-25).
    /// </summary>
    public const string PoclSpeedup = "about 2-2.4x faster per training epoch";

    /// <summary>The line printed when SeqDsl fell back to ILGPU's CPU accelerator.</summary>
    public const string CpuFallbackAdvice =
        "Running on ILGPU's CPU accelerator (no OpenCL or CUDA device): models run as vectorized C# on the CPU cores. PoCL on the same CPU ran these models " + PoclSpeedup + "; install it with " +
        "'sudo apt-get install pocl-opencl-icd ocl-icd-opencl-dev' (./forecast.sh does it as root), or install an NVIDIA driver for CUDA.";

    /// <summary>
    /// Runs <paramref name="experiments"/> in order on one data set, then prints the report table. Progress is a live
    /// bar per model when <paramref name="output"/> is an interactive terminal, a line per epoch otherwise.
    /// </summary>
    public static IReadOnlyList<ExperimentResult> Run(
        TextWriter output, SeqDevice device, ExperimentData data, EpochPlan epochs, int seed, IReadOnlyList<Experiment> experiments)
    {
        PrintDevice(output, device);
        output.WriteLine($"Data: {data.OneAhead.XTrain.GetLength(0)} training / {data.OneAhead.XValid.GetLength(0)} validation series of 50 steps; {epochs.Describe(experiments)}; seed {seed}.");
        bool live = output == Console.Out && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        var results = live
            ? LiveReporter.Run(reporter => RunAll(reporter, device, data, epochs, seed, experiments))
            : RunAll(new LineReporter(output), device, data, epochs, seed, experiments);
        ReportTable.Write(output, results);
        return results;
    }

    /// <summary>Models that failed with an error.</summary>
    public static IReadOnlyList<ExperimentResult> Failures(IEnumerable<ExperimentResult> results) =>
        results.Where(r => r.Error is not null).ToList();

    /// <summary>Trained models that did not beat the naive forecast on their own targets.</summary>
    public static IReadOnlyList<ExperimentResult> WorseThanNaive(IEnumerable<ExperimentResult> results) =>
        results.Where(r => r.Trained && !r.BeatsNaive).ToList();

    /// <summary>Prints the device and, on ILGPU's CPU accelerator, one line on how to get a much faster one.</summary>
    public static void PrintDevice(TextWriter output, SeqDevice device)
    {
        output.WriteLine($"Device: {device.Description}");
        if (device.Kind == DeviceKind.Cpu)
            output.WriteLine(CpuFallbackAdvice);
    }

    private static List<ExperimentResult> RunAll(
        TrainingReporter reporter, SeqDevice device, ExperimentData data, EpochPlan epochs, int seed, IReadOnlyList<Experiment> experiments)
    {
        var results = new List<ExperimentResult>();
        using var runner = new ExperimentRunner(device, data, epochs, seed, reporter);
        foreach (var experiment in experiments)
        {
            reporter.Starting(experiment);
            try
            {
                results.Add(experiment.Run(runner, experiment));
            }
            catch (NotSupportedException e)
            {
                // A layer whose forward kernels exist but whose training or inference path does not yet.
                reporter.Unavailable(experiment.Name, e.Message);
                results.Add(ExperimentResult.NotAvailable(experiment, e.Message));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One model's failure (a kernel PoCL refuses, a diverged run) should not hide the others' results.
                reporter.Failed(experiment.Name, e);
                results.Add(ExperimentResult.Failed(experiment, e));
            }
        }

        return results;
    }
}
