using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

internal sealed partial class RecurrentEmitter
{
    /// <summary>
    /// Whether the layer's matrix products of <paramref name="pass"/>, in all their kernels (one-sequence, block, group,
    /// input projection, input gradient and weight-gradient partials), accumulate with <see cref="MultiplyAddCode"/>: one
    /// FMA instruction on OpenCL devices whose processor has them (PoCL never fuses ILGPU's separate multiply and add
    /// itself), a multiply and an add elsewhere (CUDA, ILGPU's CPU accelerator, host code). All of a pass's kernels must
    /// decide alike: the schedules' kernels give the same bits only when they round alike. The two passes need not: the
    /// backward reads the forward's cached activations, never its sums.
    /// </summary>
    /// <remarks>
    /// The backward's products are always fused. Measured on PoCL with W1's LSTM(20) × 2 (perf shares within one process,
    /// benchmarks/results/2026-11-27-xeon-backward-fma.txt): on the Intel Xeon (AVX-512) the second layer's joined
    /// backward and partials cost about 18% less against its unchanged forward, and W1's epoch 0.338–0.352 → 0.293–0.302 s
    /// (alternated runs); on the AMD EPYC (eleventh session, every product fused) the backward kernels' shares fell too,
    /// 17.6 → 16.6% and 10.5 → 9.4%. The forward's are fused only above <see cref="WidestUnfusedGates"/> columns.
    /// </remarks>
    internal static bool FusesProductsFor(LayerPlan plan, ProductPass pass) =>
        pass == ProductPass.Backward || GateWidthOf(plan) > WidestUnfusedGates;

    /// <summary>
    /// Gate columns up to which a layer's forward keeps the separate multiply and add. Measured on PoCL with every
    /// product fused (AMD EPYC, AVX2, interleaved runs): W3's GRU(128) × 2 (384 columns) training step 0.24–0.28 →
    /// 0.19–0.22 s; W1's LSTM(20) × 2 (80 columns) epoch slower, 0.48–0.65 → 0.53–0.79 s of CPU time, its forwards
    /// dearer; on the Intel Xeon W1's forwards dearer too (perf shares within one process, second layer 15.7–16.7% →
    /// 17.2–18.5%, first 11.7–12.4% → 14.4–15.2%): a narrow layer's ten gate sums over 20 terms wait on the FMA's
    /// latency where the separate add's was shorter. 128 is where the one-sequence kernels already change form
    /// (<see cref="ColumnsInRegisters"/>: the sums no longer fit in registers).
    /// </summary>
    private const int WidestUnfusedGates = ColumnsInRegisters;

    /// <summary><c>target += a · b</c> as this layer's products of <paramref name="pass"/> accumulate (<see cref="FusesProductsFor"/>).</summary>
    private string AccumulateProduct(ProductPass pass, string target, string a, string b) => MultiplyAddCode.AccumulateProduct(FusesProductsFor(Plan, pass), target, a, b);
}
