using System.Globalization;
using SeqDsl.Data;
using SeqDsl.Engine;
using TorchSharp;
using static SeqDsl.Benchmarks.SeqDslRunner;
using static SeqDsl.Benchmarks.WorkloadShapes;

namespace SeqDsl.Benchmarks;

/// <summary>The workloads of the performance issue, each run on SeqDsl and on TorchSharp from the same initial weights.</summary>
internal sealed class Workloads
{
    private readonly Options options;
    private readonly Report report;
    private readonly SeqDevice device;
    private ForecastSplit? sequences;
    private ForecastSplit? oneStep;

    public Workloads(Options options, Report report, SeqDevice device)
    {
        this.options = options;
        this.report = report;
        this.device = device;
    }

    /// <summary>The chapter 15 data with seq-to-seq targets (10 ahead at every step).</summary>
    private ForecastSplit Sequences => sequences ??= ForecastData.Chapter15(Seed, Steps, ahead: 10);

    /// <summary>The chapter 15 data with one-step targets.</summary>
    private ForecastSplit OneStep => oneStep ??= ForecastData.Chapter15(Seed, Steps, ahead: 1);

    private string Backend => device.Kind.ToString();

    public void W1()
    {
        var x = Sequences.XTrain;
        var y = Sequences.YTrainSequence;
        using var model = new SeqToSeqLstm(device, Seed);
        var initial = model.GetWeights();
        report.FirstCalls.Add(new("SeqToSeqLstm", device.Description, FirstCall(model, initial, () => model.Fit(Take(x, Batch), Take(y, Batch), 1, Batch, options: InOrder))));
        var (seconds, loss) = TimeEpochs(model, initial, () => model.Fit(x, y, 1, Batch, options: InOrder), options.Repetitions);
        double flops = EpochFlops(SeqToSeqLstm.KernelReport, x.GetLength(0), Batch, Steps);

        using var tx = TorchRunner.Tensor(x);
        using var ty = TorchRunner.Tensor(y);
        var torchSides = TorchEpochs("SeqToSeqLstm", () => TorchStack.SeqToSeqLstm(model.Parameters, initial), tx, ty, Batch, model.Description.LearningRate);
        report.Tasks.Add(new("W1", "training epoch 7,000×50, batch 32", flops, new(Backend, seconds, loss), torchSides));

        if (options.TrainingPassRounds > 0)
        {
            report.Notes.Add(TrainingPassComparison.Run(device, x, y, options.TrainingPassRounds));
        }

        if (options.Profile)
        {
            Profile("W1 training epoch", model, SeqToSeqLstm.KernelReport, x.GetLength(0), Batch, Steps, initial, () => model.Fit(x, y, 1, Batch, options: InOrder), seconds);
        }

        // Inference on the 2,000 validation series, one batch; the predictions of both sides are compared.
        var xv = Sequences.XValid;
        int n = xv.GetLength(0);
        model.Predict(xv, n);
        float[,,] predictions = model.Predict(xv, n);
        // The same prediction into one reused array (Predict(x, destination)): what a serving loop pays without the
        // fresh 2,000 × 50 × 10 result's allocation and first-touch page faults. The two forms alternate, so that
        // neither always runs right after the other.
        var reused = new float[n, predictions.GetLength(1), predictions.GetLength(2)];
        model.Predict(xv, reused, n);
        double inferSeconds = double.PositiveInfinity;
        double reusedSeconds = double.PositiveInfinity;
        for (int r = 0; r < options.Repetitions; r++)
        {
            inferSeconds = Math.Min(inferSeconds, Best(1, () => predictions = model.Predict(xv, n)));
            reusedSeconds = Math.Min(reusedSeconds, Best(1, () => model.Predict(xv, reused, n)));
        }

        if (!Flat(reused).SequenceEqual(Flat(predictions)))
        {
            throw new InvalidOperationException("W1: Predict(x, destination) differs from Predict(x).");
        }

        using var txv = TorchRunner.Tensor(xv);
        using var net = TorchStack.SeqToSeqLstm(model.Parameters, initial);
        var inferTorch = new List<Side>();
        float[] torchPredictions = Array.Empty<float>();
        foreach (int threads in options.TorchThreads)
        {
            torch.set_num_threads(threads);
            TorchRunner.Infer(net, txv, n);
            double best = double.PositiveInfinity;
            for (int r = 0; r < options.Repetitions; r++)
            {
                var (s, p) = TorchRunner.Infer(net, txv, n);
                best = Math.Min(best, s);
                torchPredictions = p;
            }

            inferTorch.Add(new(threads.ToString(CultureInfo.InvariantCulture), best));
        }

        double difference = Flat(predictions).Zip(torchPredictions, (a, b) => Math.Abs(a - b)).Max();
        report.Tasks.Add(new("W1", "inference 2,000 series, one batch", SeqToSeqLstm.KernelReport.InferenceFlopsPerSample(Steps) * n, new(Backend, inferSeconds), inferTorch,
            $"same weights: max |SeqDsl − TorchSharp| over the predictions = {difference:G3}; SeqDsl into a reused array (Predict(x, destination)) {reusedSeconds:F4} s = {reusedSeconds / inferSeconds:F2}× a new array's"));

        if (options.CpuAccelerator)
        {
            W1OnCpuAccelerator(x, y, seconds, torchSides);
        }
    }

