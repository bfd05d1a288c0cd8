using System;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace SeqDsl.Engine;

public abstract partial class ModelBase
{
    /// <summary>
    /// Whether <c>Predict</c>, <c>Evaluate</c> and <c>PredictWithUncertainty</c> scan every input and target value for NaN
    /// and ±∞ before they run (default true). Set it to false for trusted data to skip that pass; shapes are always checked.
    /// <c>Fit</c> has its own switch, <see cref="FitOptions.ValidateInputs"/>.
    /// </summary>
    public bool ScanInputValues { get; set; } = true;

    /// <summary>
    /// Runs the model forward over <paramref name="x"/> in chunks of <paramref name="batchSize"/> samples and returns
    /// the flat predictions [samples × outputs per sample]. Any sample count works; device buffers are reused between
    /// chunks; if the device runs out of memory the chunk is halved and the chunk retried.
    /// </summary>
    /// <exception cref="ArgumentException">The inputs have the wrong rank, shape, or a NaN/∞ value (named by index).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    protected float[] PredictCore(TensorData x, int batchSize)
    {
        lock (Gate)
        {
            var network = CheckedForInference(x, batchSize);
            var result = new float[(long)x.Samples * network.OutputsPerSample(x.Steps)];
            PredictInto(network, x, batchSize, result);
            return result;
        }
    }

    /// <summary>Predictions shaped [samples, output steps, output features], for sequence-output models.</summary>
    /// <remarks>The device copies each chunk's predictions straight into the returned array (no flat copy between).</remarks>
    protected float[,,] PredictSequenceCore(TensorData x, int batchSize) => (float[,,])PredictNewArray(x, batchSize, sequence: true);

    /// <summary>Predictions shaped [samples, output features], for vector-output models.</summary>
    protected float[,] PredictVectorCore(TensorData x, int batchSize) => (float[,])PredictNewArray(x, batchSize, sequence: false);

    /// <summary>
    /// Writes the predictions [samples, output steps, output features] of a sequence-output model into the caller's
    /// <paramref name="destination"/>, exactly the values <see cref="PredictSequenceCore"/> returns, so that a serving
    /// loop can reuse one array (on CUDA a fresh multi-megabyte result also costs its first-touch page faults).
    /// </summary>
    /// <remarks>
    /// <paramref name="x"/> is checked as for <see cref="PredictSequenceCore"/>, then <paramref name="destination"/>'s
    /// shape, all before anything is written. If the device fails part-way, treat <paramref name="destination"/>'s
    /// contents as undefined: the chunks that completed are written, and part of the failing one may be (a large
    /// download on CUDA arrives in slices).
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
    /// <exception cref="ArgumentException">The inputs are bad (see <see cref="PredictCore"/>), or <paramref name="destination"/> is not the predictions' shape (both shapes in the message) or is <paramref name="x"/>'s own array.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    protected void PredictSequenceIntoCore(TensorData x, float[,,] destination, int batchSize) =>
        PredictIntoArray(x, destination, batchSize, sequence: true);

    /// <summary>
    /// Writes the predictions [samples, output features] of a vector-output model into the caller's
    /// <paramref name="destination"/>, exactly the values <see cref="PredictVectorCore"/> returns.
    /// </summary>
    /// <remarks>Checks and partial failures as for <see cref="PredictSequenceIntoCore"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
    /// <exception cref="ArgumentException">The inputs are bad (see <see cref="PredictCore"/>), or <paramref name="destination"/> is not the predictions' shape (both shapes in the message) or is <paramref name="x"/>'s own array.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    protected void PredictVectorIntoCore(TensorData x, float[,] destination, int batchSize) =>
        PredictIntoArray(x, destination, batchSize, sequence: false);

    /// <summary>A prediction into a new array of the predictions' shape (<see cref="PredictionShape"/>).</summary>
    private Array PredictNewArray(TensorData x, int batchSize, bool sequence)
    {
        lock (Gate)
        {
            var network = CheckedForInference(x, batchSize);
            // Of the rank and shape the destination check demands, from the same rule (PredictionShape).
            int[] shape = PredictionShape(network, x, sequence);
            Array result = sequence ? new float[shape[0], shape[1], shape[2]] : new float[shape[0], shape[1]];
            PredictInto(network, x, batchSize, ElementsOf(result));
            return result;
        }
    }

    /// <summary>A prediction into the caller's array, checked against the shape <see cref="PredictNewArray"/> would allocate.</summary>
    private void PredictIntoArray(TensorData x, Array? destination, int batchSize, bool sequence)
    {
        lock (Gate)
        {
            var network = CheckedForInference(x, batchSize);
            DataValidator.Destination(destination, PredictionShape(network, x, sequence), x);
            PredictInto(network, x, batchSize, ElementsOf(destination));
        }
    }

