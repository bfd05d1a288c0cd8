using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Engine;

namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>Sizes passed to the test kernels.</summary>
public struct DenseDims
{
    public int Batch;
    public int Steps;
    public int Features;
    public int Outputs;
    /// <summary>Added to every prediction: 0, or NaN to make a test diverge on demand.</summary>
    public float Poison;
}

/// <summary>
/// A hand-written <see cref="NetworkProgram"/> standing in for generated code: y = x[:, T−1, :] · W + b with MSE loss.
/// Layout: W [F, O] at 0, b [1, O] at F·O, and one non-trainable "stat" element at F·O + O whose gradient the
/// backward pass deliberately sets to NaN, to prove the optimizer never reads non-trainable gradients.
/// </summary>
public sealed class LastStepDenseProgram : NetworkProgram
{
    private readonly int features;
    private readonly int outputs;
    private readonly System.Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, DenseDims> forward;
    private readonly System.Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, DenseDims> loss;
    private readonly System.Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, DenseDims> backward;
    private MemoryBuffer1D<float, Stride1D.Dense>? outputGradient;

    public LastStepDenseProgram(Accelerator accelerator, int features, int outputs)
        : base(accelerator)
    {
        this.features = features;
        this.outputs = outputs;
        forward = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, DenseDims>(ForwardKernel);
        loss = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, DenseDims>(LossKernel);
        backward = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, DenseDims>(BackwardKernel);
    }

    /// <summary>Set by tests to make the next batches produce NaN predictions.</summary>
    public bool Poisoned { get; set; }

    public int ReserveCalls { get; private set; }

    /// <summary>Set by tests to simulate a device that runs out of memory for batches above this size.</summary>
    public int? OutOfMemoryAbove { get; set; }

    /// <summary>Set by tests to inject a device fault: called with each reserved batch size, throws what it returns.</summary>
    public Func<int, Exception?>? ReserveFault { get; set; }

    /// <summary>Batch sizes passed to <see cref="Forward"/>, in order.</summary>
    public List<int> ForwardBatches { get; } = new();

    public static int ParameterCountFor(int features, int outputs) => features * outputs + outputs + 1;

    public override int OutputsPerSample(int steps) => outputs;

    public override int OutputSteps(int steps) => 1;

    public override void Reserve(int batch, int steps)
    {
        ReserveCalls++;
        if (batch > OutOfMemoryAbove)
        {
            throw new OutOfMemoryException($"simulated: no room for a batch of {batch}");
        }

        if (ReserveFault?.Invoke(batch) is { } fault)
        {
            throw fault;
        }

        if (outputGradient is null || outputGradient.Length < (long)batch * outputs)
        {
            outputGradient?.Dispose();
            outputGradient = Accelerator.Allocate1D<float>((long)batch * outputs);
        }
    }

    public override void Forward(in BatchContext batch)
    {
        ForwardBatches.Add(batch.Batch);
        forward(Grid(batch.Batch * outputs), batch.Parameters, batch.Inputs, batch.Rows, batch.Predictions, Dims(batch));
    }

    public override void ComputeLoss(in BatchContext batch) =>
        loss(Grid(batch.Batch), batch.Predictions, batch.Targets, batch.Rows, batch.SampleLoss, batch.SampleLastStepError, outputGradient!.View, Dims(batch));

    public override void Backward(in BatchContext batch) =>
        backward(Grid(ParameterCountFor(features, outputs)), batch.Gradients, batch.Inputs, batch.Rows, outputGradient!.View, Dims(batch));

    protected override void Dispose(bool disposing) => outputGradient?.Dispose();

    private DenseDims Dims(in BatchContext batch) => new()
    {
        Batch = batch.Batch,
        Steps = batch.Steps,
        Features = features,
        Outputs = outputs,
        Poison = Poisoned ? float.NaN : 0f,
    };

    private KernelConfig Grid(int work)
    {
        int group = Accelerator.WarpSize;
        int groups = System.Math.Max(1, System.Math.Min((work + group - 1) / group, 64));
        return new KernelConfig(groups, group);
    }

    private static void ForwardKernel(ArrayView<float> w, ArrayView<float> inputs, ArrayView<int> rows, ArrayView<float> predictions, DenseDims d)
    {
        int stride = ILGPU.Grid.DimX * Group.DimX;
        for (int i = ILGPU.Grid.GlobalIndex.X; i < d.Batch * d.Outputs; i += stride)
        {
            int b = i / d.Outputs;
            int o = i % d.Outputs;
            int last = (rows[b] * d.Steps + d.Steps - 1) * d.Features;
            float sum = w[d.Features * d.Outputs + o];
            for (int f = 0; f < d.Features; f++)
            {
                sum += inputs[last + f] * w[f * d.Outputs + o];
            }

            predictions[i] = sum + d.Poison;
        }
    }

    private static void LossKernel(ArrayView<float> predictions, ArrayView<float> targets, ArrayView<int> rows, ArrayView<float> sampleLoss, ArrayView<float> lastStepError, ArrayView<float> outputGradient, DenseDims d)
    {
        int stride = ILGPU.Grid.DimX * Group.DimX;
        for (int b = ILGPU.Grid.GlobalIndex.X; b < d.Batch; b += stride)
        {
            float sum = 0f;
            for (int o = 0; o < d.Outputs; o++)
            {
                float diff = predictions[b * d.Outputs + o] - targets[rows[b] * d.Outputs + o];
                sum += diff * diff;
                outputGradient[b * d.Outputs + o] = 2f * diff / (d.Outputs * d.Batch);
            }

            sampleLoss[b] = sum / d.Outputs;
            lastStepError[b] = sum / d.Outputs;
        }
    }

    private static void BackwardKernel(ArrayView<float> gradients, ArrayView<float> inputs, ArrayView<int> rows, ArrayView<float> outputGradient, DenseDims d)
    {
        int stride = ILGPU.Grid.DimX * Group.DimX;
        int weights = d.Features * d.Outputs;
        for (int j = ILGPU.Grid.GlobalIndex.X; j <= weights + d.Outputs; j += stride)
        {
            if (j == weights + d.Outputs)
            {
                gradients[j] = float.NaN; // the non-trainable slot: garbage on purpose
            }
            else
            {
                int o = j < weights ? j % d.Outputs : j - weights;
                int f = j < weights ? j / d.Outputs : -1;
                float sum = 0f;
                for (int b = 0; b < d.Batch; b++)
                {
                    float input = f < 0 ? 1f : inputs[(rows[b] * d.Steps + d.Steps - 1) * d.Features + f];
                    sum += input * outputGradient[b * d.Outputs + o];
                }

                gradients[j] = sum;
            }
        }
    }
}