    /// <summary>
    /// W1 without any OpenCL device: on ILGPU's CPU accelerator, the host code it runs by default (the kernels as
    /// vectorized C# on .NET threads, a full epoch, same data and weights as the others) and ILGPU's own kernels there
    /// (a slice of the data: they are 60–90× slower than PoCL).
    /// </summary>
    private void W1OnCpuAccelerator(float[,,] x, float[,,] y, double poclSeconds, IReadOnlyList<Side> torchSides)
    {
        using var cpu = SeqDevice.Cpu();
        double torchBest = torchSides.Min(t => t.Seconds);
        using (var model = new SeqToSeqLstm(cpu, Seed))
        {
            var initial = model.GetWeights();
            report.FirstCalls.Add(new("SeqToSeqLstm", cpu.Description + ", host code", FirstCall(model, initial, () => model.Fit(Take(x, Batch), Take(y, Batch), 1, Batch, options: InOrder))));
            var (seconds, loss) = TimeEpochs(model, initial, () => model.Fit(x, y, 1, Batch, options: InOrder), options.Repetitions);
            report.Tasks.Add(new("W1", "epoch on ILGPU CPU accel, host code", EpochFlops(SeqToSeqLstm.KernelReport, x.GetLength(0), Batch, Steps), new("host code", seconds, loss), torchSides,
                $"no OpenCL device: plain vectorized C# (KernelSchedule.HostCode) = {seconds / poclSeconds:F1}× the PoCL epoch"));
        }

        int samples = options.Quick ? 64 : 640;
        using var kernels = cpu.WithSchedule(KernelSchedule.ThreadPerSequence);
        using var simulated = new SeqToSeqLstm(kernels, Seed);
        var start = simulated.GetWeights();
        var xs = Take(x, samples);
        var ys = Take(y, samples);
        report.FirstCalls.Add(new("SeqToSeqLstm", cpu.Description + ", ILGPU kernels", FirstCall(simulated, start, () => simulated.Fit(Take(x, Batch), Take(y, Batch), 1, Batch, options: InOrder))));
        var (slice, sliceLoss) = TimeEpochs(simulated, start, () => simulated.Fit(xs, ys, 1, Batch, options: InOrder), 1);
        double full = slice * x.GetLength(0) / samples;
        report.Tasks.Add(new("W1", $"epoch on ILGPU CPU accel, ILGPU kernels, {samples:N0} samples", EpochFlops(SeqToSeqLstm.KernelReport, samples, Batch, Steps), new("CPU", slice, sliceLoss), Array.Empty<Side>(),
            $"reduced size: {samples:N0} of {x.GetLength(0):N0} samples; scaled to a full epoch ≈ {full:F1} s = {full / poclSeconds:F0}× the PoCL epoch, {full / torchBest:F1}× TorchSharp's best"));
    }

