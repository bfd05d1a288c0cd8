namespace SeqDsl.Engine;

/// <summary>
/// The one rule for the shape of a model's outputs on inputs x, which the predictions and the targets both follow:
/// [samples, output steps, values per step] for a sequence-output model, [samples, values per step] for a vector-output
/// one. The predictions have the model's output features per step; the targets the same, or one class index per step
/// for sparse labels.
/// </summary>
internal static class OutputShape
{
    /// <summary>The shape of <paramref name="x"/>'s predictions (<paramref name="sequence"/>: a sequence-output model).</summary>
    public static int[] Predictions(ModelDescription description, NetworkProgram program, in TensorData x, bool sequence) =>
        Of(program, x, sequence, description.OutputFeatures);

    /// <summary>The shape <paramref name="x"/>'s targets must have for <paramref name="description"/>'s loss.</summary>
    public static int[] Targets(ModelDescription description, NetworkProgram program, in TensorData x) =>
        Of(program, x, description.OutputIsSequence, description.Loss == Loss.SparseCategoricalCrossEntropy ? 1 : description.OutputFeatures);

    private static int[] Of(NetworkProgram program, in TensorData x, bool sequence, int perStep) =>
        sequence ? [x.Samples, program.OutputSteps(x.Steps), perStep] : [x.Samples, perStep];
}
