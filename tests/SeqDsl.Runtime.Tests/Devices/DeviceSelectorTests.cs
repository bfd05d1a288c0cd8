using SeqDsl;

namespace SeqDsl.Runtime.Tests.Devices;

/// <summary>Selection order, fall-back and the SEQDSL_DEVICE override, with fake probes instead of drivers.</summary>
public sealed class DeviceSelectorTests
{
    private sealed record FakeDevice(string Name);

    /// <summary>Probes shaped like the real ones; <paramref name="available"/> lists the keys that succeed.</summary>
    private static (List<DeviceProbe<FakeDevice>> Probes, List<string> Called) Probes(params string[] available)
    {
        var called = new List<string>();
        var probes = new List<DeviceProbe<FakeDevice>>();
        foreach (var key in new[] { "cuda", "opencl", "pocl", "cpu" })
        {
            probes.Add(new DeviceProbe<FakeDevice>(key, $"the {key} device", () =>
            {
                called.Add(key);
                if (!available.Contains(key))
                    throw new DeviceUnavailableException($"no {key} here");
                return new FakeDevice(key);
            }));
        }
        return (probes, called);
    }

    private static FakeDevice Select(List<DeviceProbe<FakeDevice>> probes, string? forced, List<string> log) =>
        DeviceSelector.Select(probes, forced, d => $"fake {d.Name}", () => "installed: fake pocl, fake cpu", log);

    [Theory]
    [InlineData("cuda", new[] { "cuda", "opencl", "pocl", "cpu" })]
    [InlineData("opencl", new[] { "opencl", "pocl", "cpu" })]
    [InlineData("pocl", new[] { "pocl", "cpu" })]
    [InlineData("cpu", new[] { "cpu" })]
    public void Picks_the_first_available_in_the_order_cuda_opencl_pocl_cpu(string expected, string[] available)
    {
        var (probes, called) = Probes(available);
        var log = new List<string>();
        Assert.Equal(expected, Select(probes, null, log).Name);
        // Probes after the chosen one never run (they would create accelerators for nothing).
        var order = new[] { "cuda", "opencl", "pocl", "cpu" };
        Assert.Equal(order.Take(Array.IndexOf(order, expected) + 1), called);
    }

    [Fact]
    public void Logs_one_line_per_probe_with_the_reason_or_the_selected_device()
    {
        var (probes, _) = Probes("pocl", "cpu");
        var log = new List<string>();
        Select(probes, null, log);
        Assert.Equal(3, log.Count);
        Assert.StartsWith("cuda: no cuda here (", log[0], StringComparison.Ordinal);
        Assert.StartsWith("opencl: no opencl here (", log[1], StringComparison.Ordinal);
        Assert.StartsWith("pocl: selected fake pocl (", log[2], StringComparison.Ordinal);
    }

    [Fact]
    public void An_unexpected_exception_in_a_probe_falls_back_and_is_logged_with_its_type()
    {
        var probes = new List<DeviceProbe<FakeDevice>>
        {
            new("cuda", "a CUDA GPU", () => throw new DllNotFoundException("libcuda exploded")),
            new("cpu", "the CPU", () => new FakeDevice("cpu")),
        };
        var log = new List<string>();
        Assert.Equal("cpu", Select(probes, "auto", log).Name);
        Assert.StartsWith("cuda: failed with DllNotFoundException: libcuda exploded", log[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void A_forced_key_runs_only_that_probe(string forced)
    {
        var (probes, called) = Probes("cuda", "opencl", "pocl", "cpu");
        Assert.Equal("cpu", Select(probes, forced, new List<string>()).Name);
        Assert.Equal(new[] { "cpu" }, called);
    }

    [Theory]
    [InlineData("")]
    [InlineData("auto")]
    [InlineData("Best")]
    public void Empty_auto_and_best_mean_no_override(string forced)
    {
        var (probes, called) = Probes("opencl", "cpu");
        Assert.Equal("opencl", Select(probes, forced, new List<string>()).Name);
        Assert.Equal(new[] { "cuda", "opencl" }, called);
    }

    [Fact]
    public void A_forced_device_that_is_missing_is_an_error_naming_the_reason_and_what_was_found()
    {
        var (probes, called) = Probes("pocl", "cpu");
        var error = Assert.Throws<SeqDeviceUnavailableException>(() => Select(probes, "cuda", new List<string>()));
        Assert.Contains("SEQDSL_DEVICE=cuda asks for the cuda device", error.Message, StringComparison.Ordinal);
        Assert.Contains("no cuda here", error.Message, StringComparison.Ordinal);
        Assert.Contains("installed: fake pocl, fake cpu", error.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { "cuda" }, called); // no silent fall-back to another device
    }

    [Fact]
    public void An_unknown_forced_value_is_an_error_listing_the_valid_values()
    {
        var (probes, called) = Probes("cpu");
        var error = Assert.Throws<SeqDeviceUnavailableException>(() => Select(probes, "gpu", new List<string>()));
        Assert.Contains("SEQDSL_DEVICE is 'gpu'", error.Message, StringComparison.Ordinal);
        Assert.Contains("cuda, opencl, pocl, cpu", error.Message, StringComparison.Ordinal);
        Assert.Empty(called);
    }

    [Fact]
    public void When_every_probe_fails_the_error_lists_every_reason()
    {
        var (probes, _) = Probes();
        var error = Assert.Throws<SeqDeviceUnavailableException>(() => Select(probes, null, new List<string>()));
        foreach (var key in new[] { "cuda", "opencl", "pocl", "cpu" })
            Assert.Contains($"{key}: no {key} here", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_device_listing_does_not_hide_the_real_error()
    {
        var (probes, _) = Probes();
        var error = Assert.Throws<SeqDeviceUnavailableException>(() =>
            DeviceSelector.Select(probes, "pocl", d => d.Name, () => throw new DllNotFoundException("no libOpenCL"), new List<string>()));
        Assert.Contains("no pocl here", error.Message, StringComparison.Ordinal);
        Assert.Contains("listing devices failed: DllNotFoundException: no libOpenCL", error.Message, StringComparison.Ordinal);
    }
}
