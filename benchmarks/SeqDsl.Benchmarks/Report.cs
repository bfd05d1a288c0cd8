using System.Globalization;

namespace SeqDsl.Benchmarks;

/// <summary>One side's result of one task: seconds (per the task's unit), the loss or check value, the first call.</summary>
internal sealed record Side(string Label, double Seconds, double? Loss = null);

/// <summary>One task of a workload, with the SeqDsl side and every TorchSharp configuration measured.</summary>
internal sealed record TaskResult(string Workload, string Task, double Flops, Side? SeqDsl, IReadOnlyList<Side> Torch, string Note = "")
{
    public Side? BestTorch => Torch.Count == 0 ? null : Torch.MinBy(t => t.Seconds);
}

/// <summary>First-call seconds (kernel compilation for SeqDsl; first batch for TorchSharp) per model and backend.</summary>
internal sealed record FirstCall(string Model, string Backend, double Seconds, string Note = "");

/// <summary>Collects the results and prints the tables.</summary>
internal sealed class Report
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public List<TaskResult> Tasks { get; } = new();

    public List<FirstCall> FirstCalls { get; } = new();

    public List<string> Skipped { get; } = new();

    public List<string> Notes { get; } = new();

    public double PeakAllCores { get; set; }

    public double PeakOneCore { get; set; }

    public (double SeqDsl, double Torch)? Memory { get; set; }

    public void Print(TextWriter o)
    {
        o.WriteLine();
        o.WriteLine($"{"workload",-4} {"task",-34} {"SeqDsl s",10} {"Torch s",10} {"thr",4} {"ratio",7} {"SeqDsl GF/s",12} {"%peak",6} {"Torch GF/s",11} {"%peak",6} {"loss SeqDsl",12} {"loss Torch",12}");
        o.WriteLine(new string('-', 140));
        foreach (var t in Tasks)
        {
            var torch = t.BestTorch;
            string S(Side? s) => s is null ? "-" : s.Seconds.ToString(s.Seconds < 0.01 ? "F5" : "F3", C);
            string Rate(Side? s) => s is null || t.Flops <= 0 ? "-" : (t.Flops / s.Seconds / 1e9).ToString("F1", C);
            string Pct(Side? s) => s is null || t.Flops <= 0 || PeakAllCores <= 0 ? "-" : (100 * t.Flops / s.Seconds / 1e9 / PeakAllCores).ToString("F1", C);
            string L(Side? s) => s?.Loss is double v ? v.ToString("G5", C) : "-";
            string ratio = t.SeqDsl is { } a && torch is { } b ? (a.Seconds / b.Seconds).ToString("F3", C) : "-";
            string threads = torch is null ? "-" : torch.Label;
            o.WriteLine($"{t.Workload,-4} {t.Task,-34} {S(t.SeqDsl),10} {S(torch),10} {threads,4} {ratio,7} {Rate(t.SeqDsl),12} {Pct(t.SeqDsl),6} {Rate(torch),11} {Pct(torch),6} {L(t.SeqDsl),12} {L(torch),12}");
            foreach (var other in t.Torch.Where(x => x != torch))
            {
                o.WriteLine($"{"",-4} {"  TorchSharp with " + other.Label + " thread(s)",-34} {"",10} {S(other),10} {other.Label,4} {(t.SeqDsl is { } c ? (c.Seconds / other.Seconds).ToString("F3", C) : "-"),7} {"",12} {"",6} {Rate(other),11} {Pct(other),6} {"",12} {L(other),12}");
            }

            if (t.Note.Length > 0)
            {
                o.WriteLine($"{"",-4}   note: {t.Note}");
            }
        }

        o.WriteLine();
        o.WriteLine("ratio = SeqDsl seconds / TorchSharp seconds (below 1: SeqDsl is faster); thr = libtorch threads of the best TorchSharp run;");
        o.WriteLine($"%peak = share of the measured all-core FMA peak ({PeakAllCores:F1} GFLOP/s; one core {PeakOneCore:F1}); GFLOP/s from the generated KernelReport's FLOP count, the same for both sides.");
        foreach (var s in Skipped)
        {
            o.WriteLine("skipped: " + s);
        }

        if (FirstCalls.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("First call (SeqDsl: kernel compilation + one batch; TorchSharp: first batch):");
            foreach (var f in FirstCalls)
            {
                o.WriteLine($"  {f.Model,-16} {f.Backend,-44} {f.Seconds,8:F3} s  {f.Note}");
            }
        }

        if (Memory is { } m)
        {
            o.WriteLine();
            o.WriteLine($"Peak process memory (VmHWM) for one W1 training epoch, each side alone in a child process: SeqDsl {m.SeqDsl:F0} MB, TorchSharp {m.Torch:F0} MB");
        }

        foreach (var n in Notes)
        {
            o.WriteLine("note: " + n);
        }
    }
}
