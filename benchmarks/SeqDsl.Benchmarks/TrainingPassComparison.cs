using System.Diagnostics;
using System.Reflection;
using SeqDsl.Engine;
using static SeqDsl.Benchmarks.WorkloadShapes;

namespace SeqDsl.Benchmarks;

/// <summary>
/// <c>--training-pass-rounds N</c>: W1's epoch with the training-pass kernel (PoCL runs the whole forward, loss and
/// backward of a batch in one launch) against the same model from the same seed with that kernel unloaded, so that its
/// program makes the separate launches; in one process, one epoch of each per round, alternating which goes first.
/// Processes run one after the other could not show a difference of this size on the shared development VM, whose
/// epochs moved between 0.23 and 0.45 s within minutes. Both must end with the same weights, to the bit.
/// </summary>
internal static class TrainingPassComparison
{
    private const string Field = "trainingPass";

    /// <summary>Runs the comparison on <paramref name="device"/> and returns the report's line.</summary>
    public static string Run(SeqDevice device, float[,,] x, float[,,] y, int rounds)
    {
        using var fused = new SeqToSeqLstm(device, Seed);
        using var separate = new SeqToSeqLstm(device, Seed);
        if (Launcher(fused) is null)
        {
            return $"W1 training-pass kernel: not loaded on {device.Description} (PoCL's thread schedule only)";
        }

        Unload(separate);
        fused.Fit(x, y, 1, Batch, options: SeqDslRunner.InOrder); // the first epochs compile the kernels
        separate.Fit(x, y, 1, Batch, options: SeqDslRunner.InOrder);
        var withKernel = new List<double>();
        var without = new List<double>();
        int faster = 0;
        for (int r = 0; r < rounds; r++)
        {
            var order = r % 2 == 0 ? new[] { fused, separate } : new[] { separate, fused };
            foreach (var model in order)
            {
                var clock = Stopwatch.StartNew();
                model.Fit(x, y, 1, Batch, options: SeqDslRunner.InOrder);
                (model == fused ? withKernel : without).Add(clock.Elapsed.TotalSeconds);
            }

            faster += withKernel[^1] < without[^1] ? 1 : 0;
        }

        bool same = fused.GetWeights().AsSpan().SequenceEqual(separate.GetWeights());
        double a = Median(withKernel), b = Median(without);
        return $"W1 training-pass kernel, {rounds} interleaved epochs each in one process: median {a:F3} s with it, {b:F3} s with the separate launches (ratio {a / b:F3}); "
            + $"shorter in {faster} of {rounds} rounds; weights {(same ? "equal to the bit" : "DIFFERENT")} after {rounds + 1} epochs each";
    }

    private static object? Launcher(ModelBase model)
    {
        var program = Program(model);
        return program.GetType().GetField(Field, BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(program);
    }

    private static void Unload(ModelBase model)
    {
        var program = Program(model);
        program.GetType().GetField(Field, BindingFlags.Instance | BindingFlags.NonPublic)!.SetValue(program, null);
    }

    /// <summary>The model's generated program (ModelBase's private Program property creates it on first use).</summary>
    private static object Program(ModelBase model)
    {
        var property = typeof(ModelBase).GetProperty("Program", BindingFlags.Instance | BindingFlags.NonPublic)!;
        return property.GetValue(model)!;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
