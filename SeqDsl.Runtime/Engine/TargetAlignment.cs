using System;

namespace SeqDsl.Engine;

/// <summary>
/// Targets that follow the time axis. Window layers (Conv1D with valid padding or strides, pooling) give fewer output
/// steps than input steps; output step j stands for input step <see cref="NetworkProgram.TargetFirstStep"/> +
/// <see cref="NetworkProgram.TargetStepStride"/> · j. Full-length targets (one per input step) are cropped to those
/// steps, so users never crop by hand (the seed's <c>Y[:, 3::2]</c>).
/// </summary>
internal static class TargetAlignment
{
    /// <summary>True when the program's output steps are a strided or shifted subset of its input steps.</summary>
    public static bool Shifts(NetworkProgram program) => program.TargetFirstStep != 0 || program.TargetStepStride != 1;

    /// <summary>
    /// <paramref name="y"/> as the model's loss sees it: unchanged when it already has the output steps, cropped when it
    /// has one target per input step of <paramref name="x"/>. Anything else is left for <see cref="DataValidator.Targets"/> to reject.
    /// </summary>
    public static TensorData ForInputs(in TensorData x, in TensorData y, ModelDescription description, NetworkProgram program)
    {
        if (!y.HasValues || !description.OutputIsSequence || y.Rank != 3 || !Shifts(program))
        {
            return y;
        }

        int outputSteps = program.OutputSteps(x.Steps);
        if (y.Steps == outputSteps || y.Steps != x.Steps)
        {
            return y;
        }

        return Crop(y, program, outputSteps);
    }

    /// <summary>Keeps, of every sample of <paramref name="y"/>, the steps aligned with the output steps.</summary>
    public static TensorData Crop(in TensorData y, NetworkProgram program, int outputSteps)
    {
        int first = program.TargetFirstStep;
        int stride = program.TargetStepStride;
        if (outputSteps > 0 && (long)first + ((long)stride * (outputSteps - 1)) >= y.Steps)
        {
            throw new InvalidOperationException($"Output step {outputSteps - 1} is aligned with input step {first + ((long)stride * (outputSteps - 1))}, beyond {y.Name}'s {y.Steps} steps.");
        }

        int features = y.Features;
        var data = new float[(long)y.Samples * outputSteps * features];
        var source = y.Values;
        for (int s = 0; s < y.Samples; s++)
        {
            for (int j = 0; j < outputSteps; j++)
            {
                long from = (((long)s * y.Steps) + first + ((long)stride * j)) * features;
                source.Slice(checked((int)from), features).CopyTo(data.AsSpan(checked((int)((((long)s * outputSteps) + j) * features)), features));
            }
        }

        return new TensorData(data, y.Samples, outputSteps, features, 3, y.Name);
    }
}
