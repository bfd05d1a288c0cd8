namespace SeqDsl.Generator.Tests;

/// <summary>
/// Backpropagation through time stores the gradients it carries to the previous step flushed below 2^-100
/// (KernelMath.FlushTiny), in every cell, option and schedule, and the host code keeps that loop vectorized: a carried
/// gradient that sank into float's subnormal range made every later multiply a microcode assist on x86 CPUs.
/// </summary>
public class CarriedGradientTests
{
    private const string Flush = "global::SeqDsl.Kernels.KernelMath.FlushTiny(";

    [Theory]
    [InlineData("[Recurrent(SimpleRNN, 6)]", "dh[k] = " + Flush + "back[k]);")]
    [InlineData("[Recurrent(GRU, 6)]", "dh[k] = " + Flush + "dh[k] + back[k]);")]
    [InlineData("[Recurrent(GRU, 6, ResetAfter = false)]", "dh[k] = " + Flush + "dh[k] + back[k]);")]
    [InlineData("[Recurrent(GRU, 6, LayerNorm = true)]", "dh[k] = " + Flush + "dh[k] + back[k]);")]
    [InlineData("[Recurrent(LSTM, 6)]", "dh[k] = " + Flush + "back[k]);")]
    [InlineData("[Recurrent(SimpleRNN, 6, RecurrentDropout = 0.2)]", "dh[k] = " + Flush + "back[k] * stateMask[k]);")]
    public void The_thread_schedule_flushes_the_gradient_carried_to_the_previous_step(string layer, string carried)
    {
        var sources = GeneratorHarness.GenerateLayerThenDense(layer);
        Assert.Contains("for (int k = 0; k < Units; k++) " + carried, sources["Demo_M.Kernels.g.cs"]);
    }

    [Theory]
    [InlineData("[Recurrent(LSTM, 6)]", "dc[j] = " + Flush + "dcj * f);")]
    [InlineData("[Recurrent(LSTM, 6, Peepholes = true)]", "dc[j] = " + Flush + "dcj * f + dz[j] * parameters[InputPeephole + j] + dz[Units + j] * parameters[ForgetPeephole + j]);")]
    public void An_lstm_also_flushes_the_cell_gradient_it_carries(string layer, string carried)
    {
        var sources = GeneratorHarness.GenerateLayerThenDense(layer);
        Assert.Contains(carried, sources["Demo_M.Kernels.g.cs"]);
    }

    [Theory]
    [InlineData("[Recurrent(LSTM, 20)]", "dh[k] = " + Flush + "sum);", "dc[j] = " + Flush + "dcj * f);")]
    [InlineData("[Recurrent(GRU, 20)]", "dh[k] = " + Flush + "dh[k] + sum);", null)]
    [InlineData("[Recurrent(SimpleRNN, 20)]", "dh[k] = " + Flush + "sum);", null)]
    public void The_group_schedule_flushes_at_the_same_points(string layer, string carried, string? cell)
    {
        var kernels = GeneratorHarness.GenerateLayerThenDense(layer)["Demo_M.Kernels.g.cs"];
        string group = kernels.Substring(kernels.IndexOf("public static void Layer0GroupBackward(", System.StringComparison.Ordinal));
        Assert.Contains(carried, group);
        if (cell is not null)
        {
            Assert.Contains(cell, group);
        }
    }

    [Fact]
    public void The_host_code_flushes_whole_vectors()
    {
        var host = GeneratorHarness.GenerateLayerThenDense("[Recurrent(GRU, 20)]")["Demo_M.HostKernels.g.cs"];
        Assert.Contains("dh.Store(k, global::SeqDsl.Kernels.HostVector.FlushTiny(dh.Load(k) + back.Load(k)));", host);
    }
}
