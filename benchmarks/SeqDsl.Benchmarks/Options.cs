using System.Globalization;

namespace SeqDsl.Benchmarks;

/// <summary>Command-line options of the benchmark.</summary>
internal sealed class Options
{
    public const string Usage = """
        SeqDsl.Benchmarks [options]
          --workloads W1,W2,...   workloads to run (W1..W7; default: all)
          --quick                 fewer repetitions and smaller inference/CPU-accelerator sizes (a smoke run)
          --profile               per-kernel timing of W1's and W4's epochs and W3's step (synchronizes after every launch)
          --torch-threads 1,2     libtorch intra-op thread counts to measure (default: 1 and all cores; --quick: 1)
          --no-memory             skip the per-side peak-memory child processes
          --no-cpu-accelerator    skip W1 on ILGPU's CPU accelerator
          --training-pass-rounds N  W1's epoch with and without PoCL's training-pass kernel, N interleaved epochs each in one process
          --help                  this text
        """;

    public HashSet<string> Workloads { get; } = new(StringComparer.OrdinalIgnoreCase) { "W1", "W2", "W3", "W4", "W5", "W6", "W7" };

    public bool Quick { get; private set; }

    public bool Profile { get; private set; }

    public bool Memory { get; private set; } = true;

    public bool CpuAccelerator { get; private set; } = true;

    /// <summary>Rounds of W1's training-pass comparison (<see cref="TrainingPassComparison"/>); 0: none.</summary>
    public int TrainingPassRounds { get; private set; }

    public int[] TorchThreads { get; private set; } = Array.Empty<int>();

    /// <summary>Internal: run one side of W1 in this (child) process and print its peak memory.</summary>
    public string? Child { get; private set; }

    public bool Help { get; private set; }

    /// <summary>Repetitions of each timed run (the best is reported).</summary>
    public int Repetitions => Quick ? 1 : 3;

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--workloads":
                case "-w":
                    o.Workloads.Clear();
                    foreach (var w in Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        o.Workloads.Add(w);
                    }

                    break;
                case "--quick":
                    o.Quick = true;
                    break;
                case "--profile":
                    o.Profile = true;
                    break;
                case "--no-memory":
                    o.Memory = false;
                    break;
                case "--no-cpu-accelerator":
                    o.CpuAccelerator = false;
                    break;
                case "--training-pass-rounds":
                    o.TrainingPassRounds = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--torch-threads":
                    o.TorchThreads = Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                    break;
                case "--child":
                    o.Child = Next();
                    break;
                case "--help":
                case "-h":
                    o.Help = true;
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}\n{Usage}");
            }
        }

        if (o.TorchThreads.Length == 0)
        {
            o.TorchThreads = o.Quick || Environment.ProcessorCount == 1 ? new[] { 1 } : new[] { 1, Environment.ProcessorCount };
        }

        return o;
    }
}
