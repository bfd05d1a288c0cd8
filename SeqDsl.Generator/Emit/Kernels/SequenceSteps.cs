using System.Globalization;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// The time axis through the layers, as generated code computes it at run time: how many steps each layer sees
/// (window layers — Conv1D and pooling — shorten or stride the sequence exactly as Keras does), the shortest input
/// that still yields one output step, and which input step each output step is aligned with (for targets).
/// </summary>
internal static class SequenceSteps
{
    /// <summary>True for layers whose output steps differ from their input steps by a window rule.</summary>
    public static bool IsWindow(LayerSpec spec) =>
        spec.Kind is LayerKind.Conv1D or LayerKind.MaxPooling1D or LayerKind.AveragePooling1D;

    /// <summary>Steps spanned by one window: (kernel − 1) · dilation + 1.</summary>
    public static int Span(LayerSpec spec) => ((spec.KernelSize - 1) * Dilation(spec)) + 1;

    public static int Dilation(LayerSpec spec) => spec.Kind == LayerKind.Conv1D ? spec.Dilation : 1;

    /// <summary>
    /// C# expression of a window layer's output steps for <paramref name="input"/> input steps (Keras's arithmetic:
    /// valid ⌊(n − span) / stride⌋ + 1, same and causal ⌈n / stride⌉). The caller guarantees n ≥ span for valid
    /// padding (<see cref="MinimumInputSteps"/>), where C#'s truncating division equals the floor.
    /// </summary>
    public static string WindowOutput(LayerSpec spec, string input)
    {
        int span = Span(spec);
        int stride = spec.Strides;
        if ((PaddingKind)spec.Padding == PaddingKind.Valid)
        {
            return stride == 1
                ? "(" + input + " - " + I(span - 1) + ")"
                : "((" + input + " - " + I(span) + ") / " + I(stride) + " + 1)";
        }

        return stride == 1 ? input : "((" + input + " + " + I(stride - 1) + ") / " + I(stride) + ")";
    }

    /// <summary>C# expression of the steps layer <paramref name="layer"/> reads, in terms of the model's input steps <paramref name="modelSteps"/>.</summary>
    public static string InputOf(ModelPlan plan, int layer, string modelSteps)
    {
        string steps = modelSteps;
        for (int i = 0; i < layer; i++)
        {
            steps = OutputOf(plan.Layers[i], steps);
        }

        return steps;
    }

    /// <summary>C# expression of the steps a layer outputs, given the expression of its input steps.</summary>
    public static string OutputOf(LayerPlan layer, string input)
    {
        if (!layer.Output.IsSequence)
        {
            return "1";
        }

        if (!layer.Input.IsSequence)
        {
            // A vector turned into a sequence (RepeatVector): its length is fixed by the layer.
            return I(layer.Output.Steps);
        }

        return IsWindow(layer.Spec) ? WindowOutput(layer.Spec, input) : input;
    }

    /// <summary>
    /// C# expression of the steps layer <paramref name="layer"/>'s kernels loop over, in terms of the model's input steps
    /// <paramref name="modelSteps"/>: its output steps when it outputs a sequence (a window layer's work is per output
    /// step), else the steps it reads (a recurrent layer that returns its last state, a global pooling). The cost model
    /// (<see cref="LayerCosts"/>) counts per-step costs at these steps.
    /// </summary>
    public static string LoopedBy(ModelPlan plan, int layer, string modelSteps)
    {
        string input = InputOf(plan, layer, modelSteps);
        var layerPlan = plan.Layers[layer];
        return layerPlan.Output.IsSequence ? OutputOf(layerPlan, input) : input;
    }

    /// <summary>
    /// The layer at or before <paramref name="layer"/> that last turned a vector into a sequence (RepeatVector), or null.
    /// From there on the time axis no longer follows the model's input: it starts again at that layer's fixed length.
    /// </summary>
    public static LayerPlan? LastRepeat(ModelPlan plan, int layer)
    {
        LayerPlan? repeat = null;
        for (int i = 0; i <= layer && i < plan.Layers.Count; i++)
        {
            var candidate = plan.Layers[i];
            if (candidate.Output.IsSequence && !candidate.Input.IsSequence)
            {
                repeat = candidate;
            }
        }

        return repeat;
    }

    /// <summary>C# expression of the model's output steps (1 for a vector output).</summary>
    public static string OutputOfModel(ModelPlan plan, string modelSteps) =>
        plan.Layers.Count == 0 ? modelSteps : OutputOf(plan.Layers[plan.Layers.Count - 1], InputOf(plan, plan.Layers.Count - 1, modelSteps));

    /// <summary>The fewest input steps for which every window layer still outputs at least one step.</summary>
    public static int MinimumInputSteps(ModelPlan plan)
    {
        long need = 1;
        for (int i = plan.Layers.Count - 1; i >= 0; i--)
        {
            var layer = plan.Layers[i];
            if (!layer.Output.IsSequence || !layer.Input.IsSequence)
            {
                need = 1; // a vector output (or input) needs only one step below it
            }
            else if (IsWindow(layer.Spec))
            {
                bool valid = (PaddingKind)layer.Spec.Padding == PaddingKind.Valid;
                need = ((need - 1) * layer.Spec.Strides) + (valid ? Span(layer.Spec) : 1);
            }
        }

        return need > int.MaxValue ? int.MaxValue : (int)need;
    }

    /// <summary>
    /// Which input step output step j stands for: <c>First + Stride · j</c>. A valid window is aligned with its last
    /// input step (the seed's <c>Y[:, 3::2]</c> for Conv1D(kernel 4, stride 2, valid)); same and causal windows with the
    /// step they start from, j · stride. Composed over the layers; a layer that outputs a vector has no alignment, so the
    /// result is (0, 1) there. After a layer that turns a vector into a sequence (RepeatVector) the output steps stand for
    /// no input step at all (<see cref="LastRepeat"/>): the result is (0, 1) whatever window layers follow it.
    /// </summary>
    public static (int First, int Stride) TargetAlignment(ModelPlan plan)
    {
        if (plan.Layers.Count > 0 && LastRepeat(plan, plan.Layers.Count - 1) is not null)
        {
            return (0, 1);
        }

        long first = 0;
        long stride = 1;
        foreach (var layer in plan.Layers)
        {
            if (!layer.Output.IsSequence || !layer.Input.IsSequence)
            {
                first = 0;
                stride = 1;
            }
            else if (IsWindow(layer.Spec))
            {
                long own = (PaddingKind)layer.Spec.Padding == PaddingKind.Valid ? Span(layer.Spec) - 1 : 0;
                first += stride * own;
                stride *= layer.Spec.Strides;
            }

            if (first > int.MaxValue || stride > int.MaxValue)
            {
                return (int.MaxValue, int.MaxValue);
            }
        }

        return ((int)first, (int)stride);
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
