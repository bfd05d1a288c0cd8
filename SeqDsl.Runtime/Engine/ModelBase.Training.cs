using System;
using SeqDsl.Training;

namespace SeqDsl.Engine;

public abstract partial class ModelBase
{
    /// <summary>
    /// Trains the model on (<paramref name="x"/>, <paramref name="y"/>) for <paramref name="epochs"/> epochs of
    /// mini-batches of <paramref name="batchSize"/> samples (the last batch may be smaller) and returns what it measured.
    /// </summary>
    /// <param name="x">Inputs [samples, steps, InputFeatures].</param>
    /// <param name="y">Targets [samples, output steps, OutputFeatures] or, when window layers shorten the sequence, full-length targets [samples, steps, OutputFeatures] that are aligned with the output steps (or [samples, OutputFeatures] for vector outputs; one class index per output step for sparse cross-entropy).</param>
    /// <param name="epochs">Passes over the data, at least 1.</param>
    /// <param name="batchSize">Samples per gradient step, at least 1.</param>
    /// <param name="validationX">Validation inputs, evaluated after every epoch; give both or neither.</param>
    /// <param name="validationY">Validation targets.</param>
    /// <param name="options">Optimizer, clipping, early stopping, callbacks, cancellation; <c>null</c> for defaults.</param>
    /// <exception cref="ArgumentException">A shape or value of the data is wrong (the message names the argument, both shapes and the first bad index).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epochs"/> or <paramref name="batchSize"/> is less than 1, or an option is out of range.</exception>
    /// <exception cref="TrainingDivergedException">A loss or weight became NaN/∞; the weights were restored first.</exception>
    /// <exception cref="TrainingCancelledException">The options' token was cancelled; the weights are the last completed epoch's.</exception>
    /// <exception cref="InvalidOperationException">Another thread is training this instance, or Fit was called from one of its own callbacks.</exception>
    /// <exception cref="System.IO.InvalidDataException"><see cref="FitOptions.ResumeFrom"/> is not a usable checkpoint (the message says why); the model is unchanged.</exception>
    protected History FitCore(TensorData x, TensorData y, int epochs, int batchSize, TensorData? validationX, TensorData? validationY, FitOptions? options)
    {
        options ??= new FitOptions();
        lock (Gate)
        {
            ThrowIfDisposed();
            options.Validate();
            if (epochs < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"epochs must be at least 1, got {epochs}.");
            }

            DataValidator.BatchSize(batchSize, Description);
            DataValidator.Inputs(x, Description, options.ValidateInputs);
            DataValidator.StatefulSamples(x, Description);
            var network = Program;
            DataValidator.Steps(x, Description, network);
            y = TargetAlignment.ForInputs(x, y, Description, network);
            DataValidator.Targets(x, y, Description, network, options.ValidateInputs);
            if (validationX.HasValue != validationY.HasValue)
            {
                throw new ArgumentException(
                    $"Validation data needs both inputs and targets, but only the {(validationX.HasValue ? "inputs" : "targets")} were given.",
                    validationX.HasValue ? nameof(validationY) : nameof(validationX));
            }

            if (validationX is TensorData vx && validationY is TensorData vy)
            {
                DataValidator.Inputs(vx, Description, options.ValidateInputs);
                DataValidator.Steps(vx, Description, network);
                vy = TargetAlignment.ForInputs(vx, vy, Description, network);
                validationY = vy;
                DataValidator.Targets(vx, vy, Description, network, options.ValidateInputs);
            }

            using var training = BeginTraining();
            var loop = new TrainingLoop(Device, network, Description, random, parameters.View, Gradients.View, DownloadWeights, weights => UploadWeights(weights));
            return loop.Run(x, y, validationX, validationY, epochs, batchSize, options);
        }
    }
}
