using System.Globalization;

namespace SeqDsl.DeviceCheck;

/// <summary>Command-line options of the device check.</summary>
internal sealed class CheckOptions
{
    public const string Usage = """
        DeviceCheck [options]
          --device cuda|opencl|pocl|cpu   the device to check (default: cuda); the reference is always host code on ILGPU's CPU accelerator
          --quick                          a few models, one schedule pair, small timings (what test.sh runs on the CPU)
          --no-timings                     correctness and training checks only
          --own-schedule                   time the device's own schedule only (the correctness checks still run both)
          --timings-only                   the timings alone, no correctness or training checks (an A/B run of two builds)
          --workloads W1,W5,...            time these workloads only (default: all of W1-W7, then the profiles of W1 and W3)
          --budget SECONDS                 skip the timings still to come once this much wall time has passed (default 420)
          --help                           this text
        """;

    /// <summary>The workloads <see cref="WorkloadTimings"/> knows, as <c>--workloads</c> names them.</summary>
    public static readonly IReadOnlyList<string> KnownWorkloads = ["W1", "W2", "W3", "W4", "W5", "W6", "W7"];

    public string Device { get; private set; } = "cuda";

    public bool Quick { get; private set; }

    public bool Timings { get; private set; } = true;

    public bool OwnScheduleOnly { get; private set; }

    /// <summary>Skip the models' comparison with host code and the training check.</summary>
    public bool TimingsOnly { get; private set; }

    /// <summary>The workloads to time (W1…W7); null for all of them.</summary>
    public IReadOnlySet<string>? Workloads { get; private set; }

    /// <summary>Whether <paramref name="workload"/> (W1…W7) is to be timed.</summary>
    public bool Times(string workload) => Workloads is null || Workloads.Contains(workload);

    public double BudgetSeconds { get; private set; } = 420;

    public bool Help { get; private set; }

    public static CheckOptions Parse(string[] args)
    {
        var o = new CheckOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value\n{Usage}");
            switch (args[i])
            {
                case "--device":
                    o.Device = Next().ToLowerInvariant();
                    if (o.Device is not ("cuda" or "opencl" or "pocl" or "cpu"))
                        throw new ArgumentException($"--device is '{o.Device}', but must be cuda, opencl, pocl or cpu\n{Usage}");
                    break;
                case "--quick":
                    o.Quick = true;
                    break;
                case "--no-timings":
                    o.Timings = false;
                    break;
                case "--own-schedule":
                    o.OwnScheduleOnly = true;
                    break;
                case "--timings-only":
                    o.TimingsOnly = true;
                    break;
                case "--workloads":
                    string list = Next();
                    var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(n => n.ToUpperInvariant()).ToHashSet();
                    string? unknown = names.FirstOrDefault(n => !KnownWorkloads.Contains(n));
                    if (names.Count == 0 || unknown is not null)
                        throw new ArgumentException($"--workloads is '{list}', but {(unknown is null ? "names none" : $"'{unknown}' is not one of {string.Join(", ", KnownWorkloads)}")}\n{Usage}");
                    o.Workloads = names;
                    break;
                case "--budget":
                    string budget = Next();
                    if (!double.TryParse(budget, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0))
                        throw new ArgumentException($"--budget is '{budget}', but must be a positive number of seconds\n{Usage}");
                    o.BudgetSeconds = seconds;
                    break;
                case "--help":
                case "-h":
                    o.Help = true;
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}\n{Usage}");
            }
        }

        if (o.TimingsOnly && !o.Timings)
            throw new ArgumentException($"--timings-only and --no-timings together would check nothing\n{Usage}");
        return o;
    }

    /// <summary>The device named by <see cref="Device"/>; throws <see cref="SeqDeviceUnavailableException"/> (with the reason) when it is missing.</summary>
    public SeqDevice OpenDevice() => Device switch
    {
        "cuda" => SeqDevice.Cuda(),
        "opencl" => SeqDevice.OpenCL(),
        "pocl" => SeqDevice.PoCL(),
        "cpu" => SeqDevice.Cpu(),
        _ => throw new ArgumentException($"--device is '{Device}', but must be cuda, opencl, pocl or cpu"),
    };
}
