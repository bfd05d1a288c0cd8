using System.Collections.Generic;
using System.Linq;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// ReturnState (Keras <c>return_state</c> / <c>initial_state</c>, PyTorch's <c>output, (h, c) = lstm(x, (h0, c0))</c>):
/// the layer leaves its final state per sequence (h, then c for LSTM) in a carry buffer, as a stateful layer does,
/// but the buffer is workspace sized by the batch, and the next launch reads it back only when the runtime copied a
/// given initial state there (<c>BatchContext.FromInitialStates</c>); otherwise the layer starts from zeros. The
/// backward pass always assumes a zero start (the analyzer refuses ReturnState with Stateful, and training never
/// passes an initial state), so it is unchanged. A Bidirectional layer has a carry buffer per direction (Keras's
/// <c>[output, forward_h, forward_c, backward_h, backward_c]</c>): each direction's forward kernel reads and writes its
/// own, and the backward direction's final state is the one after it read input step 0.
/// </summary>
internal sealed partial class RecurrentEmitter
{
    /// <summary>ReturnState: the final state goes to a carry buffer the runtime reads (and may fill with an initial state).</summary>
    private bool ReturnsState => Plan.Spec.ReturnState && !Stateful;

    /// <summary>The kernel argument that says whether the carry holds a given initial state (1) or the layer starts from zeros (0).</summary>
    private const string FromGivenState = "fromGivenState";

    /// <summary>The program fields of the final-state buffers the runtime reads after a forward pass, one per direction (forward first); empty without ReturnState.</summary>
    public override IReadOnlyList<string> ReturnedStateBuffers =>
        ReturnsState ? directions.Select(d => FieldPrefix + d.Tag + "Carry").ToList() : System.Array.Empty<string>();

    private WorkspaceBuffer ReturnedStateWorkspace(RecurrentDirection d) =>
        new(FieldPrefix + d.Tag + "Carry", I(StateWidth),
            "ReturnState: final " + (cell == CellKind.LSTM ? "h and c" : "h") + " of each sequence" + (Bidirectional ? (d.Reversed ? " (backward direction: after input step 0)" : " (forward direction)") : "") + "; read as the initial state when the batch starts from given states");

    private void AddReturnStateArguments(List<Argument> list, RecurrentDirection d)
    {
        list.Add(new(Floats, "carry", CarryView(d)));
        list.Add(new("int", FromGivenState, "batch.FromInitialStates ? 1 : 0"));
    }

    /// <summary>Inside the unit loop of the initial state: the given state when there is one, zeros otherwise.</summary>
    private void EmitGivenInitialState(CodeWriter w)
    {
        w.Line("long carried = (long)b * StateWidth + j;");
        w.Line("h[j] = " + FromGivenState + " != 0 ? carry[carried] : 0f; // PredictWithState(x, initialState) copied it here");
        if (cell == CellKind.LSTM)
        {
            w.Line("c[j] = " + FromGivenState + " != 0 ? carry[carried + Units] : 0f;");
        }
    }
}
