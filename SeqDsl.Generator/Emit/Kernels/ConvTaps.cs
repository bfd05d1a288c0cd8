using System;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// One 1-D convolution's weights as an emitted kernel names them: <see cref="Kernel"/> is the expression of its first
/// weight in <c>parameters</c>, laid out as Keras's [KernelSize · In, Out] (row = tap · In + channel; a 1×1 conv has
/// one tap), <see cref="In"/> and <see cref="Out"/> the constants of its input and output channels, and
/// <see cref="Channel"/> and <see cref="Column"/> the loop variables over them.
/// </summary>
internal sealed record ConvWeights(string Kernel, string In, string Out, string Channel = "c", string Column = "u");

/// <summary>
/// The step a tap works on: <see cref="Lines"/> compute it from the tap k (forward: the input step tap k reads; data
/// gradient: the output step whose tap k read this one), and <see cref="Condition"/> says it exists (outside the
/// input it is zero padding, which adds nothing).
/// </summary>
internal sealed record TapStep(string Condition, string Comment, params string[] Lines);

/// <summary>
/// The loops of a 1-D convolution that Conv1D and the WaveNet stack share, written once so their shapes stay alike:
/// the forward product over the taps (and over the input channels of a 1×1 conv), and the data gradient as a gather,
/// one thread per input step collecting every output step that read it (no scatter, no atomics). Both keep the
/// multiply-adds (FMAs on OpenCL, <see cref="MultiplyAddCode"/>) contiguous where they can: forward over a kernel row's output channels, the gather over the input
/// channels of a local accumulator. The caller emits the accumulator, its initial values and where it is stored.
/// </summary>
internal static class ConvTaps
{
    /// <summary>
    /// Adds every tap's product to <paramref name="accumulator"/>[column]: for each tap k whose input step exists, each
    /// input channel's value (<paramref name="value"/> = <paramref name="valueAt"/>(channel)) times its kernel row.
    /// </summary>
    public static void EmitForward(CodeWriter w, ConvWeights weights, TapStep tap, string value, Func<string, string> valueAt, string accumulator)
    {
        using (w.Block("for (int k = 0; k < KernelSize; k++)"))
        {
            TapLines(w, tap);
            using (w.Block(TapTest(tap)))
            {
                EmitRows(w, weights, "(k * " + weights.In + " + " + weights.Channel + ")", value, valueAt, accumulator);
            }
        }
    }

    /// <summary>
    /// A 1×1 conv (or one tap): for each input channel, its value times the kernel row at
    /// <paramref name="rowOffset"/> (in rows, an expression of the channel) added to <paramref name="accumulator"/>.
    /// <paramref name="row"/> names the local holding the row's first weight.
    /// </summary>
    public static void EmitRows(CodeWriter w, ConvWeights weights, string rowOffset, string value, Func<string, string> valueAt, string accumulator, string row = "row")
    {
        string c = weights.Channel, u = weights.Column;
        using (w.Block("for (int " + c + " = 0; " + c + " < " + weights.In + "; " + c + "++)"))
        {
            w.Line("float " + value + " = " + valueAt(c) + ";");
            w.Line("int " + row + " = " + weights.Kernel + " + " + rowOffset + " * " + weights.Out + ";");
            w.Line("for (int " + u + " = 0; " + u + " < " + weights.Out + "; " + u + "++) " + MultiplyAddCode.Accumulate(accumulator + "[" + u + "]", value, "parameters[" + row + " + " + u + "]"));
        }
    }

