using System.Collections.Generic;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Shapes;

/// <summary>
/// Rules about a model whose shapes are consistent: errors about the loss and stateful or state-returning layers
/// (SEQ007, SEQ014) and the warnings and hints of SEQ009–SEQ013.
/// </summary>
internal static class ModelAdvisor
{
    public static IEnumerable<Finding> Advise(ModelPlan plan)
    {
        var spec = plan.Spec;
        var layers = plan.Layers;
        if (layers.Count == 0)
        {
            yield break;
        }

        var last = layers[layers.Count - 1];
        var loss = (LossKind)spec.Loss;
        int lastActivation = OutputActivation(last.Spec);

        // SEQ007: the output must fit the loss.
        if (loss is LossKind.SparseCategoricalCrossEntropy or LossKind.CategoricalCrossEntropy && plan.Output.Features < 2)
        {
            yield return new Finding(DiagnosticIds.OutputDoesNotFitLoss, FindingSeverity.Error,
                $"{loss} needs one output per class, but {last.Title} outputs {plan.Output}; use one unit per class, or Loss.BinaryCrossEntropy for a yes/no label",
                last.Spec.Location, last.Index);
        }

        // A cross-entropy takes logits (linear output) or the probabilities its own squashing function makes
        // (softmax for the categorical losses, sigmoid for the binary one): the kernels then compute the loss from the
        // logits in one stable step, so nothing is squashed twice. Any other activation cannot produce every logit.
        if (loss is LossKind.SparseCategoricalCrossEntropy or LossKind.CategoricalCrossEntropy or LossKind.BinaryCrossEntropy
            && lastActivation != (int)ActivationKind.Linear && lastActivation != CrossEntropySquash(loss))
        {
            var squash = (ActivationKind)CrossEntropySquash(loss);
            yield return new Finding(DiagnosticIds.OutputDoesNotFitLoss, FindingSeverity.Error,
                $"{loss} reads its outputs as logits (linear) or as {squash} probabilities, but {last.Title} ends with {(ActivationKind)lastActivation}, which cannot produce every logit; remove the activation or use Activation.{squash}",
                last.Spec.LocationOf("Activation"), last.Index, "Activation");
        }

        bool regression = loss is LossKind.Mse or LossKind.Mae or LossKind.Huber;
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var s = layer.Spec;

            // SEQ014: stateful layers need a fixed batch (a Bidirectional one too: each direction carries its own state, as Keras).
            if (s.Stateful && spec.BatchSize == 0)
            {
                yield return new Finding(DiagnosticIds.InvalidStateful, FindingSeverity.Error,
                    $"{layer.Title} is stateful, so it carries the state of sample i to sample i of the next batch and needs a fixed batch size; set BatchSize on [SequenceModel]",
                    s.LocationOf("Stateful"), layer.Index, "Stateful");
            }

            // SEQ014: ReturnState hands the final state to the caller; a stateful layer already carries it into the next
            // batch. (A Bidirectional layer returns one state per direction, as Keras's [output, forward_h, …, backward_c].)
            if (s.ReturnState && s.Stateful)
            {
                yield return new Finding(DiagnosticIds.InvalidStateful, FindingSeverity.Error,
                    $"{layer.Title} cannot be both stateful and return its state: Stateful carries the final state into the next batch itself, ReturnState hands it to the caller for PredictWithState; use one of them",
                    s.LocationOf("ReturnState"), layer.Index, "ReturnState");
            }

            // SEQ009: Same padding sees the future in a forecaster.
            if (regression && plan.Output.IsSequence && s.Kind is LayerKind.Conv1D && s.Padding == (int)PaddingKind.Same && s.KernelSize > 1)
            {
                yield return new Finding(DiagnosticIds.SamePaddingSeesFuture, FindingSeverity.Warning,
                    $"{layer.Title} pads on both sides, so output step t sees input steps after t; a model that forecasts a sequence then learns from the future it must predict. Use Padding.Causal",
                    s.LocationOf("padding"), layer.Index, "padding");
            }

            if (s.Kind is LayerKind.Recurrent or LayerKind.Bidirectional)
            {
                // SEQ010: unbounded activation in a recurrent layer.
                if (s.Activation is (int)ActivationKind.ReLU or (int)ActivationKind.Elu or (int)ActivationKind.Softplus or (int)ActivationKind.Linear)
                {
                    yield return new Finding(DiagnosticIds.UnboundedRecurrentActivation, FindingSeverity.Warning,
                        $"{layer.Title} uses the unbounded {(ActivationKind)s.Activation} activation: the state can grow at every step and gradients explode; use Tanh (the default)",
                        s.LocationOf("Activation"), layer.Index, "Activation");
                }

                // SEQ012: SimpleRNN over long sequences.
                if (s.Cell == (int)CellKind.SimpleRNN && layer.Input.Steps > 100)
                {
                    yield return new Finding(DiagnosticIds.SimpleRnnLongSequence, FindingSeverity.Info,
                        $"{layer.Title} runs over {layer.Input.Steps} steps; a SimpleRNN remembers only about 10 steps. Consider LSTM or GRU, or a Conv1D front that shortens the sequence",
                        s.LocationOf("cell"), layer.Index, "cell");
                }
            }

            // SEQ013: BatchNormalization between recurrent layers.
            if (s.Kind == LayerKind.BatchNormalization && IsRecurrentNeighbour(layers, i, -1) && IsRecurrentNeighbour(layers, i, +1))
            {
                yield return new Finding(DiagnosticIds.BatchNormBetweenRecurrent, FindingSeverity.Info,
                    "BatchNormalization between recurrent layers normalizes across the batch with statistics shared by every step; LayerNormalization (or LayerNorm = true on the cell) works better for RNNs",
                    s.Location, layer.Index);
            }
        }

        // SEQ011: a SimpleRNN as the regression output.
        if (regression && last.Spec.Kind == LayerKind.Recurrent && last.Spec.Cell == (int)CellKind.SimpleRNN)
        {
            yield return new Finding(DiagnosticIds.SimpleRnnOutput, FindingSeverity.Info,
                $"{last.Title} is the output layer: its output is its tanh-bounded state, in [-1, 1]. A Dense({last.Output.Features}) output after a wider recurrent layer trains faster and is not bounded",
                last.Spec.Location, last.Index);
        }
    }

    /// <summary>The activation applied to the layer's output (Default resolved to the layer's own default).</summary>
    /// <summary>The activation a cross-entropy loss folds into itself: softmax for the categorical losses, sigmoid for the binary one.</summary>
    public static int CrossEntropySquash(LossKind loss) =>
        loss == LossKind.BinaryCrossEntropy ? (int)ActivationKind.Sigmoid : (int)ActivationKind.Softmax;

    public static int OutputActivation(LayerSpec s)
    {
        if (s.Activation != (int)ActivationKind.Default)
        {
            return s.Activation;
        }

        return s.Kind is LayerKind.Recurrent or LayerKind.Bidirectional ? (int)ActivationKind.Tanh : (int)ActivationKind.Linear;
    }

    private static bool IsRecurrentNeighbour(EquatableArray<LayerPlan> layers, int index, int direction)
    {
        for (int i = index + direction; i >= 0 && i < layers.Count; i += direction)
        {
            var k = layers[i].Spec.Kind;
            if (k is LayerKind.Dropout or LayerKind.BatchNormalization or LayerKind.LayerNormalization)
            {
                continue;
            }

            return k is LayerKind.Recurrent or LayerKind.Bidirectional;
        }

        return false;
    }
}
