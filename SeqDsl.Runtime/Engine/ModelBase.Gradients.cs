using System;
using ILGPU;
using ILGPU.Runtime;

namespace SeqDsl.Engine;

public abstract partial class ModelBase
{
    /// <summary>
    /// Runs one batch of all of <paramref name="x"/> forward and backward without updating the weights, and returns
    /// the gradient of the batch-mean loss with respect to every parameter, and that loss. For gradient checks.
    /// </summary>
    internal (float[] Gradients, double Loss) ComputeGradients(TensorData x, TensorData y)
    {
        lock (Gate)
        {
            ThrowIfDisposed();
            DataValidator.Inputs(x, Description, scanValues: true);
            if (Description.Stateful && x.Samples > Description.BatchSize)
            {
                throw new ArgumentException($"{Description.Name} is stateful with BatchSize = {Description.BatchSize}, but x has {x.Samples} samples.", x.Name);
            }

            var network = Program;
            DataValidator.Targets(x, y, Description, network, scanValues: true);
            using var data = new DeviceDataSet(Device.Accelerator, x, y);
            int outputs = network.OutputsPerSample(x.Steps);
            using var predictions = DeviceMemory.Allocate<float>(Device.Accelerator, Math.Max(1L, (long)x.Samples * outputs));
            network.Reserve(x.Samples, x.Steps);
            var batch = new BatchContext
            {
                Parameters = parameters.View,
                Gradients = Gradients.View,
                Inputs = data.Inputs,
                Targets = data.Targets,
                Rows = data.IdentityRows,
                Batch = x.Samples,
                Steps = x.Steps,
                Training = true,
                Predictions = predictions.View,
                SampleLoss = data.SampleLoss,
                SampleLastStepError = data.SampleLastStepError,
            };
            try
            {
                network.TrainingPass(batch);
            }
            finally
            {
                // A training-mode forward updates batch normalization's moving statistics, which are weights.
                WeightsChanged();
            }
            var gradients = new float[ParameterCount];
            Gradients.View.SubView(0, ParameterCount).CopyToCPU(gradients);
            var (loss, _) = data.ReadLosses(x.Samples);
            double total = 0;
            foreach (var l in loss)
            {
                total += l;
            }

            return (gradients, total / x.Samples);
        }
    }
}
