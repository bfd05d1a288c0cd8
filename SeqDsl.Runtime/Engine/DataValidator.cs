using System;
using System.Diagnostics.CodeAnalysis;

namespace SeqDsl.Engine;

/// <summary>
/// Checks data before it reaches the device. Every message names the argument, the expected and the actual shape,
/// and for bad values the first bad index, because the kernels themselves cannot report anything useful.
/// </summary>
internal static class DataValidator
{
    public static void BatchSize(int batchSize, ModelDescription description, string name = "batchSize")
    {
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(name, batchSize, $"{name} must be at least 1, got {batchSize}.");
        }

        if (description.BatchSize > 0 && batchSize != description.BatchSize)
        {
            throw new ArgumentOutOfRangeException(name, batchSize, $"{description.Name} was declared with BatchSize = {description.BatchSize}, so {name} must be {description.BatchSize}, got {batchSize}.");
        }
    }

    /// <summary>A stateful model trains on whole batches: row i of every batch continues row i of the batch before.</summary>
    public static void StatefulSamples(in TensorData x, ModelDescription description)
    {
        if (description.Stateful && x.Samples % description.BatchSize != 0)
        {
            throw new ArgumentException(
                $"{description.Name} is stateful with BatchSize = {description.BatchSize}, so {x.Name} needs a multiple of {description.BatchSize} samples (each batch continues the previous one row by row), but it has {x.Samples}: shape {x.ShapeText}.", x.Name);
        }
    }

    /// <summary>Shape of the inputs (always) and finiteness of their values (when <paramref name="scanValues"/>).</summary>
    public static void Inputs(in TensorData x, ModelDescription description, bool scanValues)
    {
        if (!x.HasValues)
        {
            throw new ArgumentNullException(x.Name ?? "x", "The input data is missing.");
        }

        string expected = ExpectedInputShape(description, x.Samples, x.Steps);
        if (x.Rank != description.InputRank)
        {
            throw new ArgumentException(
                $"{x.Name} must be a {description.InputRank}-D array {RankLayout(description.InputRank)} for {description.Name}, but got a {x.Rank}-D array of shape {x.ShapeText}: expected {expected}.", x.Name);
        }

        if (x.Samples == 0 || x.Steps == 0)
        {
            throw new ArgumentException($"{x.Name} is empty: expected at least one sample and one step, {expected}, got {x.ShapeText}.", x.Name);
        }

        if (x.Features != description.InputFeatures)
        {
            throw new ArgumentException(
                $"{x.Name} has {x.Features} feature(s) per step, but {description.Name} expects InputFeatures = {description.InputFeatures}: expected shape {expected}, got {x.ShapeText}.", x.Name);
        }

        if (description.InputSteps > 0 && x.Steps != description.InputSteps)
        {
            throw new ArgumentException(
                $"{x.Name} has {x.Steps} step(s), but {description.Name} was declared with InputSteps = {description.InputSteps}: expected shape {expected}, got {x.ShapeText}.", x.Name);
        }

        if (scanValues)
        {
            Finite(x);
            if (description.EmbeddingInputDim > 0)
            {
                TokenIds(x, description.EmbeddingInputDim);
            }
        }
    }

    /// <summary>Enough steps for the program's window layers to output at least one step.</summary>
    public static void Steps(in TensorData x, ModelDescription description, NetworkProgram program)
    {
        if (description.InputRank == 3 && x.Steps < program.MinimumInputSteps)
        {
            throw new ArgumentException(
                $"{x.Name} has {x.Steps} step(s), but {description.Name}'s convolution and pooling windows need at least {program.MinimumInputSteps} input steps for one output step: got shape {x.ShapeText}.", x.Name);
        }
    }

    /// <summary>Targets against the inputs and the program's output shape.</summary>
    public static void Targets(in TensorData x, in TensorData y, ModelDescription description, NetworkProgram program, bool scanValues)
    {
        if (!y.HasValues)
        {
            throw new ArgumentNullException(y.Name ?? "y", "The target data is missing.");
        }

        bool sparse = description.Loss == Loss.SparseCategoricalCrossEntropy;
        int[] shape = OutputShape.Targets(description, program, x); // the predictions' rule, one class index per step for sparse labels
        int rank = shape.Length;
        int outputSteps = rank == 3 ? shape[1] : 1; // a 2-D array's Steps is 1
        int features = shape[^1];
        string expected = ShapeText(shape);
        string what = sparse ? (rank == 3 ? "(samples, output steps, 1 class index)" : "(samples, 1 class index)") : OutputAxes(rank);

        if (y.Rank != rank)
        {
            throw new ArgumentException(
                $"{y.Name} must be a {rank}-D array {what} for {description.Name}, but got a {y.Rank}-D array of shape {y.ShapeText}: expected {expected}.", y.Name);
        }

        if (y.Samples != x.Samples)
        {
            throw new ArgumentException(
                $"{x.Name} has {x.Samples} sample(s) but {y.Name} has {y.Samples}: expected {y.Name} of shape {expected}, got {y.ShapeText}.", y.Name);
        }

        if (y.Steps != outputSteps || y.Features != features)
        {
            throw new ArgumentException(
                $"{y.Name} does not match {description.Name}'s output for {x.Steps}-step inputs: expected shape {expected} {what}"
                + (rank == 3 && TargetAlignment.Shifts(program) ? $", or full-length targets [{x.Samples}, {x.Steps}, {features}] that the model aligns itself (output step j ↔ input step {program.TargetFirstStep} + {program.TargetStepStride}·j)" : "")
                + (rank == 3 && program.FixedOutputSteps > 0 ? $" ({description.Name} outputs {program.FixedOutputSteps} steps whatever the input's length: its RepeatVector sets them)" : "")
                + $", got {y.ShapeText}.", y.Name);
        }

        if (scanValues)
        {
            Finite(y);
            if (sparse)
            {
                ClassIndices(y, description.OutputFeatures);
            }
        }
    }

    /// <summary>
    /// The caller's array for the predictions of <paramref name="x"/>: present, not <paramref name="x"/>'s own array, and of their shape
    /// (<paramref name="expected"/>), checked before anything is written to it.
    /// </summary>
    public static void Destination([NotNull] Array? destination, int[] expected, in TensorData x, string name = "destination")
    {
        string axes = OutputAxes(expected.Length);
        if (destination is null)
        {
            throw new ArgumentNullException(name, $"{name} is null: pass an array of the predictions' shape {ShapeText(expected)} {axes}.");
        }

        if (x.Wraps(destination))
        {
            // A prediction reads its inputs chunk by chunk while it writes: whether overwriting them works would depend on that order.
            throw new ArgumentException($"{name} is {x.Name} itself: the predictions would overwrite the inputs they are computed from; pass another array.", name);
        }

        var actual = new int[destination.Rank];
        for (int d = 0; d < actual.Length; d++)
        {
            actual[d] = destination.GetLength(d);
        }

        if (!actual.AsSpan().SequenceEqual(expected))
        {
            throw new ArgumentException($"{name} is {ShapeText(actual)} but the predictions of {x.Name} are {ShapeText(expected)} {axes}.", name);
        }
    }

    /// <summary>The first NaN or infinity, by its user-facing index.</summary>
    public static void Finite(in TensorData data)
    {
        var values = data.Values;
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                string kind = float.IsNaN(values[i]) ? "NaN" : values[i] > 0 ? "+Infinity" : "-Infinity";
                throw new ArgumentException(
                    $"{data.IndexText(i)} is {kind}; every value must be finite ({data.Name} has shape {data.ShapeText}; this is its first bad element). "
                    + "Set FitOptions.ValidateInputs = false to skip this scan when training.", data.Name);
            }
        }
    }

    private static void TokenIds(in TensorData x, int vocabulary)
    {
        var values = x.Values;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (v < 0 || v >= vocabulary || v != MathF.Floor(v))
            {
                throw new ArgumentException(
                    $"{x.IndexText(i)} = {v} is not a token id: the model starts with an Embedding of {vocabulary} tokens, so every input value must be an integer in [0, {vocabulary - 1}] ({x.Name} has shape {x.ShapeText}; this is its first bad element).", x.Name);
            }
        }
    }

    private static void ClassIndices(in TensorData y, int classes)
    {
        var values = y.Values;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (v < 0 || v >= classes || v != MathF.Floor(v))
            {
                throw new ArgumentException(
                    $"{y.IndexText(i)} = {v} is not a class index: sparse cross-entropy targets must be integers in [0, {classes - 1}] ({y.Name} has shape {y.ShapeText}; this is its first bad element).", y.Name);
            }
        }
    }

    private static string ExpectedInputShape(ModelDescription description, int samples, int steps)
    {
        if (description.InputRank == 2)
        {
            return $"[{samples}, {description.InputFeatures}]";
        }

        string stepsText = description.InputSteps > 0 ? description.InputSteps.ToString(System.Globalization.CultureInfo.InvariantCulture) : "steps";
        return $"[{samples}, {stepsText}, {description.InputFeatures}]";
    }

    /// <summary>What the axes of a model's outputs (predictions or targets) of <paramref name="rank"/> hold.</summary>
    private static string OutputAxes(int rank) => rank == 3 ? "(samples, output steps, output features)" : "(samples, output features)";

    private static string ShapeText(int[] shape) => "[" + string.Join(", ", shape) + "]";

    private static string RankLayout(int rank) => rank == 2 ? "[samples, features]" : "[samples, steps, features]";
}
