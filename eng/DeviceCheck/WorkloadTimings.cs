using System.Diagnostics;
using SeqDsl.Benchmarks;
using SeqDsl.Data;
using SeqDsl.Engine;
using static SeqDsl.Benchmarks.SeqDslRunner;
using static SeqDsl.Benchmarks.WorkloadShapes;

namespace SeqDsl.DeviceCheck;

/// <summary>
/// The SeqDsl side of the benchmark's workloads (benchmarks/SeqDsl.Benchmarks, same models, data and batch sizes) on
/// the checked device, with each kernel schedule: first call (kernel compilation), best epoch or step, GFLOP/s from
/// the generated KernelReport, and the loss so runs can be compared with the benchmark's tables.
/// </summary>
internal sealed class WorkloadTimings
{
    private const int QuickSamples = 128;

    // W3 (sizes in WorkloadShapes, shared with the benchmark): two training steps per timed run, 32-step series in quick mode.
    private const int QuickWideSteps = 32;
    private const int WideTrainingSteps = 2;

    // W5: batch-1 calls averaged per timed run; the large batch is WorkloadShapes.LargeBatch (256 in quick mode).
    private const int LatencyCalls = 300;
    private const int QuickLatencyCalls = 20;
    private const int QuickLargeBatch = 256;

    private readonly SeqDevice device;
    private readonly CheckOptions options;
    private readonly Stopwatch sinceStart;
    private readonly ForecastSplit sequences = ForecastData.Chapter15(Seed, Steps, ahead: 10);
    private readonly ForecastSplit oneStep = ForecastData.Chapter15(Seed, Steps, ahead: 1);

    public WorkloadTimings(SeqDevice device, CheckOptions options, Stopwatch sinceStart)
    {
        this.device = device;
        this.options = options;
        this.sinceStart = sinceStart;
    }

    private int Repetitions => options.Quick ? 1 : 3;

    /// <summary>The device's own schedule first, then the other ILGPU-kernel schedule (quick mode or --own-schedule: the device's own only).</summary>
    private IEnumerable<SeqDevice> Schedules()
    {
        yield return device;
        if (options.Quick || options.OwnScheduleOnly)
            yield break;
        foreach (var other in new[] { KernelSchedule.GroupPerSequence, KernelSchedule.ThreadPerSequence })
        {
            if (other != device.Schedule)
                yield return device.WithSchedule(other);
        }
    }

