using System;
using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Kernels;

namespace SeqDsl.Engine;

public abstract partial class ModelBase
{
    /// <summary>
    /// MC Dropout (Gal and Ghahramani): runs the model <paramref name="samples"/> times over <paramref name="x"/> with
    /// dropout kept on (batch normalization stays in inference mode) and returns, per output, the mean and the standard
    /// deviation (population, divided by <paramref name="samples"/>) of those predictions, flat [samples × outputs per sample].
    /// Pass k uses a dropout seed derived from the model's seed and k, so a call is reproducible; the masks also depend on
    /// a sample's position in its chunk, so a different <paramref name="batchSize"/> draws different masks. A model
    /// without dropout returns its ordinary prediction with a standard deviation of exactly 0.
    /// </summary>
    /// <exception cref="ArgumentException">The inputs have the wrong rank, shape, or a NaN/∞ value (named by index).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> or <paramref name="batchSize"/> is less than 1.</exception>
    protected (float[] Mean, float[] StandardDeviation) PredictWithUncertaintyCore(TensorData x, int samples, int batchSize)
    {
        if (samples < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), samples, $"samples (forward passes) must be at least 1, got {samples}.");
        }

        lock (Gate)
        {
            ThrowIfDisposed();
            DataValidator.BatchSize(batchSize, Description);
            DataValidator.Inputs(x, Description, ScanInputValues);
            var network = Program;
            int outputs = network.OutputsPerSample(x.Steps);
            int valuesPerSample = x.ValuesPerSample;
            var mean = new double[(long)x.Samples * outputs];
            var squares = new double[mean.Length]; // Σ (y − mean)², accumulated by Welford's method
            int chunk = Math.Min(batchSize, x.Samples);
            var buffers = RentPredictionBuffers();
            buffers.Ensure(chunk, valuesPerSample, outputs);
            network.Reserve(chunk, x.Steps);
            for (int start = 0; start < x.Samples; start += chunk)
            {
                int count = Math.Min(chunk, x.Samples - start);
                buffers.Inputs.SubView(0, (long)count * valuesPerSample).CopyFromCPU(x.Values.Slice(start * valuesPerSample, count * valuesPerSample));
                var pass = new float[(long)count * outputs];
                for (int k = 0; k < samples; k++)
                {
                    var batch = new BatchContext
                    {
                        Parameters = parameters.View,
                        Gradients = Gradients.View,
                        Inputs = buffers.Inputs,
                        Targets = ArrayView<float>.Empty,
                        Rows = buffers.Rows.SubView(0, count),
                        Batch = count,
                        Steps = x.Steps,
                        Training = false,
                        DropoutAtInference = true,
                        Seed = unchecked((int)KernelRandom.Hash(Seed, k, 0x4D43, 0)),
                        Predictions = buffers.Predictions.SubView(0, (long)count * outputs),
                        SampleLoss = buffers.SampleLoss.SubView(0, count),
                        SampleLastStepError = buffers.SampleLastStepError.SubView(0, count),
                    };
                    network.Forward(batch);
                    batch.Predictions.CopyToCPU(pass);
                    long offset = (long)start * outputs;
                    for (int i = 0; i < pass.Length; i++)
                    {
                        // Welford's update in double: stable, and identical passes leave the spread exactly 0.
                        double delta = pass[i] - mean[offset + i];
                        mean[offset + i] += delta / (k + 1);
                        squares[offset + i] += delta * (pass[i] - mean[offset + i]);
                    }
                }
            }

            var meanResult = new float[mean.Length];
            var deviation = new float[mean.Length];
            for (int i = 0; i < mean.Length; i++)
            {
                meanResult[i] = (float)mean[i];
                deviation[i] = (float)Math.Sqrt(Math.Max(0, squares[i] / samples));
            }

            return (meanResult, deviation);
        }
    }

    /// <summary><see cref="PredictWithUncertaintyCore"/> shaped [samples, output steps, output features], for sequence-output models.</summary>
    protected (float[,,] Mean, float[,,] StandardDeviation) PredictSequenceWithUncertaintyCore(TensorData x, int samples, int batchSize)
    {
        lock (Gate)
        {
            var (mean, deviation) = PredictWithUncertaintyCore(x, samples, batchSize);
            return (SequencePredictions(mean, x), SequencePredictions(deviation, x));
        }
    }

    /// <summary><see cref="PredictWithUncertaintyCore"/> shaped [samples, output features], for vector-output models.</summary>
    protected (float[,] Mean, float[,] StandardDeviation) PredictVectorWithUncertaintyCore(TensorData x, int samples, int batchSize)
    {
        lock (Gate)
        {
            var (mean, deviation) = PredictWithUncertaintyCore(x, samples, batchSize);
            return (VectorPredictions(mean, x), VectorPredictions(deviation, x));
        }
    }
}