    public void W2()
    {
        var x = OneStep.XTrain;
        var y = OneStep.YTrain;
        using var model = new DeepRnn(device, Seed);
        var initial = model.GetWeights();
        report.FirstCalls.Add(new("DeepRnn", device.Description, FirstCall(model, initial, () => model.Fit(Take(x, Batch), Take(y, Batch), 1, Batch, options: InOrder))));
        var (seconds, loss) = TimeEpochs(model, initial, () => model.Fit(x, y, 1, Batch, options: InOrder), options.Repetitions);
        using var tx = TorchRunner.Tensor(x);
        using var ty = TorchRunner.Tensor(y);
        var torchSides = TorchEpochs("DeepRnn", () => TorchStack.DeepRnn(model.Parameters, initial), tx, ty, Batch, model.Description.LearningRate);
        report.Tasks.Add(new("W2", "training epoch 7,000×50, batch 32", EpochFlops(DeepRnn.KernelReport, x.GetLength(0), Batch, Steps), new(Backend, seconds, loss), torchSides));
    }

    /// <summary>W6: the seq-to-seq GRU on W1's data: one training epoch (the issue's "GRU seq-to-seq" model).</summary>
    public void W6()
    {
        var x = Sequences.XTrain;
        var y = Sequences.YTrainSequence;
        using var model = new SeqToSeqGru(device, Seed);
        var initial = model.GetWeights();
        report.FirstCalls.Add(new("SeqToSeqGru", device.Description, FirstCall(model, initial, () => model.Fit(Take(x, Batch), Take(y, Batch), 1, Batch, options: InOrder))));
        var (seconds, loss) = TimeEpochs(model, initial, () => model.Fit(x, y, 1, Batch, options: InOrder), options.Repetitions);
        using var tx = TorchRunner.Tensor(x);
        using var ty = TorchRunner.Tensor(y);
        var torchSides = TorchEpochs("SeqToSeqGru", () => TorchStack.SeqToSeqGru(model.Parameters, initial), tx, ty, Batch, model.Description.LearningRate);
        report.Tasks.Add(new("W6", "training epoch 7,000×50, batch 32", EpochFlops(SeqToSeqGru.KernelReport, x.GetLength(0), Batch, Steps), new(Backend, seconds, loss), torchSides));
    }

