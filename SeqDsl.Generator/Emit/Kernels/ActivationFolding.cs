using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Where a layer's activation derivative moves into the next layer's backward pass. A Conv1D's backward needs the
/// pre-activation gradient dy · f'(y) of every output value, in its input-gradient loop and again in every block of its
/// weight-gradient loop (the seed's WaveNet: 11 blocks per sample, each recomputing it from two loads, a compare and a
/// multiply for every four multiply-adds). When the next layer is a Conv1D too, that layer writes the gradient of its
/// input already multiplied by f'(y) (its input is y), once per value, and the layer reads it as it is: the same
/// product, so the same bits. Only between two Conv1D layers: nothing else reads the buffer between them (the model is
/// a chain), and a Conv1D writes each input value's gradient exactly once.
/// </summary>
internal static class ActivationFolding
{
    /// <summary>
    /// The activation whose derivative <paramref name="consumer"/> applies to the input gradient it writes, which is then
    /// <paramref name="producer"/>'s pre-activation gradient; null when nothing is folded (a linear activation has
    /// nothing to fold).
    /// </summary>
    public static ActivationKind? Folded(LayerPlan producer, LayerPlan consumer)
    {
        if (producer.Spec.Kind != LayerKind.Conv1D || consumer.Spec.Kind != LayerKind.Conv1D)
        {
            return null;
        }

        var activation = ActivationCode.Resolve(producer.Spec.Activation, ActivationKind.Linear);
        return activation == ActivationKind.Linear ? null : activation;
    }
}
