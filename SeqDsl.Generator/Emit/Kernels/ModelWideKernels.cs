using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Kernels that do one small job for every layer in one launch: the weight copies the backward pass reads
/// (<see cref="WeightTransposesEmitter"/>) and the sums of per-sample weight-gradient partials
/// (<see cref="WeightGradientSumsEmitter"/>). Each layer's share is a grid-stride loop of its own, one after the other
/// in the same kernel, so the work and its order are those of one launch per layer; only the launches are saved. On
/// CPU OpenCL (PoCL) a launch costs tens of microseconds whatever its work, which in a stack of small layers (the seed's
/// WaveNet: 46 launches per batch, most of them over a few hundred floats) was a third of the step.
/// </summary>
internal static class ModelWideKernels
{
    /// <summary>
    /// Layer buffers one kernel takes at most: ILGPU loads kernels of up to 14 parameters, and the sums also take the
    /// gradients and the batch. A model with more layers than this gets the kernel in parts, one launch each.
    /// </summary>
    public const int MaxBuffersPerKernel = 12;

    /// <summary>The model-wide kernels of a model: its weight copies' parts, then its partial sums' parts.</summary>
    public static IEnumerable<KernelField> Fields(IReadOnlyList<LayerEmitter> layers) =>
        WeightTransposesEmitter.Kernels(layers).Concat(WeightGradientSumsEmitter.Kernels(layers));

    /// <summary>The kernels of <see cref="Fields"/>, written to <c>Kernels</c>.</summary>
    public static void EmitKernels(CodeWriter w, IReadOnlyList<LayerEmitter> layers)
    {
        WeightTransposesEmitter.EmitKernels(w, layers);
        WeightGradientSumsEmitter.EmitKernels(w, layers);
    }

    /// <summary>Launches for <paramref name="buffers"/> layer buffers: 0 when there are none.</summary>
    public static int Parts(int buffers) => (buffers + MaxBuffersPerKernel - 1) / MaxBuffersPerKernel;

    /// <summary><paramref name="items"/> in runs of at most <see cref="MaxBuffersPerKernel"/>, in order.</summary>
    public static List<List<T>> Split<T>(IReadOnlyList<T> items)
    {
        var parts = new List<List<T>>();
        for (int i = 0; i < items.Count; i += MaxBuffersPerKernel)
        {
            var part = new List<T>();
            for (int j = i; j < items.Count && j < i + MaxBuffersPerKernel; j++)
            {
                part.Add(items[j]);
            }

            parts.Add(part);
        }

        return parts;
    }

    /// <summary>A part's kernel name: <paramref name="name"/> alone when there is one part, else numbered from 1.</summary>
    public static string PartName(string name, int part, int parts) =>
        parts == 1 ? name : name + (part + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>" (part i of n)" in a part's summary when the kernel comes in parts, else nothing.</summary>
    public static string PartLabel(int part, int parts) =>
        parts == 1 ? "" : " (part " + (part + 1).ToString(CultureInfo.InvariantCulture) + " of " + parts.ToString(CultureInfo.InvariantCulture) + ")";

    /// <summary>
    /// Each layer's share of a part: a comment naming the layer, then a block of its own (so each layer's constants keep
    /// their names) that <paramref name="emitBody"/> fills; a blank line between layers, and before the first when
    /// <paramref name="blankBeforeFirst"/> (after the kernel's own declarations).
    /// </summary>
    public static void EmitLayerBlocks<T>(CodeWriter w, IEnumerable<T> part, System.Func<T, string> description, System.Action<T> emitBody, bool blankBeforeFirst = false)
    {
        bool first = true;
        foreach (var item in part)
        {
            if (!first || blankBeforeFirst)
            {
                w.Line();
            }

            first = false;
            w.Line("// " + description(item));
            using (w.Braces())
            {
                emitBody(item);
            }
        }
    }

    /// <summary>The field that launches kernel <paramref name="method"/>: its name with a lower-case first letter.</summary>
    public static string Field(string method) => char.ToLowerInvariant(method[0]) + method.Substring(1);
}
