using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SeqDsl.Generator.Emit.Kernels;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit;

/// <summary>
/// ReturnState (Keras <c>return_state</c> / <c>initial_state</c>): the model's list of state-returning layers in its
/// <c>Definition</c>, the program's map from that list to the layers' state buffers, and the typed
/// <c>PredictWithState</c>. Models without a ReturnState layer get none of it.
/// </summary>
internal static class StateApiEmitter
{
    private static IEnumerable<LayerPlan> StateLayers(ModelPlan plan) => plan.Layers.Where(l => l.Spec.ReturnState);

    /// <summary>The <c>ReturnedStates = …</c> entry of the model's <c>ModelDescription</c>.</summary>
    public static void EmitDefinition(CodeWriter w, ModelPlan plan)
    {
        var layers = StateLayers(plan).ToList();
        if (layers.Count == 0)
        {
            return;
        }

        w.Line("ReturnedStates = new global::SeqDsl.Engine.ReturnedStateInfo[]");
        w.Line("{");
        foreach (var l in layers)
        {
            w.Line("    new(\"" + l.Name + "\", \"" + l.Title.Replace("\"", "'") + "\", Units: " + I(l.Spec.Units) + ", HasCellState: " + (l.Spec.Cell == (int)CellKind.LSTM ? "true" : "false") + "),");
        }

        w.Line("},");
    }

    /// <summary>The program's <c>ReturnedStateBuffer(index)</c>: the ReturnState layers' buffers in declaration order.</summary>
    public static void EmitProgramMembers(CodeWriter w, IReadOnlyList<LayerEmitter> layers)
    {
        var buffers = layers.Where(l => l.ReturnedStateBuffer is not null).ToList();
        if (buffers.Count == 0)
        {
            return;
        }

        w.Line();
        w.Line("public override ArrayView<float> ReturnedStateBuffer(int index) => index switch");
        w.Line("{");
        for (int i = 0; i < buffers.Count; i++)
        {
            w.Line("    " + I(i) + " => " + buffers[i].ReturnedStateBuffer + "!.View, // " + buffers[i].Plan.Name + ": h" + (buffers[i].Plan.Spec.Cell == (int)CellKind.LSTM ? ", then c," : "") + " per sequence");
        }

        w.Line("    _ => throw new ArgumentOutOfRangeException(nameof(index), index, \"this model has " + I(buffers.Count) + " ReturnState layer(s)\"),");
        w.Line("};");
    }

    /// <summary>The typed <c>PredictWithState(x, initialState, batchSize)</c>.</summary>
    public static void EmitTypedApi(CodeWriter w, ModelPlan plan)
    {
        var layers = StateLayers(plan).ToList();
        if (layers.Count == 0)
        {
            return;
        }

        string target = plan.Output.IsSequence ? "float[,,]" : "float[,]";
        string shape = plan.Output.ToString().Replace("batch", "samples");
        string features = I(plan.Spec.InputFeatures);
        string names = string.Join(", ", layers.Select(l => l.Name + " (" + (l.Spec.Cell == (int)CellKind.LSTM ? "H and C, each" : "H") + " [samples, " + I(l.Spec.Units) + "])"));
        w.Line();
        w.Summary("Runs the model like Predict and also returns the final state of its ReturnState layers, in declaration order: " + names + ".\n"
            + "With initialState those layers start from it instead of zeros (Keras initial_state), e.g. a decoder from an encoder's states.\n"
            + "Inference only: gradients do not flow into a given state, and Fit always starts from zeros.");
        w.Line("/// <param name=\"x\">Inputs [samples, steps, " + features + "].</param>");
        w.Line("/// <param name=\"initialState\">One state per ReturnState layer (" + CodeWriter.Escape(names) + "), or null for zeros.</param>");
        w.Line("/// <param name=\"batchSize\">Samples per launch (memory use, not results).</param>");
        w.Line("/// <returns>The predictions " + CodeWriter.Escape(shape) + " and the final states.</returns>");
        w.Line("public (" + target + " Output, global::SeqDsl.RecurrentState States) PredictWithState(float[,,] x, global::SeqDsl.RecurrentState? initialState = null, int batchSize = 256) =>");
        w.Line("    " + (plan.Output.IsSequence ? "PredictSequenceWithStateCore" : "PredictVectorWithStateCore") + "(global::SeqDsl.Engine.TensorData.From(x, nameof(x)), initialState, batchSize);");
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
