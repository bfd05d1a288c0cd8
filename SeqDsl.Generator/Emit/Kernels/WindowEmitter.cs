using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// What Conv1D and the pooling layers share: a window of <c>KernelSize</c> taps, <c>Dilation</c> apart, moved by
/// <c>Strides</c> over zero-padded input. Output step o reads input steps <c>o · Strides + k · Dilation − padLeft</c>;
/// steps outside [0, steps) are padding (zero for a convolution, skipped by pooling).
/// </summary>
internal abstract class WindowEmitter : LayerEmitter
{
    protected WindowEmitter(LayerPlan plan, LayerIo io)
        : base(plan, io)
    {
        Padding = (PaddingKind)plan.Spec.Padding;
    }

    protected PaddingKind Padding { get; }

    /// <summary>The launch's expression for this layer's output steps, in terms of its input <c>steps</c>.</summary>
    protected string OutSteps => SequenceSteps.WindowOutput(Plan.Spec, "steps");

    /// <summary>
    /// Writes the window geometry constants and <c>padLeft</c> (Keras's: causal pads (taps − 1) · dilation on the left;
    /// same pads half of what the last window overhangs, the larger half on the right). A loop that takes its tap from a
    /// kernel row rather than looping over the taps leaves out <c>KernelSize</c> (<paramref name="kernelSize"/>), which
    /// it would not read.
    /// </summary>
    protected void EmitGeometry(CodeWriter w, bool kernelSize = true)
    {
        if (kernelSize)
        {
            Const(w, "KernelSize", Plan.Spec.KernelSize, "taps per window");
        }

        if (Plan.Spec.Kind == LayerKind.Conv1D)
        {
            Const(w, "Dilation", Plan.Spec.Dilation, "steps between taps");
        }

        Const(w, "Strides", Plan.Spec.Strides, "steps between windows");
        switch (Padding)
        {
            case PaddingKind.Causal:
                Const(w, "padLeft", SequenceSteps.Span(Plan.Spec) - 1, "causal: left zeros only, output step o never sees input after o · Strides");
                break;
            case PaddingKind.Same:
                w.Line("const int Span = " + I(SequenceSteps.Span(Plan.Spec)) + "; // steps one window covers");
                w.Line("int overhang = (outSteps - 1) * Strides + Span - steps; // same: padding needed to fit every window");
                w.Line("int padLeft = overhang > 0 ? overhang / 2 : 0;");
                break;
            default:
                Const(w, "padLeft", 0, "valid: no padding, every window lies inside the input");
                break;
        }
    }

    /// <summary>Index of sample <paramref name="b"/>'s first input step: the first layer reads the data set through the batch's rows.</summary>
    protected string InputSample(string b) => Io.IsFirst ? "(long)rows[" + b + "] * steps" : "(long)" + b + " * steps";
}