    /// <summary>Times every workload; returns how many failed (an exception is reported and counted, the others still run).</summary>
    public int Run()
    {
        int failures = 0;
        Console.WriteLine();
        Console.WriteLine($"## Workload timings on {device.Description} (best of {Repetitions}; first call includes kernel compilation)");
        Console.WriteLine($"{"workload",-44} {"schedule",-18} {"first s",8} {"best s",9} {"GFLOP/s",8} {"loss / figure",14}");
        var work = new (string Name, Action<SeqDevice> Time)[]
        {
            ("W1", W1),
            ("W5", W5),
            ("W3", W3),
            ("W2", d =>
            {
                using var m = new DeepRnn(d, Seed);
                Epoch(d, "W2 DeepRnn epoch", m, oneStep.XTrain, oneStep.YTrain, DeepRnn.KernelReport, (x, y) => m.Fit(x, (float[,])y, 1, Batch, options: InOrder));
            }),
            ("W4", d =>
            {
                using var m = new SimpleWaveNet(d, Seed);
                Epoch(d, "W4 SimpleWaveNet epoch", m, sequences.XTrain, sequences.YTrainSequence, SimpleWaveNet.KernelReport, (x, y) => m.Fit(x, (float[,,])y, 1, Batch, options: InOrder));
            }),
            ("W6", d =>
            {
                using var m = new SeqToSeqGru(d, Seed);
                Epoch(d, "W6 SeqToSeqGru epoch", m, sequences.XTrain, sequences.YTrainSequence, SeqToSeqGru.KernelReport, (x, y) => m.Fit(x, (float[,,])y, 1, Batch, options: InOrder));
            }),
            ("W7", d =>
            {
                using var m = new ConvGru(d, Seed);
                Epoch(d, "W7 ConvGru epoch", m, sequences.XTrain, sequences.YTrainSequence, ConvGru.KernelReport, (x, y) => m.Fit(x, (float[,,])y, 1, Batch, options: InOrder));
            }),
        };
        foreach (var (name, time) in work.Where(w => options.Times(w.Name)))
        {
            foreach (var scheduled in Schedules())
            {
                if (sinceStart.Elapsed.TotalSeconds > options.BudgetSeconds)
                {
                    Console.WriteLine($"{name,-44} {scheduled.Schedule,-18} skipped: the run's budget of {options.BudgetSeconds} s is spent");
                    continue;
                }

                try
                {
                    time(scheduled);
                }
                catch (Exception e)
                {
                    failures++;
                    Console.WriteLine($"{name,-44} {scheduled.Schedule,-18} FAILED {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                }
            }
        }

        if (!options.Quick && sinceStart.Elapsed.TotalSeconds < options.BudgetSeconds)
        {
            try
            {
                if (options.Times("W1"))
                {
                    using var lstm = new SeqToSeqLstm(device, Seed);
                    Profile("W1 training epoch", lstm, () => lstm.Fit(sequences.XTrain, sequences.YTrainSequence, 1, Batch, options: InOrder));
                    var xv = sequences.XValid;
                    Profile($"W1 inference, {xv.GetLength(0):N0} series in one batch (the rest of Predict's time is copies and checks)", lstm, () => lstm.Predict(xv, xv.GetLength(0)));
                    var reused = new float[xv.GetLength(0), lstm.OutputSteps(xv.GetLength(1)), SeqToSeqLstm.OutputFeatures];
                    PredictBreakdown.Print(device, lstm, xv, (x, count) => lstm.Predict(x, count), (x, count) => lstm.Predict(x, reused, count), SeqToSeqLstm.OutputFeatures * lstm.OutputSteps(xv.GetLength(1)));
                    failures += PredictBreakdown.CheckLargeDownload((x, count) => lstm.Predict(x, count), Take(sequences.XTrain, LargeBatch), smallChunk: 32);
                }

                if (options.Times("W4"))
                {
                    // The GPU schedule's Conv1D kernels (no CPU device runs them for speed): which launches an epoch waits on.
                    using var waveNet = new SimpleWaveNet(device, Seed);
                    Profile("W4 training epoch", waveNet, () => waveNet.Fit(sequences.XTrain, sequences.YTrainSequence, 1, Batch, options: InOrder));
                }

                if (options.Times("W3"))
                {
                    var wide = ForecastData.Chapter15(Seed, WideSteps, ahead: 1);
                    using var gru = new WideGru(device, Seed);
                    Profile($"W3 training, {WideTrainingSteps} steps", gru, () => gru.Fit(Take(wide.XTrain, WideBatch * WideTrainingSteps), Take(wide.YTrain, WideBatch * WideTrainingSteps), 1, WideBatch, options: InOrder));
                }
            }
            catch (Exception e)
            {
                failures++;
                Console.WriteLine($"profiles FAILED {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }
        }

        return failures;
    }

    private float[,,] Samples(float[,,] x) => options.Quick ? Take(x, QuickSamples) : x;

    private float[,] Samples(float[,] x) => options.Quick ? Take(x, QuickSamples) : x;

    private void W1(SeqDevice d)
    {
        var x = sequences.XTrain;
        var y = sequences.YTrainSequence;
        using var model = new SeqToSeqLstm(d, Seed);
        Epoch(d, "W1 SeqToSeqLstm epoch", model, x, y, SeqToSeqLstm.KernelReport, (a, b) => model.Fit(a, (float[,,])b, 1, Batch, options: InOrder));
        var xv = options.Quick ? Take(sequences.XValid, QuickSamples) : sequences.XValid;
        int n = xv.GetLength(0);
        double first = Best(1, () => model.Predict(xv, n));
        double best = Best(Repetitions, () => model.Predict(xv, n));
        double flops = SeqToSeqLstm.KernelReport.InferenceFlopsPerSample(Steps) * n;
        Row($"W1 inference {n:N0} series, one batch", d, first, best, flops / best / 1e9, "");
    }

    private void W5(SeqDevice d)
    {
        // This check times the device's kernels: on PoCL a small prediction would otherwise run as host code.
        using var model = new SeqToSeqLstm(d, Seed) { SmallPredictionsOnHost = false };
        int calls = options.Quick ? QuickLatencyCalls : LatencyCalls;
        var one = Take(sequences.XValid, 1);
        double first = Best(1, () => model.Predict(one, 1));
        double latency = Best(Repetitions, () =>
        {
            for (int i = 0; i < calls; i++)
            {
                model.Predict(one, 1);
            }
        }) / calls;
        Row($"W5 batch-1 latency (µs per {Steps}-step sequence)", d, first, latency, double.NaN, $"{latency * 1e6:F0} µs");

        int large = options.Quick ? QuickLargeBatch : LargeBatch;
        var many = Take(sequences.XTrain, large);
        first = Best(1, () => model.Predict(many, large));
        double seconds = Best(Repetitions, () => model.Predict(many, large));
        Row($"W5 batch {large:N0} throughput", d, first, seconds, SeqToSeqLstm.KernelReport.InferenceFlopsPerSample(Steps) * large / seconds / 1e9, $"{large / seconds:N0} seq/s");
    }

    private void W3(SeqDevice d)
    {
        int steps = options.Quick ? QuickWideSteps : WideSteps;
        var data = ForecastData.Chapter15(Seed, steps, ahead: 1);
        var x = Take(data.XTrain, WideBatch * WideTrainingSteps);
        var y = Take(data.YTrain, WideBatch * WideTrainingSteps);
        using var model = new WideGru(d, Seed);
        var initial = model.GetWeights();
        double first = FirstCall(model, initial, () => model.Fit(Take(x, WideBatch), Take(y, WideBatch), 1, WideBatch, options: InOrder));
        var (seconds, loss) = TimeEpochs(model, initial, () => model.Fit(x, y, 1, WideBatch, options: InOrder), Repetitions);
        double flops = EpochFlops(WideGru.KernelReport, x.GetLength(0), WideBatch, steps);
        Row($"W3 WideGru training step, {steps} steps, batch {WideBatch}", d, first, seconds / WideTrainingSteps, flops / seconds / 1e9, loss.ToString("F6"));
    }

    /// <summary>One training epoch over <paramref name="x"/> (a slice in quick mode) from the model's initial weights, which are restored afterwards.</summary>
    private void Epoch(SeqDevice d, string what, ModelBase model, float[,,] x, Array y, KernelReport report, Func<float[,,], Array, History> fit)
    {
        x = Samples(x);
        y = y is float[,,] y3 ? Samples(y3) : Samples((float[,])y);
        var initial = model.GetWeights();
        double first = FirstCall(model, initial, () => fit(Take(x, Batch), y is float[,,] s3 ? Take(s3, Batch) : Take((float[,])y, Batch)));
        var (seconds, loss) = TimeEpochs(model, initial, () => fit(x, y), Repetitions);
        Row($"{what} {x.GetLength(0):N0}×{x.GetLength(1)}, batch {Batch}", d, first, seconds, EpochFlops(report, x.GetLength(0), Batch, x.GetLength(1)) / seconds / 1e9, loss.ToString("F6"));
    }

    private static void Row(string what, SeqDevice d, double first, double best, double gflops, string figure) =>
        Console.WriteLine($"{what,-44} {d.Schedule,-18} {first,8:F3} {best,9:F5} {(double.IsNaN(gflops) ? "-" : gflops.ToString("F2")),8} {figure,14}");

    /// <summary>Per-kernel shares (synchronized after each launch) of one run (an epoch, a prediction) with the device's own schedule, after an unprofiled one.</summary>
    private void Profile(string what, ModelBase model, Action run)
    {
        run();
        var watch = Stopwatch.StartNew();
        Dictionary<string, (int Launches, double Seconds)> totals;
        using (var profiler = KernelProfiler.Attach(model))
        {
            run();
            totals = profiler.Totals;
        }

        double kernels = totals.Values.Sum(t => t.Seconds);
        Console.WriteLine();
        Console.WriteLine($"Profile of {what} ({device.Schedule}; synchronized after every launch): {watch.Elapsed.TotalSeconds:F3} s, {kernels:F3} s inside launches");
        Console.WriteLine($"  {"kernel",-30} {"launches",9} {"total s",9} {"µs/launch",10} {"% kernels",10}");
        foreach (var (name, t) in totals.OrderByDescending(kv => kv.Value.Seconds))
        {
            Console.WriteLine($"  {name,-30} {t.Launches,9} {t.Seconds,9:F4} {1e6 * t.Seconds / t.Launches,10:F1} {100 * t.Seconds / kernels,10:F1}");
        }
    }
}
