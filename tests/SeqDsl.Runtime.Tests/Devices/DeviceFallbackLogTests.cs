using SeqDsl;

namespace SeqDsl.Runtime.Tests.Devices;

/// <summary>
/// With the real probes, every device skipped on the way to the chosen one is logged with the reason it was skipped
/// (on a machine without a CUDA driver: that the driver library is missing).
/// </summary>
[Collection(DeviceCollection.Name)]
public sealed class DeviceFallbackLogTests
{
    [Fact]
    public void Every_skipped_device_is_logged_with_its_reason()
    {
        using var device = SeqDevice.CreateBest("auto");
        var log = device.SelectionLog;

        Assert.Contains(": selected ", log[^1], StringComparison.Ordinal);
        foreach (var line in log.Take(log.Count - 1))
        {
            Assert.DoesNotContain(": selected ", line, StringComparison.Ordinal);
            // "key: reason (n ms)": a reason of its own, not just the key and the time.
            Assert.Matches(@"^(cuda|opencl|pocl): .{8,} \(\d+ ms\)$", line);
        }

        if (device.Kind != DeviceKind.Cuda)
        {
            Assert.StartsWith("cuda: ", log[0], StringComparison.Ordinal);
            Assert.Matches("CUDA", log[0]);
        }
    }
}
