using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// A copy of a layer's weights in the layout its backward kernels read: a kernel transposed and zero-padded so that the
/// input gradient's multiply-adds run over contiguous floats in whole vectors.
/// </summary>
/// <param name="Description">What the copy holds, for the combined kernel's comment.</param>
/// <param name="Buffer">The program's field holding the copy; the combined kernel's parameter takes its name.</param>
/// <param name="Count">Floats in the copy, one loop item each.</param>
/// <param name="EmitLoop">Writes the copy's constants and its grid-stride loop over <paramref name="Count"/> items; its
/// argument is the name of the view the loop writes (the loop reads the weights from <c>parameters</c>).</param>
internal sealed record WeightTranspose(string Description, string Buffer, int Count, Action<CodeWriter, string> EmitLoop);

/// <summary>
/// The model's <c>TransposeWeights</c> kernel: every layer's <see cref="WeightTranspose"/>, one launch before the backward
/// pass (the weights change every step), one grid-stride loop per copy in a block of its own (each layer's constants
/// keep their names). See <see cref="ModelWideKernels"/>.
/// </summary>
internal static class WeightTransposesEmitter
{
    private const string Method = "TransposeWeights";

    public static IEnumerable<KernelField> Kernels(IReadOnlyList<LayerEmitter> layers)
    {
        var parts = ModelWideKernels.Split(Copies(layers));
        for (int i = 0; i < parts.Count; i++)
        {
            string method = ModelWideKernels.PartName(Method, i, parts.Count);
            yield return new KernelField(ModelWideKernels.Field(method), "ArrayView<float>" + string.Concat(parts[i].Select(_ => ", ArrayView<float>")), method);
        }
    }

    public static void EmitKernels(CodeWriter w, IReadOnlyList<LayerEmitter> layers)
    {
        var parts = ModelWideKernels.Split(Copies(layers));
        for (int i = 0; i < parts.Count; i++)
        {
            w.Summary("Every layer's weights in the layouts its backward kernels read" + ModelWideKernels.PartLabel(i, parts.Count)
                + ", one launch before the backward pass (the\nweights change every step): one grid-stride loop per copy, one thread per element.");
            using (w.Block("public static void " + ModelWideKernels.PartName(Method, i, parts.Count) + "(ArrayView<float> parameters" + string.Concat(parts[i].Select(c => ", ArrayView<float> " + c.Buffer)) + ")"))
            {
                ModelWideKernels.EmitLayerBlocks(w, parts[i], c => c.Description, c => c.EmitLoop(w, c.Buffer));
            }

            w.Line();
        }
    }

    /// <summary>The launches, before the first layer's backward: each part's grid covers its longest loop.</summary>
    public static void EmitLaunch(CodeWriter w, IReadOnlyList<LayerEmitter> layers)
    {
        var parts = ModelWideKernels.Split(Copies(layers));
        if (parts.Count == 0)
        {
            return;
        }

        w.Line("// every layer's transposed weights, read by the backward kernels below");
        for (int i = 0; i < parts.Count; i++)
        {
            w.Line(ModelWideKernels.Field(ModelWideKernels.PartName(Method, i, parts.Count)) + "(device.GridFor(" + I(parts[i].Max(c => c.Count)) + "), batch.Parameters"
                + string.Concat(parts[i].Select(c => ", " + c.Buffer + "!.View")) + ");");
        }
    }

    /// <summary>Every layer's copies, in layer order.</summary>
    public static List<WeightTranspose> Copies(IReadOnlyList<LayerEmitter> layers) => layers.SelectMany(l => l.Transposes).ToList();

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