    /// <summary>
    /// W7: the seed's Conv1D+GRU model on W1's data, one training epoch. The strided valid convolution outputs 24 of the
    /// 50 steps; SeqDsl's Fit crops the full-length targets itself, TorchSharp gets the book's Y[:, 3::2] written out
    /// here (checked against SeqDsl's AlignTargets). The predictions of both sides from the initial weights are compared.
    /// </summary>
    public void W7()
    {
        const int ConvTaps = 4;
        const int ConvStride = 2;
        var x = Sequences.XTrain;
        var y = Sequences.YTrainSequence;
        using var model = new ConvGru(device, Seed);
        // The KernelReport counts each layer at the steps its kernels loop over: the convolution's output steps (24 of 50).
        Console.WriteLine(ConvGru.KernelReport.Describe(Batch, Steps));
        var initial = model.GetWeights();
        report.FirstCalls.Add(new("ConvGru", device.Description, FirstCall(model, initial, () => model.Fit(Take(x, Batch), Take(y, Batch), 1, Batch, options: InOrder))));
        var (seconds, loss) = TimeEpochs(model, initial, () => model.Fit(x, y, 1, Batch, options: InOrder), options.Repetitions);

        using var tx = TorchRunner.Tensor(x);
        using var tyFull = TorchRunner.Tensor(y);
        // Output step j of Conv1D(kernel 4, stride 2, valid) ends at input step 3 + 2j: the book's Y[:, 3::2].
        using var ty = tyFull.slice(1, ConvTaps - 1, Steps, ConvStride).contiguous();
        float[] aligned = Flat(model.AlignTargets(y));
        float[] cropped = ty.data<float>().ToArray();
        if (aligned.Length != cropped.Length || aligned.Zip(cropped).Any(p => p.First != p.Second))
        {
            throw new InvalidOperationException($"W7: SeqDsl's AlignTargets ({aligned.Length} values) differs from the book's Y[:, 3::2] ({cropped.Length} values); the two sides would train on different targets.");
        }

        var torchSides = TorchEpochs("ConvGru", () => TorchStack.ConvGru(model.Parameters, initial), tx, ty, Batch, model.Description.LearningRate);

        // Same weights, same predictions: the validation series through both sides from the initial weights (TimeEpochs restored them).
        var xv = Sequences.XValid;
        int n = xv.GetLength(0);
        float[] predictions = Flat(model.Predict(xv, n));
        using var txv = TorchRunner.Tensor(xv);
        using var net = TorchStack.ConvGru(model.Parameters, initial);
        float[] torchPredictions = TorchRunner.Infer(net, txv, n).Predictions;
        if (predictions.Length != torchPredictions.Length)
        {
            throw new InvalidOperationException($"W7: SeqDsl predicts {predictions.Length} values for the {n} validation series, TorchSharp {torchPredictions.Length}.");
        }

        double difference = predictions.Zip(torchPredictions, (a, b) => Math.Abs(a - b)).Max();
        double torchLoss = torchSides[0].Loss ?? double.NaN;
        double lossGap = Math.Abs(loss - torchLoss) / torchLoss;
        report.Tasks.Add(new("W7", "training epoch 7,000×50, batch 32", EpochFlops(ConvGru.KernelReport, x.GetLength(0), Batch, Steps), new(Backend, seconds, loss), torchSides,
            $"same weights: max |SeqDsl − TorchSharp| over {n:N0} validation predictions = {difference:G3}; epoch losses differ by {100 * lossGap:F2}%; targets Y[:, 3::2] ({model.OutputSteps(Steps)} of {Steps} steps)"));
    }

    public void W3()
    {
        // Steps per timed run: enough that Fit's fixed cost per call weighs little (the same code measured 0.227–0.250 s
        // per step as one run of 2 steps, 0.174–0.205 s as the best of 3 runs of 4); a step took minutes in the first
        // sessions and takes about 0.2 s now.
        int trainingSteps = options.Quick ? 1 : 4;
        var data = ForecastData.Chapter15(Seed, WideSteps, ahead: 1);
        var x = Take(data.XTrain, WideBatch * trainingSteps);
        var y = Take(data.YTrain, WideBatch * trainingSteps);
        using var model = new WideGru(device, Seed);
        var initial = model.GetWeights();
        report.FirstCalls.Add(new("WideGru", device.Description, FirstCall(model, initial, () => model.Fit(Take(x, WideBatch), Take(y, WideBatch), 1, WideBatch, options: InOrder))));
        var (seconds, loss) = TimeEpochs(model, initial, () => model.Fit(x, y, 1, WideBatch, options: InOrder), options.Repetitions); // best of as many runs as TorchSharp's
        using var tx = TorchRunner.Tensor(x);
        using var ty = TorchRunner.Tensor(y);
        var torchSides = TorchEpochs("WideGru", () => TorchStack.WideGru(model.Parameters, initial), tx, ty, WideBatch, model.Description.LearningRate, perStep: trainingSteps);
        if (options.Profile)
        {
            Profile($"W3 training ({trainingSteps} step(s))", model, WideGru.KernelReport, x.GetLength(0), WideBatch, WideSteps, initial, () => model.Fit(x, y, 1, WideBatch, options: InOrder), seconds);
        }

        report.Tasks.Add(new("W3", "training step 64×256 (seconds per step)", WideGru.KernelReport.TrainingFlops(WideBatch, WideSteps), new(Backend, seconds / trainingSteps, loss), torchSides,
            $"{trainingSteps} step(s) per timed run; loss = mean over those steps"));
    }

