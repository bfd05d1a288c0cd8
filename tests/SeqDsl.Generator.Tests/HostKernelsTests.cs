namespace SeqDsl.Generator.Tests;

/// <summary>What the host-code translation of a model's kernels looks like, beyond the snapshots.</summary>
public class HostKernelsTests
{
    [Fact]
    public void Small_local_arrays_live_on_the_stack_and_large_ones_on_the_heap()
    {
        string small = Generate("[Recurrent(LSTM, 20)]");
        Assert.Contains("var z = new HostView<float>(stackalloc float[GateWidth]);", small);

        // LSTM(4200): 16,800 gate columns, beyond the 16,384 floats (64 KB) kept on a thread's stack.
        string large = Generate("[Recurrent(LSTM, 4200)]");
        Assert.Contains("var z = new HostView<float>(new float[GateWidth]);", large);
        Assert.Contains("var h = new HostView<float>(stackalloc float[Units]);", large);
    }

    [Fact]
    public void Every_thread_schedule_kernel_has_a_launcher_with_the_ILGPU_launcher_s_parameters()
    {
        string host = Generate("[Recurrent(GRU, 8)]");
        Assert.Contains("public static void LaunchLayer0Forward(KernelConfig config, ArrayView<float> parameters, ", host);
        Assert.Contains("HostLauncher.Run(config, (worker, workers) => Layer0Forward(worker, workers, HostView.Of(parameters), ", host);
        Assert.Contains("for (int b = worker; b < batch; b += workers)", host);
        Assert.DoesNotContain("Layer0GroupForward", host); // GPUs' group kernels have no host form
        Assert.DoesNotContain("Grid.", host);
        Assert.DoesNotContain("LocalMemory", host);
    }

    private static string Generate(string layer)
    {
        var sources = GeneratorHarness.GenerateLayerThenDense(layer);
        return sources["Demo_M.HostKernels.g.cs"];
    }
}
