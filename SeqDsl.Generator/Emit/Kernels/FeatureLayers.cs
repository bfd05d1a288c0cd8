using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>Dispatch for the non-recurrent feature layers: Dropout, the normalizations, Embedding and RepeatVector.</summary>
internal static class FeatureLayers
{
    public static bool Handles(LayerKind kind) =>
        kind is LayerKind.Dropout or LayerKind.LayerNormalization or LayerKind.BatchNormalization or LayerKind.Embedding or LayerKind.RepeatVector;

    /// <summary>Why the layer has no kernels in this model, or null.</summary>
    public static string? Unsupported(LayerPlan layer)
    {
        if (layer.Spec.Kind == LayerKind.Dropout && !(layer.Spec.Dropout >= 0 && layer.Spec.Dropout < 1))
        {
            return "Dropout rates outside [0, 1)";
        }

        return null;
    }

    public static LayerEmitter Create(LayerPlan layer, LayerIo io) => layer.Spec.Kind switch
    {
        LayerKind.Dropout => new DropoutEmitter(layer, io),
        LayerKind.LayerNormalization => new LayerNormalizationEmitter(layer, io),
        LayerKind.BatchNormalization => new BatchNormalizationEmitter(layer, io),
        LayerKind.Embedding => new EmbeddingEmitter(layer, io),
        _ => new RepeatVectorEmitter(layer, io),
    };
}
