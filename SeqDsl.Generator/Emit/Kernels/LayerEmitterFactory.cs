using System.Collections.Generic;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>Picks the emitter for each layer and wires the layers' buffers together.</summary>
internal static class LayerEmitterFactory
{
    /// <summary>Why the model cannot run yet (a layer or loss whose kernels are not written), or null.</summary>
    public static string? Unsupported(ModelPlan plan)
    {
        if (LossEmitter.Unsupported((LossKind)plan.Spec.Loss) is { } loss)
        {
            return "the " + loss;
        }

        if (LossEmitter.Unsupported(plan) is { } head)
        {
            return head;
        }

        foreach (var layer in plan.Layers)
        {
            string? reason = layer.Spec.Kind switch
            {
                LayerKind.Recurrent or LayerKind.Bidirectional => RecurrentEmitter.Unsupported(layer),
                LayerKind.Dense or LayerKind.TimeDistributed or LayerKind.Flatten => null,
                LayerKind.Conv1D => Conv1DEmitter.Unsupported(layer),
                LayerKind.WaveNet or LayerKind.MaxPooling1D or LayerKind.AveragePooling1D or LayerKind.GlobalAveragePooling1D or LayerKind.GlobalMaxPooling1D => null,
                _ when FeatureLayers.Handles(layer.Spec.Kind) => FeatureLayers.Unsupported(layer),
                _ => layer.KerasType + " layers",
            };
            if (reason is not null)
            {
                return reason + " (layer " + layer.Name + ", " + layer.Title + ")";
            }
        }

        return null;
    }

    public static List<LayerEmitter> Create(ModelPlan plan)
    {
        var emitters = new List<LayerEmitter>();
        int last = plan.Layers.Count - 1;
        for (int i = 0; i <= last; i++)
        {
            var layer = plan.Layers[i];
            string output = i == last ? "batch.Predictions" : OutputBuffer(i) + "!.View";
            string outputGradient = i == last ? "lossGradient!.View" : OutputGradientBuffer(i) + "!.View";
            var io = new LayerIo(
                IsFirst: i == 0,
                IsLast: i == last,
                Input: i == 0 ? "batch.Inputs" : OutputBuffer(i - 1) + "!.View",
                Output: output,
                OutputGradient: outputGradient,
                // The first layer computes no input gradient; its kernels never write this argument (any view will do:
                // the loss-gradient buffer does not exist when the last layer fuses the loss gradient).
                InputGradient: i == 0 ? (i == last ? "batch.Predictions" : outputGradient) : OutputGradientBuffer(i - 1) + "!.View",
                Loss: (LossKind)plan.Spec.Loss,
                InputDerivative: i == 0 ? null : ActivationFolding.Folded(plan.Layers[i - 1], layer),
                OutputGradientIsPreActivation: i < last && ActivationFolding.Folded(layer, plan.Layers[i + 1]) is not null);
            emitters.Add(layer.Spec.Kind switch
            {
                LayerKind.Recurrent or LayerKind.Bidirectional => new RecurrentEmitter(layer, io),
                LayerKind.Flatten => new FlattenEmitter(layer, io),
                LayerKind.Conv1D => new Conv1DEmitter(layer, io),
                LayerKind.WaveNet => new WaveNetEmitter(layer, io),
                LayerKind.MaxPooling1D or LayerKind.AveragePooling1D => new PoolingEmitter(layer, io),
                LayerKind.GlobalAveragePooling1D or LayerKind.GlobalMaxPooling1D => new GlobalPoolingEmitter(layer, io),
                _ when FeatureLayers.Handles(layer.Spec.Kind) => FeatureLayers.Create(layer, io),
                _ => new DenseEmitter(layer, io),
            });
        }

        return emitters;
    }

    public static string OutputBuffer(int layer) => "layer" + layer.ToString(System.Globalization.CultureInfo.InvariantCulture) + "Output";

    public static string OutputGradientBuffer(int layer) => "layer" + layer.ToString(System.Globalization.CultureInfo.InvariantCulture) + "OutputGradient";

    /// <summary>Floats per sample of a layer's output, as a C# expression in <c>steps</c>.</summary>
    public static string PerSample(TensorShape shape) =>
        shape.IsSequence ? "steps * " + shape.Features.ToString(System.Globalization.CultureInfo.InvariantCulture) : shape.Features.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
