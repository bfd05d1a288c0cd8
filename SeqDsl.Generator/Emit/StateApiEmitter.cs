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

    /// <summary>The <c>ReturnedStates = …</c> entry of the model's <c>ModelDescription</c>: one per direction of each ReturnState layer.</summary>
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
            foreach (var direction in Directions(l))
            {
                w.Line("    new(\"" + l.Name + "\", \"" + l.Title.Replace("\"", "'") + "\", Units: " + I(l.Spec.Units) + ", HasCellState: " + (IsLstm(l) ? "true" : "false")
                    + (direction is null ? "" : ", Direction: \"" + direction + "\"") + "),");
            }
        }

        w.Line("},");
    }

    /// <summary>The program's <c>ReturnedStateBuffer(index)</c>: the ReturnState layers' buffers in declaration order, a Bidirectional layer's forward direction before its backward one.</summary>
    public static void EmitProgramMembers(CodeWriter w, IReadOnlyList<LayerEmitter> layers)
    {
        var buffers = layers
            .SelectMany(l => l.ReturnedStateBuffers.Select((field, i) => (Field: field, Layer: l.Plan, Direction: Directions(l.Plan)[i])))
            .ToList();
        if (buffers.Count == 0)
        {
            return;
        }

        w.Line();
        w.Line("public override ArrayView<float> ReturnedStateBuffer(int index) => index switch");
        w.Line("{");
        for (int i = 0; i < buffers.Count; i++)
        {
            var b = buffers[i];
            string of = b.Direction is null ? "" : " " + b.Direction + " direction";
            w.Line("    " + I(i) + " => " + b.Field + "!.View, // " + b.Layer.Name + of + ": h" + (IsLstm(b.Layer) ? ", then c," : "") + " per sequence");
        }

        bool perDirection = buffers.Any(b => b.Direction is not null);
        w.Line("    _ => throw new ArgumentOutOfRangeException(nameof(index), index, \"this model " + (perDirection
            ? "returns " + I(buffers.Count) + " states, a Bidirectional layer one per direction"
            : "has " + I(buffers.Count) + " ReturnState layer(s)") + "\"),");
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
        bool bidirectional = layers.Any(l => l.Spec.Kind == LayerKind.Bidirectional);
        string names = string.Join(", ", layers.SelectMany(l => Directions(l).Select(d =>
            (d is null ? l.Name : l.Name + "/" + d) + " (" + (IsLstm(l) ? "H and C, each" : "H") + " [samples, " + I(l.Spec.Units) + "])")));
        w.Line();
        w.Summary("Runs the model like Predict and also returns the final state of its ReturnState layers, in declaration order: " + names + ".\n"
            + (bidirectional ? "A Bidirectional layer has two states, forward then backward direction (Keras's forward_h, forward_c, backward_h, backward_c); the backward one is the state after input step 0.\n" : "")
            + "With initialState those layers start from it instead of zeros (Keras initial_state), e.g. a decoder from an encoder's states.\n"
            + "Inference only: gradients do not flow into a given state, and Fit always starts from zeros.");
        w.Line("/// <param name=\"x\">Inputs [samples, steps, " + features + "].</param>");
        w.Line("/// <param name=\"initialState\">One state per ReturnState layer" + (bidirectional ? " and direction" : "") + " (" + CodeWriter.Escape(names) + "), or null for zeros.</param>");
        w.Line("/// <param name=\"batchSize\">Samples per launch (memory use, not results).</param>");
        w.Line("/// <returns>The predictions " + CodeWriter.Escape(shape) + " and the final states.</returns>");
        w.Line("public (" + target + " Output, global::SeqDsl.RecurrentState States) PredictWithState(float[,,] x, global::SeqDsl.RecurrentState? initialState = null, int batchSize = 256) =>");
        w.Line("    " + (plan.Output.IsSequence ? "PredictSequenceWithStateCore" : "PredictVectorWithStateCore") + "(global::SeqDsl.Engine.TensorData.From(x, nameof(x)), initialState, batchSize);");
    }

    /// <summary>The directions whose state a ReturnState layer returns: null for a one-direction layer, "forward" and "backward" for a Bidirectional one.</summary>
    private static IReadOnlyList<string?> Directions(LayerPlan layer) =>
        layer.Spec.Kind == LayerKind.Bidirectional ? new[] { "forward", "backward" } : new string?[] { null };

    private static bool IsLstm(LayerPlan layer) => layer.Spec.Cell == (int)CellKind.LSTM;

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
