using static SeqDsl.Cell;

namespace SeqDsl.Kernels.Tests;

// Recurrent layers of at most 128 gate columns, whose forward products keep a separate multiply and add on every device;
// every activation is arithmetic (the rational tanh and the gates' sigmoid through it), so PoCL's forward runs the same
// operations in the same order as ILGPU's CPU accelerator. Their backward products are fused, as every layer's.
[SequenceModel(InputFeatures = 2)]
[Recurrent(LSTM, 12, ReturnSequences = true)]
[Recurrent(GRU, 8)]
[Dense(1)]
public partial class NarrowProductsModel { }

/// <summary>
/// Every recurrent layer accumulates its backward products, and a layer wider than 128 gate columns its forward products
/// too, with one FMA instruction on OpenCL where the processor has FMA (RecurrentEmitter.FusesProductsFor,
/// DeviceProbes.HostHasFma), where ILGPU's CPU accelerator runs .NET's separate multiply and add: PoCL's gradients must
/// then differ from the CPU accelerator's in their last bits, and a wide layer's predictions too; a narrow layer's
/// predictions and loss must not differ at all (every forward operation is then the same, the activations included, as
/// they are arithmetic). A generator change that dropped the fused products on PoCL, or fused a narrow layer's forward,
/// fails here. That the block kernels give the one-sequence kernels' bits with fused products on PoCL
/// is SequenceBlockTests' concern, the partial-sum kernels' ScheduleTests'.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class FusedProductsTests : IClassFixture<PoclScheduleFixture>
{
    private readonly SeqDevice cpu;
    private readonly PoclScheduleFixture pocl;

    public FusedProductsTests(CpuDeviceFixture cpuFixture, PoclScheduleFixture poclFixture)
    {
        cpu = cpuFixture.Device.WithSchedule(KernelSchedule.ThreadPerSequence);
        pocl = poclFixture;
    }

    [Fact]
    public void PoCL_rounds_every_backward_product_and_a_wide_layers_forward_once_and_a_narrow_forward_as_the_CPU_accelerator_does()
    {
        if (pocl.Device is null)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        // WideGruModel: SimpleRNN(3), then GRU(64) with 192 gate columns.
        var wide = DeviceComparison.Compare(typeof(WideGruModel), cpu, pocl.Device, samples: 6);
        Assert.All(wide.Differences, d => Assert.True(d.Problem is null && d.Relative < 1e-5, $"{d.What}: {d.Problem ?? d.Relative.ToString("E2")}"));
        if (DeviceProbes.HostHasFma)
        {
            Assert.Contains(wide.Differences, d => d.What == "gradient of gru/recurrent_kernel" && d.Relative > 0);
            Assert.Contains(wide.Differences, d => d.What == "gradient of simple_rnn/kernel" && d.Relative > 0); // reached through the GRU's fused backward
        }
        else
        {
            // Without FMA instructions PoCL runs the multiply and add of other backends (FusedMultiplyAdd).
            Assert.All(wide.Differences, d => Assert.Equal(0, d.Relative));
        }
        Assert.True(wide.AnyNonZeroGradient);

        var narrow = DeviceComparison.Compare(typeof(NarrowProductsModel), cpu, pocl.Device, samples: 6);
        Assert.True(narrow.AnyNonZeroGradient);
        var narrowForward = Assert.Single(narrow.Differences, d => d.What == "predictions");
        Assert.True(narrowForward.Problem is null && narrowForward.Relative == 0, $"predictions: {narrowForward.Problem ?? narrowForward.Relative.ToString("E2")}, expected the same bits");
        Assert.Equal(narrow.ExpectedLoss, narrow.ActualLoss);
        Assert.All(narrow.Differences, d => Assert.True(d.Problem is null && d.Relative < 1e-5, $"{d.What}: {d.Problem ?? d.Relative.ToString("E2")}"));
        if (DeviceProbes.HostHasFma)
        {
            // Both layers' backward products are fused: the GRU's and the LSTM's own BPTT and partials.
            Assert.Contains(narrow.Differences, d => d.What == "gradient of gru/recurrent_kernel" && d.Relative > 0);
            Assert.Contains(narrow.Differences, d => d.What == "gradient of lstm/kernel" && d.Relative > 0);
        }
        else
        {
            Assert.All(narrow.Differences, d => Assert.Equal(0, d.Relative));
        }
    }
}