    public void W4()
    {
        SimpleWaveNet model;
        try
        {
            model = new SimpleWaveNet(device, Seed);
        }
        catch (NotSupportedException e)
        {
            report.Skipped.Add("W4 (simple WaveNet): not yet supported: " + e.Message);
            return;
        }

        using (model)
        {
            var x = Sequences.XTrain;
            var y = Sequences.YTrainSequence;
            var initial = model.GetWeights();
            report.FirstCalls.Add(new("SimpleWaveNet", device.Description, FirstCall(model, initial, () => model.Fit(Take(x, Batch), Take(y, Batch), 1, Batch, options: InOrder))));
            var (seconds, loss) = TimeEpochs(model, initial, () => model.Fit(x, y, 1, Batch, options: InOrder), options.Repetitions);
            using var tx = TorchRunner.Tensor(x);
            using var ty = TorchRunner.Tensor(y);
            var torchSides = TorchEpochs("SimpleWaveNet", () => TorchStack.SimpleWaveNet(model.Parameters, initial), tx, ty, Batch, model.Description.LearningRate);
            report.Tasks.Add(new("W4", "training epoch 7,000×50, batch 32", EpochFlops(SimpleWaveNet.KernelReport, x.GetLength(0), Batch, Steps), new(Backend, seconds, loss), torchSides));
            if (options.Profile)
            {
                Profile("W4 training epoch", model, SimpleWaveNet.KernelReport, x.GetLength(0), Batch, Steps, initial, () => model.Fit(x, y, 1, Batch, options: InOrder), seconds);
            }
        }
    }

    public void W5()
    {
        using var model = new SeqToSeqLstm(device, Seed);
        var initial = model.GetWeights();
        using var net = TorchStack.SeqToSeqLstm(model.Parameters, initial);
        double perSample = SeqToSeqLstm.KernelReport.InferenceFlopsPerSample(Steps);

        // Batch 1: latency of one 50-step sequence, averaged over many calls. On PoCL the model's default runs it as host
        // code (SmallPredictionsOnHost); the device's kernels are timed as well, right after.
        int calls = options.Quick ? 50 : 300;
        var one = Take(Sequences.XValid, 1);
        double BatchOneLatency()
        {
            model.Predict(one, 1);
            return Best(options.Repetitions, () =>
            {
                for (int i = 0; i < calls; i++)
                {
                    model.Predict(one, 1);
                }
            }) / calls;
        }

        double latency = BatchOneLatency();
        bool routed = device.Kind == DeviceKind.OpenCLCpu && model.SmallPredictionsOnHost;
        double kernelLatency = latency;
        if (routed)
        {
            model.SmallPredictionsOnHost = false;
            kernelLatency = BatchOneLatency();
            model.SmallPredictionsOnHost = true;
        }
        using var tone = TorchRunner.Tensor(one);
        var torchLatency = new List<Side>();
        foreach (int threads in options.TorchThreads)
        {
            torch.set_num_threads(threads);
            TorchRunner.Infer(net, tone, 1);
            torchLatency.Add(new(threads.ToString(CultureInfo.InvariantCulture), Best(options.Repetitions, () =>
            {
                for (int i = 0; i < calls; i++)
                {
                    TorchRunner.Infer(net, tone, 1);
                }
            }) / calls));
        }

        string route = routed ? " (host code: SmallPredictionsOnHost)" : string.Empty;
        report.Tasks.Add(new("W5", "inference batch 1 (seconds per seq)", perSample, new(Backend, latency), torchLatency,
            $"SeqDsl {latency * 1e6:F0} µs per sequence{route} ({1 / latency:F0} seq/s), TorchSharp best {torchLatency.Min(t => t.Seconds) * 1e6:F0} µs; mean of {calls} calls"));
        if (routed)
        {
            report.Tasks.Add(new("W5", $"batch 1 on {Backend}'s kernels", perSample, new(Backend, kernelLatency), torchLatency,
                $"SmallPredictionsOnHost = false: {kernelLatency * 1e6:F0} µs per sequence = {kernelLatency / latency:F2}× the default's; mean of {calls} calls"));
        }

        // The same latency with host code on ILGPU's CPU accelerator (same weights): no device queue between the calls.
        using (var cpu = SeqDevice.Cpu())
        using (var onHost = new SeqToSeqLstm(cpu.WithSchedule(KernelSchedule.HostCode), Seed)) // whatever SEQDSL_SCHEDULE says
        {
            onHost.SetWeights(initial);
            onHost.Predict(one, 1);
            double hostLatency = Best(options.Repetitions, () =>
            {
                for (int i = 0; i < calls; i++)
                {
                    onHost.Predict(one, 1);
                }
            }) / calls;
            report.Tasks.Add(new("W5", "batch 1 on ILGPU CPU accel, host code", perSample, new("host code", hostLatency), torchLatency,
                $"host code {hostLatency * 1e6:F0} µs per sequence = {hostLatency / kernelLatency:F2}× the latency of {Backend}'s kernels; mean of {calls} calls"));
        }

        // Batch 4,096: throughput.
        var many = Take(Sequences.XTrain, LargeBatch);
        model.Predict(many, LargeBatch);
        double seconds = Best(options.Repetitions, () => model.Predict(many, LargeBatch));
        using var tmany = TorchRunner.Tensor(many);
        var torchLarge = new List<Side>();
        foreach (int threads in options.TorchThreads)
        {
            torch.set_num_threads(threads);
            TorchRunner.Infer(net, tmany, LargeBatch);
            torchLarge.Add(new(threads.ToString(CultureInfo.InvariantCulture), Best(options.Repetitions, () => TorchRunner.Infer(net, tmany, LargeBatch))));
        }

        report.Tasks.Add(new("W5", "inference batch 4,096 (seconds)", perSample * LargeBatch, new(Backend, seconds), torchLarge,
            $"SeqDsl {LargeBatch / seconds:N0} seq/s, TorchSharp best {LargeBatch / torchLarge.Min(t => t.Seconds):N0} seq/s"));
    }

