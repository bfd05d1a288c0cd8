using System;
using System.Collections.Generic;
using ILGPU;
using ILGPU.Runtime;

namespace SeqDsl.Engine;

/// <summary>
/// The runtime half of every generated model: the device, the flat weight buffer and its initialization, the
/// training loop, prediction, evaluation and weight files. The generated class derives from it, supplies its
/// <see cref="NetworkProgram"/> through <see cref="CreateProgram"/>, and wraps the protected <c>…Core</c> methods in
/// typed public methods (<c>Fit</c>, <c>Predict</c>, <c>Evaluate</c>).
/// </summary>
/// <remarks>
/// <para>
/// Thread safety. One instance may be shared between threads for inference: Predict, Evaluate, GetWeights,
/// SetWeights, Save and Load take one lock per instance, so concurrent calls run one after another, never
/// interleaved, and each returns what it would return alone.
/// </para>
/// <para>
/// Fit needs the instance to itself. It waits for calls already running to finish; while it trains, every call on
/// the instance from another thread, a second Fit included, throws <see cref="InvalidOperationException"/> at once
/// instead of waiting for the whole run (a call that races with the very start of Fit may wait for it instead).
/// Callbacks run inside Fit on its thread and may read the model (GetWeights, Save, Predict) but not call Fit.
/// Dispose waits for a running Fit to return. Different instances are independent, also on one device.
/// </para>
/// </remarks>
public abstract partial class ModelBase : IDisposable
{
    private readonly object gate = new();
    private readonly bool ownsDevice;
    private readonly SeededRandom random;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> parameters;
    private MemoryBuffer1D<float, Stride1D.Dense>? gradients;
    private NetworkProgram? program;
    private bool disposed;

    /// <summary>Creates the model on <paramref name="device"/> and initializes its weights from <paramref name="seed"/>.</summary>
    /// <param name="description">The generated description of the architecture.</param>
    /// <param name="device">The device; <c>null</c> picks the default device, which the model then owns and disposes.</param>
    /// <param name="seed">Seeds weight initialization, shuffling and dropout: the same seed gives the same run.</param>
    /// <exception cref="ArgumentException">The description's parameter layout is inconsistent.</exception>
    protected ModelBase(ModelDescription description, SeqDevice? device, int seed)
    {
        ArgumentNullException.ThrowIfNull(description);
        CheckLayout(description);
        Description = description;
        Seed = seed;
        ownsDevice = device is null;
        Device = device ?? CreateDefaultDevice();
        random = new SeededRandom(seed);
        try
        {
            // At least one element: a zero-length buffer has no usable view on every backend.
            parameters = DeviceMemory.Allocate<float>(Device.Accelerator, Math.Max(1, description.ParameterCount));
            parameters.MemSetToZero();
            UploadWeights(WeightInitializer.Initialize(description, random));
        }
        catch
        {
            // A device the caller passed outlives this failed model: its weights buffer must not stay allocated there.
            parameters?.Dispose();
            if (ownsDevice)
            {
                Device.Dispose();
            }

            throw;
        }
    }

    /// <summary>The architecture: sizes, parameter layout, loss, defaults.</summary>
    public ModelDescription Description { get; }

    /// <summary>The device the model runs on.</summary>
    public SeqDevice Device { get; }

    /// <summary>The seed the model was created with.</summary>
    public int Seed { get; }

    /// <summary>Number of parameters (the length of <see cref="GetWeights"/>).</summary>
    public int ParameterCount => Description.ParameterCount;

    /// <summary>The Keras-like summary table: layers, output shapes, parameter counts.</summary>
    public string Summary => Description.Summary;

    /// <summary>Every parameter tensor and where it lives in the flat weight vector.</summary>
    public IReadOnlyList<ParameterInfo> Parameters => Description.Parameters;

    /// <summary>
    /// Creates the generated program (kernels and workspace) on <paramref name="device"/>, and must build it there: it is
    /// called for the model's device once, on first use, and on a PoCL device once more for ILGPU's CPU accelerator with
    /// the host-code schedule, whose copy runs small predictions (<see cref="SmallPredictionsOnHost"/>).
    /// </summary>
    protected abstract NetworkProgram CreateProgram(SeqDevice device);

    /// <summary>Output steps for inputs of <paramref name="inputSteps"/> steps (1 for vector outputs); for the typed wrappers' reshaping.</summary>
    protected int OutputStepsFor(int inputSteps)
    {
        lock (Gate)
        {
            return Program.OutputSteps(inputSteps);
        }
    }

    /// <summary>A copy of the flat weight vector, in <see cref="Parameters"/> layout.</summary>
    public float[] GetWeights()
    {
        lock (Gate)
        {
            ThrowIfDisposed();
            return DownloadWeights();
        }
    }

    /// <summary>Replaces every weight.</summary>
    /// <exception cref="ArgumentException">The length is not <see cref="ParameterCount"/>, or a value is NaN/∞ (the message gives its index and tensor).</exception>
    public void SetWeights(ReadOnlySpan<float> weights)
    {
        if (weights.Length != ParameterCount)
        {
            throw new ArgumentException($"{Description.Name} has {ParameterCount} parameters, but {weights.Length} weights were given.", nameof(weights));
        }

        for (int i = 0; i < weights.Length; i++)
        {
            if (!float.IsFinite(weights[i]))
            {
                throw new ArgumentException($"weights[{i}] ({TensorAt(i)}) is {weights[i]}; every weight must be finite.", nameof(weights));
            }
        }

        lock (Gate)
        {
            ThrowIfDisposed();
            UploadWeights(weights);
        }
    }

