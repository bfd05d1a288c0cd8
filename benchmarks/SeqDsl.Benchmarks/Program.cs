using System.Globalization;
using System.Runtime.InteropServices;
using SeqDsl;
using SeqDsl.Benchmarks;
using SeqDsl.Data;
using TorchSharp;

// The performance benchmark of the performance issue: workloads W1–W7 on SeqDsl (the best device: PoCL here) and on
// TorchSharp-cpu (libtorch) side by side, same model, data, batch size and initial weights, in one process.
// Not part of the test run. See benchmarks/README.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = Options.Parse(args);
if (options.Help)
{
    Console.WriteLine(Options.Usage);
    return 0;
}

if (options.Child is { } child)
{
    return Child.Run(child);
}

var report = new Report();
Console.WriteLine($"SeqDsl benchmarks, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(options.Quick ? ", --quick" : "")}");
Console.WriteLine($"machine: {Machine.Cpu}, {Environment.ProcessorCount} logical cores, load average at start {Machine.LoadAverage}");
Console.WriteLine($".NET {RuntimeInformation.FrameworkDescription}; TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch {TorchRunner.Version}; libtorch threads measured: {string.Join(", ", options.TorchThreads)}");

report.PeakOneCore = PeakFlops.Measure(1, options.Quick ? 0.2 : 0.5, options.Quick ? 2 : 3);
report.PeakAllCores = PeakFlops.Measure(Environment.ProcessorCount, options.Quick ? 0.2 : 0.5, options.Quick ? 2 : 3);
Console.WriteLine($"measured FP32 peak ({PeakFlops.Instructions} loop): {report.PeakOneCore:F1} GFLOP/s on one core, {report.PeakAllCores:F1} GFLOP/s on {Environment.ProcessorCount} cores");

using var device = SeqDevice.CreateBest();
Console.WriteLine("SeqDsl device: " + device.Description);
Console.WriteLine();
Console.WriteLine(SeqToSeqLstm.KernelReport.Describe(32, 50));

var workloads = new Workloads(options, report, device);
var runs = new (string Name, Action Run)[] { ("W1", workloads.W1), ("W2", workloads.W2), ("W3", workloads.W3), ("W4", workloads.W4), ("W5", workloads.W5), ("W6", workloads.W6), ("W7", workloads.W7) };
foreach (var (name, run) in runs.Where(r => options.Workloads.Contains(r.Name)))
{
    Console.WriteLine($"running {name} ...");
    run();
}

if (options.Memory && options.Workloads.Contains("W1"))
{
    Console.WriteLine("running W1 memory probes (one child process per side) ...");
    string weightsFile = Path.GetTempFileName();
    using (var initial = new SeqToSeqLstm(device, 42))
    {
        var w = initial.GetWeights();
        var bytes = new byte[w.Length * sizeof(float)];
        Buffer.BlockCopy(w, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(weightsFile, bytes);
    }

    report.Memory = (MemoryProbe.InChild("seqdsl", TimeSpan.FromMinutes(10)), MemoryProbe.InChild("torch:" + weightsFile, TimeSpan.FromMinutes(10)));
    File.Delete(weightsFile);
}

// The peak again after the workloads: on a shared VM one measurement can fall well below the machine's (128–195 GFLOP/s
// on the 2-core EPYC within minutes), which would inflate every %peak; the higher of the two is the one the table uses.
double startPeak = report.PeakAllCores;
report.PeakOneCore = Math.Max(report.PeakOneCore, PeakFlops.Measure(1, options.Quick ? 0.2 : 0.5, options.Quick ? 2 : 3));
report.PeakAllCores = Math.Max(startPeak, PeakFlops.Measure(Environment.ProcessorCount, options.Quick ? 0.2 : 0.5, options.Quick ? 2 : 3));
report.Notes.Add($"FP32 peak on {Environment.ProcessorCount} cores measured at the start {startPeak:F1} GFLOP/s and at the end; %peak uses the higher, {report.PeakAllCores:F1}");
report.Notes.Add($"load average at the end {Machine.LoadAverage}: timings on a shared machine are noisy; ratios come from one run, both sides measured back to back");
report.Notes.Add("training runs without shuffling on both sides (same batches, same order); Adam lr from the model, β 0.9/0.999, ε 1e-7; loss = mean per-sample MSE over the epoch");
report.Print(Console.Out);
return 0;

/// <summary>Where the benchmark runs.</summary>
internal static class Machine
{
    public static string Cpu =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : RuntimeInformation.ProcessArchitecture.ToString();

    public static string LoadAverage =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}

/// <summary>The child processes of the memory probe: one W1 training epoch on one side, then its peak resident memory.</summary>
internal static class Child
{
    public static int Run(string side)
    {
        var data = ForecastData.Chapter15(42, 50, ahead: 10);
        if (side == "seqdsl")
        {
            using var device = SeqDevice.CreateBest();
            using var model = new SeqToSeqLstm(device, 42);
            model.Fit(data.XTrain, data.YTrainSequence, 1, 32, options: SeqDslRunner.InOrder);
        }
        else if (side.StartsWith("torch:", StringComparison.Ordinal))
        {
            // The initial weights come from the parent in a file, so this process never loads ILGPU or OpenCL.
            var bytes = File.ReadAllBytes(side["torch:".Length..]);
            var weights = new float[bytes.Length / sizeof(float)];
            Buffer.BlockCopy(bytes, 0, weights, 0, bytes.Length);
            torch.set_num_threads(1);
            using var net = TorchStack.SeqToSeqLstm(SeqToSeqLstm.Definition.Parameters, weights);
            using var x = TorchRunner.Tensor(data.XTrain);
            using var y = TorchRunner.Tensor(data.YTrainSequence);
            TorchRunner.TrainEpoch(net, x, y, 32, SeqToSeqLstm.Definition.LearningRate);
        }
        else
        {
            Console.Error.WriteLine("--child takes seqdsl or torch:<weights file>");
            return 2;
        }

        Console.WriteLine(MemoryProbe.Marker + (MemoryProbe.PeakMegabytes() * 1024).ToString("F0", CultureInfo.InvariantCulture));
        return 0;
    }
}
