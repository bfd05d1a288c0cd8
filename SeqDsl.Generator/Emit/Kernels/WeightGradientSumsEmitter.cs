using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// A layer's per-sample partial weight gradients: for each sample, a copy of the layer's <paramref name="Count"/>
/// parameters laid out like them, which the model's <c>WeightGradients</c> kernel adds up.
/// </summary>
/// <param name="Description">The layer, for the combined kernel's comment.</param>
/// <param name="Buffer">The program's field holding the partials; the combined kernel's parameter takes its name.</param>
/// <param name="First">The layer's first parameter in the flat buffer.</param>
/// <param name="Count">The layer's parameters: floats per sample.</param>
/// <param name="Layout">The tensors in order, for the comment.</param>
internal sealed record PartialSums(string Description, string Buffer, int First, int Count, string Layout);

/// <summary>
/// The model's <c>WeightGradients</c> kernel: every layer's <see cref="PartialSums"/> added up, one launch after the
/// backward pass, one grid-stride loop per layer, each weight's partials added in sample order (deterministic, no
/// atomics). On CPU backends one thread per <see cref="Chunk"/> consecutive weights, adding a sample's row of them at a
/// time (a thread per weight made PoCL load the partials one strided float at a time: GRU(128)'s 99,072 weights × 64
/// sequences took 21–25 ms against 0.9 ms in chunks); on GPUs (the group schedule) one thread per weight, so that
/// neighbouring threads read neighbouring partials. Both add the same terms in the same order: the same bits. The
/// recurrent layers' matrices are summed here too; a recurrent layer with peepholes or layer normalization keeps a
/// reduction of its own, which sums its matrices' chunks the same way (<see cref="EmitChunkedSums"/>).
/// See <see cref="ModelWideKernels"/>.
/// </summary>
internal static class WeightGradientSumsEmitter
{
    private const string Method = "WeightGradients";

    /// <summary>Consecutive weights one CPU thread sums the samples' partials of.</summary>
    public const int Chunk = 16;

    /// <summary>Threads the CPU variant needs for <paramref name="count"/> weights: one per chunk, the last may hold fewer.</summary>
    public static int Chunks(int count) => (count + Chunk - 1) / Chunk;

    /// <summary>
    /// The CPU loop over a layer's chunks of weights: each thread adds the samples' rows of <c>Chunk</c> consecutive
    /// partials in sample order (whole vectors), the last thread its remaining weights one by one. Expects
    /// <c>First</c>, <c>MatrixCount</c>, <c>Chunk</c>, <c>Chunks</c>, the thread's <c>sums</c> array of <c>Chunk</c>
    /// floats, <c>batch</c> and <c>gradients</c> in scope.
    /// </summary>
    public static void EmitChunkedSums(CodeWriter w, string partials)
    {
        using (w.Block("for (int c = Grid.GlobalIndex.X; c < Chunks; c += Grid.Dimension.X * Group.Dimension.X)"))
        {
            w.Line("int p0 = c * Chunk; // the chunk's first weight");
            using (w.Block("if (p0 + Chunk <= MatrixCount)"))
            {
                w.Line("for (int j = 0; j < Chunk; j++) sums[j] = 0f;");
                using (w.Block("for (int b = 0; b < batch; b++)"))
                {
                    w.Line("long row = (long)b * MatrixCount + p0; // sample b's partials of the chunk");
                    w.Line("for (int j = 0; j < Chunk; j++) sums[j] += " + partials + "[row + j];");
                }

                w.Line("for (int j = 0; j < Chunk; j++) gradients[First + p0 + j] = sums[j];");
            }

            using (w.Block("else"))
            {
                using (w.Block("for (int p = p0; p < MatrixCount; p++) // the last, partial chunk"))
                {
                    w.Line("float sum = 0f;");
                    w.Line(AddPartials(partials));
                    w.Line("gradients[First + p] = sum;");
                }
            }
        }
    }

    /// <summary>Weight <c>p</c>'s partials added in sample order into <c>sum</c>.</summary>
    public static string AddPartials(string partials) => "for (int b = 0; b < batch; b++) sum += " + partials + "[(long)b * MatrixCount + p];";