    /// <summary>
    /// The data gradient's gather into <paramref name="accumulator"/>[channel]: for each tap k, the output step whose tap
    /// k read this input step (when it exists; <paramref name="outputRow"/> is a line locating its gradients), each output
    /// column's gradient <paramref name="gradientAt"/>(column) times tap k's kernel column. <paramref name="linesBefore"/>
    /// (column) may declare what that gradient expression reads (the fused loss's error).
    /// </summary>
    /// <param name="paddedIn">
    /// When set, the kernel is read from a transposed copy, <c>transposed</c> laid out [KernelSize, Out, paddedIn] (zero
    /// padding): contiguous multiply-adds over the (padded) input channels, which vectorize where the strided column of
    /// the original layout does not (that gather was three quarters of a WaveNet stack's kernel time on PoCL).
    /// </param>
    public static void EmitGradientGather(CodeWriter w, ConvWeights weights, TapStep tap, string outputRow, Func<string, string> gradientAt, string accumulator, string gradientComment = "", Action<string>? linesBefore = null, string? paddedIn = null)
    {
        string c = weights.Channel;
        EmitGatherTerms(w, weights, tap, outputRow, gradientAt, gradientComment, linesBefore, u =>
        {
            if (paddedIn is null)
            {
                w.Line("int column = " + weights.Kernel + " + k * " + weights.In + " * " + weights.Out + " + " + u + ";");
                w.Line("for (int " + c + " = 0; " + c + " < " + weights.In + "; " + c + "++) " + MultiplyAddCode.Accumulate(accumulator + "[" + c + "]", "parameters[column + " + c + " * " + weights.Out + "]", "d"));
            }
            else
            {
                w.Line("int row = (k * " + weights.Out + " + " + u + ") * " + paddedIn + "; // tap k's weights from every input channel to column " + u);
                w.Line("for (int " + c + " = 0; " + c + " < " + paddedIn + "; " + c + "++) " + MultiplyAddCode.Accumulate(accumulator + "[" + c + "]", "transposed[row + " + c + "]", "d"));
            }
        });
    }

    /// <summary>
    /// The gather of <see cref="EmitGradientGather"/> for one input channel (<see cref="ConvWeights.Channel"/>) into the
    /// scalar <paramref name="accumulator"/>, from the transposed kernel (<paramref name="paddedIn"/> as there): the same
    /// terms in the same order (taps, then output columns), for a thread per input value (the GPU variants).
    /// </summary>
    public static void EmitGradientGatherOfChannel(CodeWriter w, ConvWeights weights, TapStep tap, string outputRow, Func<string, string> gradientAt, string accumulator, string paddedIn, string gradientComment = "", Action<string>? linesBefore = null)
    {
        string c = weights.Channel;
        EmitGatherTerms(w, weights, tap, outputRow, gradientAt, gradientComment, linesBefore, u =>
            w.Line(MultiplyAddCode.Accumulate(accumulator, "transposed[(k * " + weights.Out + " + " + u + ") * " + paddedIn + " + " + c + "]", "d") + " // tap k's weight from channel " + c + " to column " + u));
    }

    /// <summary>
    /// The loops both gathers share: for each tap k whose output step exists, each output column's gradient <c>d</c>,
    /// which <paramref name="accumulate"/>(column) multiplies into the accumulator.
    /// </summary>
    private static void EmitGatherTerms(CodeWriter w, ConvWeights weights, TapStep tap, string outputRow, Func<string, string> gradientAt, string gradientComment, Action<string>? linesBefore, Action<string> accumulate)
    {
        string u = weights.Column;
        using (w.Block("for (int k = 0; k < KernelSize; k++)"))
        {
            TapLines(w, tap);
            using (w.Block(TapTest(tap)))
            {
                w.Line(outputRow);
                using (w.Block("for (int " + u + " = 0; " + u + " < " + weights.Out + "; " + u + "++)"))
                {
                    linesBefore?.Invoke(u);
                    w.Line("float d = " + gradientAt(u) + ";" + Comment(gradientComment));
                    accumulate(u);
                }
            }
        }
    }

    private static void TapLines(CodeWriter w, TapStep tap)
    {
        foreach (string line in tap.Lines)
        {
            w.Line(line);
        }
    }

    private static string TapTest(TapStep tap) => "if (" + tap.Condition + ")" + Comment(tap.Comment);

    private static string Comment(string text) => text.Length == 0 ? "" : " // " + text;
}
