using System.Collections.Generic;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// One pass of a recurrent cell over the sequence. A plain layer has one; a Bidirectional layer has two, each with
/// its own weights and kernels, launched one after the other, writing their halves of (or adding into) one output.
/// </summary>
/// <param name="Tag">Inserted into kernel and buffer names: "" or "Reversed" (<c>Layer0ReversedForward</c>).</param>
/// <param name="TensorPrefix">Prefix of this direction's parameter tensors: "", "forward_" or "backward_".</param>
/// <param name="Reversed">Step t reads input step steps − 1 − t (GoBackwards, or the backward half of Bidirectional).</param>
/// <param name="Realigned">Outputs are written back at the input's time index (Bidirectional's backward half); otherwise in processing order, as Keras's go_backwards does.</param>
/// <param name="Accumulates">Adds into the layer's input gradient (and, for sum/average merges, its output) instead of overwriting: the second direction.</param>
internal sealed record RecurrentDirection(string Tag, string TensorPrefix, bool Reversed, bool Realigned, bool Accumulates)
{
    public static IReadOnlyList<RecurrentDirection> For(LayerSpec spec) =>
        spec.Kind == LayerKind.Bidirectional
            ? new[]
            {
                new RecurrentDirection("", "forward_", Reversed: false, Realigned: false, Accumulates: false),
                new RecurrentDirection("Reversed", "backward_", Reversed: true, Realigned: true, Accumulates: true),
            }
            : new[] { new RecurrentDirection("", "", spec.GoBackwards, Realigned: false, Accumulates: false) };
}