    public static IEnumerable<KernelField> Kernels(IReadOnlyList<LayerEmitter> layers)
    {
        var parts = ModelWideKernels.Split(Sums(layers));
        for (int i = 0; i < parts.Count; i++)
        {
            string method = ModelWideKernels.PartName(Method, i, parts.Count);
            yield return new KernelField(ModelWideKernels.Field(method), string.Concat(parts[i].Select(_ => "ArrayView<float>, ")) + "ArrayView<float>, int", method, method + PerWeight);
        }
    }

    /// <summary>The suffix of the GPU variant's name.</summary>
    private const string PerWeight = "PerWeight";

    public static void EmitKernels(CodeWriter w, IReadOnlyList<LayerEmitter> layers)
    {
        var parts = ModelWideKernels.Split(Sums(layers));
        for (int i = 0; i < parts.Count; i++)
        {
            EmitKernel(w, parts[i], ModelWideKernels.PartName(Method, i, parts.Count), i, parts.Count, perWeight: false);
            EmitKernel(w, parts[i], ModelWideKernels.PartName(Method, i, parts.Count) + PerWeight, i, parts.Count, perWeight: true);
        }
    }

    private static void EmitKernel(CodeWriter w, List<PartialSums> part, string method, int index, int parts, bool perWeight)
    {
        w.Summary("The gradient of every weight of the layers that sum per-sample partials" + ModelWideKernels.PartLabel(index, parts)
            + ", one launch after the backward\npass, " + (perWeight ? "one thread per weight (GPU variant)" : "one thread per " + I(Chunk) + " consecutive weights")
            + ": the samples' partials added in order (deterministic, no atomics), one grid-stride loop per layer.");
        using (w.Block("public static void " + method + "(" + string.Concat(part.Select(s => "ArrayView<float> " + s.Buffer + ", ")) + "ArrayView<float> gradients, int batch)"))
        {
            if (!perWeight)
            {
                w.Line("const int Chunk = " + I(Chunk) + "; // consecutive weights per thread: a sample's row of them is added at a time");
                w.Line("var sums = LocalMemory.Allocate<float>(Chunk); // this thread's weights");
            }

            ModelWideKernels.EmitLayerBlocks(w, part, s => s.Description, sums =>
            {
                w.Line("const int First = " + I(sums.First) + "; // the layer's first parameter in the flat buffer");
                w.Line("const int MatrixCount = " + I(sums.Count) + "; // " + sums.Layout + ": a partial per sample, laid out like the parameters");
                if (perWeight)
                {
                    using (w.Block("for (int p = Grid.GlobalIndex.X; p < MatrixCount; p += Grid.Dimension.X * Group.Dimension.X)"))
                    {
                        w.Line("float sum = 0f;");
                        w.Line(AddPartials(sums.Buffer));
                        w.Line("gradients[First + p] = sum;");
                    }
                }
                else
                {
                    w.Line("const int Chunks = " + I(Chunks(sums.Count)) + "; // threads for the layer's weights (the last may hold fewer)");
                    EmitChunkedSums(w, sums.Buffer);
                }
            }, blankBeforeFirst: !perWeight);
        }

        w.Line();
    }

    /// <summary>The launches, after the last layer's backward (every partial is written by then).</summary>
    public static void EmitLaunch(CodeWriter w, IReadOnlyList<LayerEmitter> layers)
    {
        var parts = ModelWideKernels.Split(Sums(layers));
        if (parts.Count == 0)
        {
            return;
        }

        w.Line("// the weight gradients of every layer that summed per-sample partials above");
        for (int i = 0; i < parts.Count; i++)
        {
            w.Line(ModelWideKernels.Field(ModelWideKernels.PartName(Method, i, parts.Count)) + "(" + RecurrentGroupSchedule.Flag + " ? device.GridFor(" + I(parts[i].Max(s => s.Count)) + ") : device.GridFor(" + I(parts[i].Max(s => Chunks(s.Count))) + ")"
                + string.Concat(parts[i].Select(s => ", " + s.Buffer + "!.View")) + ", batch.Gradients, n);");
        }
    }

    /// <summary>Every layer's partials, in layer order.</summary>
    public static List<PartialSums> Sums(IReadOnlyList<LayerEmitter> layers) => layers.SelectMany(l => l.SummedPartials).ToList();

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
