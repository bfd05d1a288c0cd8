using System.Diagnostics;

namespace SeqDsl.Benchmarks;

/// <summary>
/// Peak resident memory (Linux's VmHWM) of a process. Each side's peak is measured in its own child process
/// (<c>--child seqdsl</c> / <c>--child torch</c>), since one process running both sides reports their union.
/// </summary>
internal static class MemoryProbe
{
    public const string Marker = "peak-rss-kB:";

    /// <summary>This process's VmHWM in MB, or NaN where /proc is missing.</summary>
    public static double PeakMegabytes()
    {
        const string Path = "/proc/self/status";
        if (!File.Exists(Path))
        {
            return double.NaN;
        }

        foreach (var line in File.ReadLines(Path))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }

    /// <summary>Runs this program again with <c>--child <paramref name="side"/></c> and returns the peak it prints, in MB.</summary>
    public static double InChild(string side, TimeSpan timeout)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(typeof(MemoryProbe).Assembly.Location);
        }

        info.ArgumentList.Add("--child");
        info.ArgumentList.Add(side);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return double.NaN;
        }

        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith(Marker, StringComparison.Ordinal))
            {
                return double.Parse(line[Marker.Length..], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        Console.Error.WriteLine($"memory probe ({side}) printed no peak: {output} {error.Result}");
        return double.NaN;
    }
}
