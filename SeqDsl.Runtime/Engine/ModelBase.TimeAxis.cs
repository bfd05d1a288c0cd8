using System;

namespace SeqDsl.Engine;

public abstract partial class ModelBase
{
    /// <summary>
    /// Output steps for inputs of <paramref name="inputSteps"/> steps, as Keras computes them: window layers (Conv1D,
    /// pooling) with valid padding or strides shorten the sequence; 1 for a vector output.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer steps than the model needs for one output step.</exception>
    public int OutputSteps(int inputSteps)
    {
        lock (gate)
        {
            var network = Program;
            if (inputSteps < network.MinimumInputSteps)
            {
                throw new ArgumentOutOfRangeException(nameof(inputSteps), inputSteps,
                    $"{Description.Name} needs at least {network.MinimumInputSteps} input step(s) for one output step, got {inputSteps}.");
            }

            return network.OutputSteps(inputSteps);
        }
    }

    /// <summary>
    /// Crops full-length targets [samples, input steps, features] to the steps the model outputs: output step j is
    /// aligned with input step <c>first + stride · j</c> (for Conv1D(kernel 4, stride 2, valid) that is the seed's
    /// <c>Y[:, 3::2]</c>). Returns a copy even when nothing is cropped. <c>Fit</c> and <c>Evaluate</c> do this themselves
    /// when given full-length targets.
    /// </summary>
    /// <param name="y">Targets with one step per input step.</param>
    /// <returns>Targets [samples, <see cref="OutputSteps"/>(input steps), features].</returns>
    /// <exception cref="InvalidOperationException">The model outputs a vector, so its targets have no time axis.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="y"/> has fewer steps than the model needs.</exception>
    /// <exception cref="ArgumentException">The model's output steps are fixed by a RepeatVector and <paramref name="y"/> has another number of steps.</exception>
    public float[,,] AlignTargets(float[,,] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (!Description.OutputIsSequence)
        {
            throw new InvalidOperationException($"{Description.Name} outputs a vector [samples, {Description.OutputFeatures}], so its targets have no time axis to align.");
        }

        var data = TensorData.From(y, nameof(y));
        lock (gate)
        {
            int fixedSteps = Program.FixedOutputSteps;
            if (fixedSteps > 0)
            {
                // RepeatVector(n) fixes the output steps: targets are the n steps themselves, never cropped from the input's.
                if (data.Steps != fixedSteps)
                {
                    throw new ArgumentException(
                        $"{Description.Name} outputs {fixedSteps} steps whatever the input's length (its RepeatVector sets them), so its targets are [samples, {fixedSteps}, features] with nothing to align: expected [{data.Samples}, {fixedSteps}, {data.Features}], got {data.ShapeText}.", nameof(y));
                }

                return TensorData.ToArray3D(data.Values, data.Samples, data.Steps, data.Features);
            }

            int outputSteps = OutputSteps(data.Steps);
            var cropped = TargetAlignment.Crop(data, Program, outputSteps);
            return TensorData.ToArray3D(cropped.Values, cropped.Samples, cropped.Steps, cropped.Features);
        }
    }
}
