using System.Collections.Generic;
using System.Linq;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// How a Bidirectional layer's two directions meet in its output (Keras merge_mode): concat writes each direction's
/// units side by side; sum, ave and mul combine them element-wise — the forward direction's launch writes the element,
/// the backward direction's launch adds (or multiplies) its own into it. For mul, y = h_f ⊙ h_b, so the gradient
/// reaching each direction's h is the output gradient times the other direction's h at the same output position,
/// read from the other direction's state sequence (which the backward pass leaves unchanged).
/// </summary>
internal sealed partial class RecurrentEmitter
{
    private bool Multiplies => Bidirectional && Plan.Spec.MergeMode == (int)MergeModeKind.Multiply;

    /// <summary>How this direction writes its h into an output element: the first launch sets it, the second merges into it.</summary>
    private string MergeAssign(RecurrentDirection d) =>
        !d.Accumulates || Concatenates ? "=" : Multiplies ? "*=" : "+=";

    private string MergeDescription =>
        Concatenates ? "both directions side by side"
        : Multiplies ? "both directions multiplied element-wise (so each direction's h gets the output gradient times the other's h)"
        : "both directions " + (MergeScale.Length > 0 ? "averaged" : "summed");

    /// <summary>The direction a mul merge multiplies this one by.</summary>
    private RecurrentDirection Partner(RecurrentDirection d) => directions.First(other => other != d);

    /// <summary>The other direction's hidden states, which a mul merge's backward pass reads.</summary>
    private void AddMergeArguments(List<Argument> list, RecurrentDirection d)
    {
        if (Multiplies)
        {
            list.Add(new(Floats, "partnerStates", StatesView(Partner(d))));
        }
    }

    /// <summary>
    /// mul: the other direction's h at the output position that processing step t of this direction wrote.
    /// Returning sequences, that is the other's processing step steps − 1 − t (one of the two runs reversed);
    /// returning the last state, both directions' last processing steps.
    /// </summary>
    private string PartnerFactor() =>
        !Multiplies ? ""
        : ReturnSequences ? " * partnerStates[(stateRow + steps - 1 - t) * Units + j]"
        : " * partnerStates[(stateRow + steps - 1) * Units + j]";
}
