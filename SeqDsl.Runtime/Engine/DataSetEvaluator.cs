using System;
using ILGPU;
using ILGPU.Runtime;

namespace SeqDsl.Engine;

/// <summary>
/// Forward + loss over a device-resident data set in chunks, in inference mode, then one read-back of the per-sample
/// losses. Used by Evaluate and by Fit's validation, so both report identical numbers.
/// </summary>
internal sealed class DataSetEvaluator : IDisposable
{
    private readonly NetworkProgram program;
    private readonly ArrayView<float> parameters;
    private readonly ArrayView<float> gradients;
    private readonly int chunk;
    private readonly int outputsPerSample;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> predictions;

    public DataSetEvaluator(NetworkProgram program, ArrayView<float> parameters, ArrayView<float> gradients, int chunk, int outputsPerSample)
    {
        this.program = program;
        this.parameters = parameters;
        this.gradients = gradients;
        this.chunk = chunk;
        this.outputsPerSample = outputsPerSample;
        predictions = DeviceMemory.Allocate<float>(program.Accelerator, Math.Max(1, (long)chunk * outputsPerSample));
    }

    /// <summary>Mean loss and mean last-step error over every sample of <paramref name="data"/>.</summary>
    public (double Loss, double LastStepError) Evaluate(DeviceDataSet data)
    {
        int size = Math.Min(chunk, data.Samples);
        program.Reserve(size, data.Steps);
        for (int start = 0; start < data.Samples; start += size)
        {
            int count = Math.Min(size, data.Samples - start);
            var batch = new BatchContext
            {
                Parameters = parameters,
                Gradients = gradients,
                Inputs = data.Inputs,
                Targets = data.Targets,
                Rows = data.IdentityRows.SubView(start, count),
                Batch = count,
                Steps = data.Steps,
                Training = false,
                Predictions = predictions.View.SubView(0, (long)count * outputsPerSample),
                SampleLoss = data.SampleLoss.SubView(start, count),
                SampleLastStepError = data.SampleLastStepError.SubView(start, count),
            };
            program.Forward(batch);
            program.ComputeLoss(batch);
        }

        var (loss, error) = data.ReadLosses(data.Samples);
        return (LossSummary.Mean(loss, data.Samples), LossSummary.Mean(error, data.Samples));
    }

    public void Dispose() => predictions.Dispose();
}