    /// <summary>The shape of the predictions of <paramref name="x"/>: [samples, output steps, output features] or [samples, output features] (<see cref="OutputShape"/>, the targets' rule too).</summary>
    private int[] PredictionShape(NetworkProgram network, in TensorData x, bool sequence) => OutputShape.Predictions(Description, network, x, sequence);

    /// <summary>
    /// Predictions computed flat, sample after sample (PredictWithUncertainty's, PredictWithState's), as the
    /// [samples, output steps, output features] array <see cref="PredictionShape"/> gives. Callers hold the lock.
    /// </summary>
    private float[,,] SequencePredictions(float[] flat, in TensorData x)
    {
        int[] shape = PredictionShape(Program, x, sequence: true);
        return TensorData.ToArray3D(flat, shape[0], shape[1], shape[2]);
    }

    /// <summary><see cref="SequencePredictions"/> for a vector-output model: [samples, output features]. Callers hold the lock.</summary>
    private float[,] VectorPredictions(float[] flat, in TensorData x)
    {
        int[] shape = PredictionShape(Program, x, sequence: false);
        return TensorData.ToArray2D(flat, shape[0], shape[1]);
    }

    /// <summary>Validates a prediction's arguments and returns the program that will run it. Callers hold <see cref="Gate"/>.</summary>
    private NetworkProgram CheckedForInference(TensorData x, int batchSize)
    {
        ThrowIfDisposed();
        DataValidator.BatchSize(batchSize, Description);
        DataValidator.Inputs(x, Description, ScanInputValues);
        var network = Program;
        DataValidator.Steps(x, Description, network);
        return network;
    }

