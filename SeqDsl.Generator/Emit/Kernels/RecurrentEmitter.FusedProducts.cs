using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

internal sealed partial class RecurrentEmitter
{
    /// <summary>
    /// Whether every matrix product of the layer, in all its kernels (one-sequence, block, group, input projection, input
    /// gradient and weight-gradient partials), accumulates with <see cref="MultiplyAddCode"/>: one FMA instruction on
    /// OpenCL devices whose processor has them (PoCL never fuses ILGPU's separate multiply and add itself), a multiply
    /// and an add elsewhere (CUDA, ILGPU's CPU accelerator, host code). All of a
    /// layer's kernels must decide alike: the schedules' kernels give the same bits only when they round alike.
    /// </summary>
    internal static bool FusesProductsFor(LayerPlan plan) => GateWidthOf(plan) > WidestUnfusedGates;

    /// <summary>
    /// Gate columns up to which a layer keeps the separate multiply and add. Measured on PoCL (AMD EPYC, AVX2, interleaved
    /// runs): W3's GRU(128) × 2 (384 columns) training step 0.24–0.28 → 0.19–0.22 s with FMA; W1's LSTM(20) × 2 (80
    /// columns) epoch slower with it, 0.48–0.65 → 0.53–0.79 s of CPU time: a narrow layer's few sums are chains that wait
    /// on the FMA's latency where the separate add's was shorter. Only those two widths were measured; 128 is where the
    /// one-sequence kernels already change form (<see cref="ColumnsInRegisters"/>: the sums no longer fit in registers).
    /// </summary>
    private const int WidestUnfusedGates = ColumnsInRegisters;

    private bool FusesProducts => FusesProductsFor(Plan);

    /// <summary><c>target += a · b</c> as this layer's products accumulate (<see cref="FusesProductsFor"/>).</summary>
    private string AccumulateProduct(string target, string a, string b) => MultiplyAddCode.AccumulateProduct(FusesProducts, target, a, b);
}
