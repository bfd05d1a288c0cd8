using System;
using ILGPU;
using ILGPU.Runtime;

namespace SeqDsl.Engine;

/// <summary>
/// The generated, model-specific part of a model on one accelerator: its loaded kernels and the workspace
/// they share. The runtime's training loop calls, per batch, <see cref="TrainingPass"/> (<see cref="Forward"/>,
/// <see cref="ComputeLoss"/> and <see cref="Backward"/>), then runs the optimizer over the flat buffers.
/// </summary>
public abstract class NetworkProgram : IDisposable
{
    /// <summary>Creates the program on <paramref name="accelerator"/>.</summary>
    protected NetworkProgram(Accelerator accelerator) => Accelerator = accelerator;

    /// <summary>The accelerator the kernels are loaded on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>
    /// A new buffer of <paramref name="length"/> floats on <see cref="Accelerator"/>, contents undefined: the generated
    /// program's workspace and state buffers, allocated as the engine's own are (so tests can make any one fail).
    /// </summary>
    protected MemoryBuffer1D<float, Stride1D.Dense> AllocateFloats(long length) => DeviceMemory.Allocate<float>(Accelerator, length);

    /// <summary>
    /// The generated constructor passes each kernel it loads through here: returns the kernel, once compiled, after a
    /// blocking generation-1 garbage collection when this thread has allocated 2 MB since the last one here, which keeps
    /// the compilation's garbage out of the process's peak memory (every few kernels, only while kernels load; skipped
    /// in a no-GC region; the AppContext switch <c>SeqDsl.DisableCompileGarbageCollection</c> turns it off).
    /// </summary>
    protected static T Compiled<T>(T kernel)
        where T : Delegate => CompileGarbage.After(kernel);

    /// <summary>Outputs per sample for inputs of <paramref name="steps"/> steps (steps × features for sequence outputs).</summary>
    public abstract int OutputsPerSample(int steps);

    /// <summary>Output steps for inputs of <paramref name="steps"/> steps (1 for vector outputs).</summary>
    public abstract int OutputSteps(int steps);

    /// <summary>The fewest input steps that still give one output step (window layers with valid padding need more than 1).</summary>
    public virtual int MinimumInputSteps => 1;

    /// <summary>
    /// The input step that output step 0 stands for: output step j is aligned with input step
    /// <see cref="TargetFirstStep"/> + <see cref="TargetStepStride"/> · j (a valid Conv1D(kernel 4, stride 2) gives 3 + 2j).
    /// </summary>
    public virtual int TargetFirstStep => 0;

    /// <summary>Input steps between consecutive output steps (the product of the window layers' strides).</summary>
    public virtual int TargetStepStride => 1;

    /// <summary>
    /// The output steps when the model fixes them whatever the input's length, or 0 when they follow the input's steps.
    /// RepeatVector(n) starts a time axis of n steps (an encoder's summary repeated for a decoder), so the targets of
    /// such a model are [samples, n, features] and no output step stands for an input step.
    /// </summary>
    public virtual int FixedOutputSteps => 0;

    /// <summary>Makes sure the workspace holds a batch of <paramref name="batch"/> samples of <paramref name="steps"/> steps.</summary>
    public abstract void Reserve(int batch, int steps);

    /// <summary>Runs every layer forward (one launch per layer) and writes <see cref="BatchContext.Predictions"/>.</summary>
    public abstract void Forward(in BatchContext batch);

    /// <summary>Compares the predictions with the targets: writes the per-sample loss and last-step error, and the loss gradient for <see cref="Backward"/>.</summary>
    public abstract void ComputeLoss(in BatchContext batch);

    /// <summary>Backpropagates through every layer in reverse order and writes <see cref="BatchContext.Gradients"/> (gradient of the batch-mean loss).</summary>
    public abstract void Backward(in BatchContext batch);

    /// <summary>
    /// One batch's training pass without the update: <see cref="Forward"/>, <see cref="ComputeLoss"/>, then
    /// <see cref="Backward"/>, which leave the predictions, the per-sample losses and the gradients. A generated program
    /// overrides it where one kernel runs the whole pass a sequence at a time (PoCL, narrow recurrent models under a
    /// Dense head), with the same results to the bit.
    /// </summary>
    public virtual void TrainingPass(in BatchContext batch)
    {
        Forward(batch);
        ComputeLoss(batch);
        Backward(batch);
    }

    /// <summary>Clears the state that stateful recurrent layers carry from batch to batch (nothing for other models).</summary>
    public virtual void ResetStates()
    {
    }

    /// <summary>
    /// The device buffer of the <paramref name="index"/>-th returned state (see <see cref="ModelDescription.ReturnedStates"/>; a Bidirectional layer has two, forward then backward direction):
    /// [batch, width] with h, then c for LSTM, per sequence. Every forward pass leaves the final state there; a forward
    /// pass with <see cref="BatchContext.FromInitialStates"/> starts from what it holds. Valid after <see cref="Reserve"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The model has no such ReturnState layer.</exception>
    public virtual ILGPU.ArrayView<float> ReturnedStateBuffer(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, "This model has no recurrent layer with ReturnState = true.");

    /// <summary>Frees the workspace.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the workspace buffers.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