    /// <summary>The elements of a multidimensional array in memory order (row-major), as one span.</summary>
    private static Span<float> ElementsOf(Array array) =>
        System.Runtime.InteropServices.MemoryMarshal.CreateSpan(
            ref System.Runtime.CompilerServices.Unsafe.As<byte, float>(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array)),
            array.Length);

    /// <summary>Runs the chunks of a prediction, each chunk's predictions copied to its place in <paramref name="result"/>. Callers hold <see cref="Gate"/>.</summary>
    private void PredictInto(NetworkProgram network, TensorData x, int batchSize, Span<float> result)
    {
        int outputs = network.OutputsPerSample(x.Steps);
        if (result.Length != (long)x.Samples * outputs)
        {
            throw new InvalidOperationException($"The prediction of {x.Samples} samples holds {(long)x.Samples * outputs} values ({outputs} per sample), but its destination holds {result.Length}.");
        }

        if (TryHostInference(x.Samples, x.Steps, batchSize) is { } host)
        {
            // A few samples on PoCL: host code beats queueing each kernel to PoCL's threads (SmallPredictionsOnHost).
            var hostBatch = LoadChunk(host.Program, host.Buffers, host.Parameters, ArrayView<float>.Empty, x, 0, x.Samples, outputs);
            host.Program.Forward(hostBatch);
            CopyPredictions(host.Buffers, hostBatch, result);
            return;
        }

        var chunkBuffers = RentPredictionBuffers();
        int chunk = Math.Min(batchSize, x.Samples);
        int start = 0;
        while (start < x.Samples)
        {
            int count = Math.Min(chunk, x.Samples - start);
            try
            {
                PredictChunk(network, chunkBuffers, x, start, count, outputs, result.Slice(start * outputs, count * outputs));
                start += count;
            }
            catch (Exception e) when (IsOutOfMemory(e) && chunk > 1)
            {
                // Free the buffers and retry the same samples in smaller chunks.
                chunkBuffers = RentPredictionBuffers(fresh: true);
                chunk = Math.Max(1, chunk / 2);
            }
        }
    }

    /// <summary>
    /// The mean loss and last-step error over the whole data set, in inference mode, computed exactly as Fit computes
    /// its validation figures (same kernels, same summation order).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes or values of <paramref name="x"/> or <paramref name="y"/> are wrong (see the message).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    protected Evaluation EvaluateCore(TensorData x, TensorData y, int batchSize)
    {
        lock (Gate)
        {
            ThrowIfDisposed();
            DataValidator.BatchSize(batchSize, Description);
            DataValidator.Inputs(x, Description, ScanInputValues);
            var network = Program;
            DataValidator.Steps(x, Description, network);
            y = TargetAlignment.ForInputs(x, y, Description, network);
            DataValidator.Targets(x, y, Description, network, ScanInputValues);
            using var data = new DeviceDataSet(Device.Accelerator, x, y);
            using var evaluator = new DataSetEvaluator(network, parameters.View, Gradients.View, batchSize, network.OutputsPerSample(x.Steps));
            var (loss, lastStepError) = evaluator.Evaluate(data);
            return global::SeqDsl.Training.AccuracyMetric.ReportsAccuracy(Description.Loss)
                ? new Evaluation(loss, double.NaN, x.Samples) { Accuracy = lastStepError }
                : new Evaluation(loss, lastStepError, x.Samples);
        }
    }

    /// <summary>
    /// The device buffers of the last prediction, kept for the next one: a batch-1 call then allocates nothing on the
    /// device (allocation and release cost more than the forward pass of a small model). They grow to the largest
    /// chunk seen, and are freed with the model or when the device runs out of memory. Callers hold <see cref="Gate"/>.
    /// </summary>
    private PredictionBuffers? predictionBuffers;

    /// <summary>The kept prediction buffers, or (<paramref name="fresh"/>, after an out-of-memory failure) new, empty ones.</summary>
    private PredictionBuffers RentPredictionBuffers(bool fresh = false)
    {
        if (fresh)
        {
            ReleasePredictionBuffers();
        }

        return predictionBuffers ??= new PredictionBuffers(Device.Accelerator);
    }

    private void ReleasePredictionBuffers()
    {
        predictionBuffers?.Dispose();
        predictionBuffers = null;
    }

    private void PredictChunk(NetworkProgram network, PredictionBuffers buffers, in TensorData x, int start, int count, int outputs, Span<float> chunkResult)
    {
        var batch = LoadChunk(network, buffers, parameters.View, Gradients.View, x, start, count, outputs);
        network.Forward(batch);
        CopyPredictions(buffers, batch, chunkResult);
    }

    /// <summary>
    /// A chunk's predictions, from the device into their place in the caller's array: straight there on CPU devices and
    /// for small chunks, through page-locked memory for large ones on CUDA (<see cref="PredictionDownload"/>). A
    /// 2,000-series W1 prediction is 4 MB; a managed staging array plus a second copy cost more than the forward pass on
    /// a GPU, a page-locked one less than the pageable copy it replaces.
    /// </summary>
    private static void CopyPredictions(PredictionBuffers buffers, in BatchContext batch, Span<float> destination) =>
        buffers.Download.Copy(batch.Predictions, destination);

    /// <summary>
    /// Copies samples [start, start + count) of <paramref name="x"/> to <paramref name="buffers"/> and describes them as
    /// one inference batch of <paramref name="network"/>, which reads <paramref name="weights"/>.
    /// </summary>
    private static BatchContext LoadChunk(NetworkProgram network, PredictionBuffers buffers, ArrayView<float> weights, ArrayView<float> gradients, in TensorData x, int start, int count, int outputs, bool fromInitialStates = false)
    {
        int valuesPerSample = x.ValuesPerSample;
        buffers.Ensure(count, valuesPerSample, outputs);
        network.Reserve(count, x.Steps);
        buffers.Inputs.SubView(0, (long)count * valuesPerSample).CopyFromCPU(x.Values.Slice(start * valuesPerSample, count * valuesPerSample));
        var batch = new BatchContext
        {
            Parameters = weights,
            Gradients = gradients,
            Inputs = buffers.Inputs,
            Targets = ArrayView<float>.Empty,
            Rows = buffers.Rows.SubView(0, count),
            Batch = count,
            Steps = x.Steps,
            Training = false,
            Predictions = buffers.Predictions.SubView(0, (long)count * outputs),
            SampleLoss = buffers.SampleLoss.SubView(0, count),
            SampleLastStepError = buffers.SampleLastStepError.SubView(0, count),
            FromInitialStates = fromInitialStates,
        };
        return batch;
    }

    /// <summary>True for the out-of-memory failures of the CPU, CUDA and OpenCL accelerators.</summary>
    internal static bool IsOutOfMemory(Exception exception) => exception switch
    {
        OutOfMemoryException => true,
        // CudaException.Error is the error's text (its name or CUDA's description), not the enum.
        CudaException cuda => (cuda.Error ?? string.Empty).Contains("OUT_OF_MEMORY", StringComparison.OrdinalIgnoreCase)
            || (cuda.Error ?? string.Empty).Contains("out of memory", StringComparison.OrdinalIgnoreCase)
            || cuda.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase),
        CLException cl => cl.Error is CLError.CL_MEM_OBJECT_ALLOCATION_FAILURE or CLError.CL_OUT_OF_RESOURCES or CLError.CL_OUT_OF_HOST_MEMORY,
        _ => false,
    };
}