    /// <summary>
    /// Clears the state that stateful recurrent layers carry from one batch (or Predict call) to the next, so the
    /// next batch starts from zeros, as Keras's <c>reset_states()</c>. Does nothing for models without stateful layers.
    /// </summary>
    public void ResetStates()
    {
        lock (Gate)
        {
            ThrowIfDisposed();
            program?.ResetStates();
        }
    }

    /// <summary>Frees the device buffers, the program, and the device if the model created it.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the device resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
        lock (gate)
        {
            if (disposed || !disposing)
            {
                return;
            }

            disposed = true;
            ReleasePredictionBuffers();
            ReleaseHostInference();
            program?.Dispose();
            gradients?.Dispose();
            parameters.Dispose();
            if (ownsDevice)
            {
                Device.Dispose();
            }
        }
    }

    /// <summary>The program, created on first use.</summary>
    private NetworkProgram Program
    {
        get
        {
            ThrowIfDisposed();
            if (program is null)
            {
                program = CreateProgramOn(Device);
            }

            return program;
        }
    }

    /// <summary>Calls <see cref="CreateProgram"/> and checks that the program runs on <paramref name="device"/>'s accelerator.</summary>
    private NetworkProgram CreateProgramOn(SeqDevice device)
    {
        var created = CreateProgram(device) ?? throw new InvalidOperationException($"{GetType().Name}.CreateProgram returned null.");
        if (!ReferenceEquals(created.Accelerator, device.Accelerator))
        {
            created.Dispose();
            throw new InvalidOperationException($"{GetType().Name}.CreateProgram built its program on another accelerator than the device it was given.");
        }

        return created;
    }

    /// <summary>The gradient buffer, allocated (and zeroed, so that untouched non-trainable slots stay finite) on first training.</summary>
    private MemoryBuffer1D<float, Stride1D.Dense> Gradients
    {
        get
        {
            if (gradients is null)
            {
                var zeroed = DeviceMemory.Allocate<float>(Device.Accelerator, Math.Max(1, ParameterCount));
                try
                {
                    zeroed.MemSetToZero();
                }
                catch
                {
                    zeroed.Dispose(); // kept only once zeroed
                    throw;
                }

                gradients = zeroed;
            }

            return gradients;
        }
    }

    /// <summary>
    /// The device used when the caller passes none. The single place the default is resolved; the lead swaps this
    /// <c>SeqDevice.Best()</c>: the process-wide shared device (its Dispose does nothing).
    /// </summary>
    private static SeqDevice CreateDefaultDevice() => SeqDevice.Best();

    private float[] DownloadWeights()
    {
        var weights = new float[ParameterCount];
        if (weights.Length > 0)
        {
            parameters.View.SubView(0, weights.Length).CopyToCPU(weights);
        }

        return weights;
    }

    private void UploadWeights(ReadOnlySpan<float> weights)
    {
        WeightsChanged();
        if (weights.Length > 0)
        {
            parameters.View.SubView(0, weights.Length).CopyFromCPU(weights.ToArray());
        }
    }

    private string TensorAt(int index)
    {
        foreach (var parameter in Description.Parameters)
        {
            if (index >= parameter.Offset && index < parameter.Offset + parameter.Length)
            {
                int local = index - parameter.Offset;
                return $"{parameter.Layer}/{parameter.Name}[{local / Math.Max(1, parameter.Cols)}, {local % Math.Max(1, parameter.Cols)}]";
            }
        }

        return "outside every tensor";
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    private static void CheckLayout(ModelDescription description)
    {
        if (description.ParameterCount < 0)
        {
            throw new ArgumentException($"{description.Name}: ParameterCount is {description.ParameterCount}.", nameof(description));
        }

        if (description.InputRank is not (2 or 3))
        {
            throw new ArgumentException($"{description.Name}: InputRank must be 2 or 3, got {description.InputRank}.", nameof(description));
        }

        var covered = new bool[description.ParameterCount];
        foreach (var parameter in description.Parameters)
        {
            if (parameter.Rows < 0 || parameter.Cols < 0 || parameter.Offset < 0 || (long)parameter.Offset + parameter.Length > description.ParameterCount)
            {
                throw new ArgumentException(
                    $"{description.Name}: parameter {parameter.Layer}/{parameter.Name} [{parameter.Rows}, {parameter.Cols}] at offset {parameter.Offset} does not fit in {description.ParameterCount} parameters.", nameof(description));
            }

            for (int i = parameter.Offset; i < parameter.Offset + parameter.Length; i++)
            {
                if (covered[i])
                {
                    throw new ArgumentException($"{description.Name}: parameter {parameter.Layer}/{parameter.Name} overlaps another tensor at element {i}.", nameof(description));
                }

                covered[i] = true;
            }
        }
    }
}