    /// <summary>One TorchSharp epoch per thread count, best of the repetitions, each from the initial weights.</summary>
    private List<Side> TorchEpochs(string model, Func<TorchStack> build, torch.Tensor x, torch.Tensor y, int batch, double learningRate, int perStep = 1)
    {
        var sides = new List<Side>();
        bool firstRecorded = false;
        foreach (int threads in options.TorchThreads)
        {
            torch.set_num_threads(threads);
            double best = double.PositiveInfinity;
            double loss = double.NaN;
            for (int r = 0; r < options.Repetitions; r++)
            {
                using var net = build();
                var (seconds, l, first) = TorchRunner.TrainEpoch(net, x, y, batch, learningRate);
                if (!firstRecorded)
                {
                    report.FirstCalls.Add(new(model, $"TorchSharp (libtorch {TorchRunner.Version}, {threads} thread)", first, "first batch"));
                    firstRecorded = true;
                }

                best = Math.Min(best, seconds / perStep);
                loss = l;
            }

            sides.Add(new(threads.ToString(CultureInfo.InvariantCulture), best, loss));
        }

        return sides;
    }

    /// <summary>The layers and pass of a Conv1D stack kernel's launcher (layersNToMForward, layersNToMBackward: CPU devices), or null.</summary>
    private static (int First, int Last, bool Forward)? ConvStack(string name)
    {
        var match = System.Text.RegularExpressions.Regex.Match(name, "^layers([0-9]+)To([0-9]+)(Forward|Backward)$");
        return match.Success
            ? (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), match.Groups[3].Value == "Forward")
            : null;
    }

    private void Profile(string what, ModelBase model, KernelReport kernelReport, int samples, int batch, int steps, float[] initial, Func<History> fit, double unprofiledSeconds)
    {
        model.SetWeights(initial);
        Dictionary<string, (int Launches, double Seconds)> totals;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using (var profiler = KernelProfiler.Attach(model))
        {
            fit();
            totals = profiler.Totals;
        }

        double elapsed = watch.Elapsed.TotalSeconds;
        model.SetWeights(initial);
        double kernels = totals.Values.Sum(t => t.Seconds);
        double Epoch(Func<LayerCost, CostTerms> terms, LayerCost layer)
        {
            double total = 0;
            for (int start = 0; start < samples; start += batch)
            {
                total += terms(layer).For(Math.Min(batch, samples - start), layer.StepsFor(steps));
            }

            return total;
        }

        var o = Console.Out;
        o.WriteLine();
        o.WriteLine($"Profile of {what} of {kernelReport.Model} on {device.Description} (synchronized after every launch):");
        o.WriteLine($"  profiled run {elapsed:F3} s (unprofiled best {unprofiledSeconds:F3} s); time inside launches {kernels:F3} s; host and synchronization {elapsed - kernels:F3} s");
        o.WriteLine($"  {"kernel",-30} {"launches",9} {"total s",9} {"ms/launch",10} {"% kernels",10} {"GFLOP/s",8}");
        // A recurrent layer's forward is its Forward kernel, or on CPUs its BlockForward (four sequences per thread) for batches of
        // four or more: the layer's forward FLOPs are rated against both together, on each of their rows.
        static bool IsForward(string name, string prefix) => name == prefix + "Forward" || name == prefix + "BlockForward";
        foreach (var (name, t) in totals.OrderByDescending(kv => kv.Value.Seconds))
        {
            int layer = Enumerable.Range(0, kernelReport.Layers.Count).FirstOrDefault(i => IsForward(name, "layer" + i.ToString(CultureInfo.InvariantCulture)), -1);
            double forwardSeconds = layer < 0 ? 0 : totals.Where(kv => IsForward(kv.Key, "layer" + layer.ToString(CultureInfo.InvariantCulture))).Sum(kv => kv.Value.Seconds);
            string rate = layer >= 0 ? (Epoch(l => l.ForwardFlops, kernelReport.Layers[layer]) / forwardSeconds / 1e9).ToString("F2", CultureInfo.InvariantCulture)
                : ConvStack(name) is { } stack ? (Enumerable.Range(stack.First, stack.Last - stack.First + 1).Sum(i => Epoch(l => stack.Forward ? l.ForwardFlops : l.BackwardFlops, kernelReport.Layers[i])) / t.Seconds / 1e9).ToString("F2", CultureInfo.InvariantCulture)
                : "-";
            o.WriteLine($"  {name,-30} {t.Launches,9} {t.Seconds,9:F3} {1000 * t.Seconds / t.Launches,10:F3} {100 * t.Seconds / kernels,10:F1} {rate,8}");
        }

        o.WriteLine("  GFLOP/s from the KernelReport's FLOPs (a layer's forward rated against its Forward and BlockForward kernels together, a Conv1D stack's against its layers' forward or backward); a layer's backward FLOPs are shared by its Backward, BlockBackward, WeightGradientPartials and WeightGradients kernels (those it has), so they are given for their sum");
        o.WriteLine("  (the model-wide transposeWeights and weightGradients launches serve every layer and are left out, so these rates are a little high):");
        for (int i = 0; i < kernelReport.Layers.Count; i++)
        {
            string prefix = "layer" + i.ToString(CultureInfo.InvariantCulture);
            double s = totals.Where(kv => kv.Key == prefix + "Backward" || kv.Key == prefix + "BlockBackward" || kv.Key == prefix + "WeightGradientPartials" || kv.Key == prefix + "WeightGradients").Sum(kv => kv.Value.Seconds);
            if (s > 0)
            {
                o.WriteLine($"  {prefix} {kernelReport.Layers[i].Title}: backward {s:F3} s, {Epoch(l => l.BackwardFlops, kernelReport.Layers[i]) / s / 1e9:F2} GFLOP/s");
            }
        }
    }
}
