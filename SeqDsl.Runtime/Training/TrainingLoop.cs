using System;
using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Engine;

namespace SeqDsl.Training;

/// <summary>
/// One Fit: per epoch the host shuffles row indices; per batch it queues kernels (forward, loss, backward, optimizer)
/// with no read-back, after the batch's data where the device streams it (<see cref="TrainingBatches"/>: on GPUs the
/// data set stays on the device and each epoch uploads its order). Per-sample losses accumulate in an
/// epoch-long device buffer that is read at the end of the epoch, and every <see cref="FitOptions.ProgressInterval"/>
/// batches when a progress callback is set.
/// </summary>
internal sealed class TrainingLoop
{
    private readonly SeqDevice device;
    private readonly NetworkProgram program;
    private readonly ModelDescription description;
    private readonly SeededRandom random;
    private readonly ArrayView<float> parameters;
    private readonly ArrayView<float> gradients;
    private readonly Func<float[]> downloadWeights;
    private readonly Action<float[]> uploadWeights;

    /// <summary>See <see cref="FitOptions.DivergenceFactor"/>; 0 when the check is off.</summary>
    private double divergenceFactor;

    /// <summary>The mean loss of this Fit's first batch, the yardstick of the explosion check (NaN until measured).</summary>
    private double firstBatchLoss = double.NaN;

    public TrainingLoop(SeqDevice device, NetworkProgram program, ModelDescription description, SeededRandom random, ArrayView<float> parameters, ArrayView<float> gradients, Func<float[]> downloadWeights, Action<float[]> uploadWeights)
    {
        this.device = device;
        this.program = program;
        this.description = description;
        this.random = random;
        this.parameters = parameters;
        this.gradients = gradients;
        this.downloadWeights = downloadWeights;
        this.uploadWeights = uploadWeights;
    }

    public History Run(in TensorData x, in TensorData y, TensorData? validationX, TensorData? validationY, int epochs, int batchSize, FitOptions options)
    {
        var settings = OptimizerSettings.Resolve(options, description);
        var accelerator = device.Accelerator;
        var history = new History();
        int samples = x.Samples;
        int batches = (samples + batchSize - 1) / batchSize;
        int trainChunk = Math.Min(batchSize, samples);
        int outputs = program.OutputsPerSample(x.Steps);
        var token = options.CancellationToken;
        var earlyStopping = options.EarlyStopping;
        // Classification losses write accuracy where regression losses write the last-step error.
        bool accuracy = AccuracyMetric.ReportsAccuracy(description.Loss);
        divergenceFactor = options.DivergenceFactor > 0 && double.IsFinite(options.DivergenceFactor) ? options.DivergenceFactor : 0;

        // Read and check the checkpoint before anything else, so that a bad one leaves the model as it was.
        var resumed = options.ResumeFrom is null ? null : CheckpointFile.Load(options.ResumeFrom, description);
        if (resumed is not null)
        {
            CheckResumable(resumed, options.ResumeFrom!, samples, batchSize, settings.Kind);
        }

        using var train = TrainingBatches.Create(device, x, y, batchSize, options);
        using var predictions = DeviceMemory.Allocate<float>(accelerator, Math.Max(1, (long)trainChunk * outputs));
        using var optimizer = new OptimizerRun(device, settings, description.Parameters, description.ParameterCount);
        using var validation = validationX is TensorData vx && validationY is TensorData vy ? new DeviceDataSet(accelerator, vx, vy) : null;
        using var validator = validation is null ? null
            : new DataSetEvaluator(program, parameters, gradients, batchSize, program.OutputsPerSample(validation.Steps));

        float[]? bestWeights = null;
        double best = double.PositiveInfinity;
        int epochsWithoutImprovement = 0;
        int firstEpoch = 0;
        if (resumed is not null)
        {
            uploadWeights(resumed.Weights);
            optimizer.RestoreState(resumed.Moments, resumed.OptimizerSteps);
            random.State = resumed.Random;
            history = resumed.ToHistory();
            best = resumed.BestMonitored;
            bestWeights = resumed.BestWeights;
            epochsWithoutImprovement = resumed.EpochsWithoutImprovement;
            firstEpoch = resumed.CompletedEpochs;
            if (earlyStopping is not null && epochsWithoutImprovement >= earlyStopping.Patience)
            {
                // Early stopping ended the run that wrote the checkpoint.
                history.StoppedEarly = firstEpoch < epochs;
                firstEpoch = epochs;
            }
        }

        // The weights to fall back on: those at the end of the last epoch with finite losses and weights.
        float[] lastGood = downloadWeights();
        var order = new int[samples];

        for (int epoch = firstEpoch; epoch < epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            // A stateful model's row i of one batch continues row i of the previous batch, so its order is kept,
            // and every epoch starts from a zero state (as the seed's ResetStatesCallback does).
            if (options.Shuffle && !description.Stateful)
            {
                random.Shuffle(order);
            }

            program.ResetStates();

            train.BeginEpoch(order);
            program.Reserve(trainChunk, x.Steps);

            for (int b = 0; b < batches; b++)
            {
                if (token.IsCancellationRequested)
                {
                    uploadWeights(lastGood);
                    throw new TrainingCancelledException(history, token);
                }

                int start = b * batchSize;
                int count = Math.Min(batchSize, samples - start);
                var (inputs, targets, batchRows) = train.Batch(start, count);
                var batch = new BatchContext
                {
                    Parameters = parameters,
                    Gradients = gradients,
                    Inputs = inputs,
                    Targets = targets,
                    Rows = batchRows,
                    Batch = count,
                    Steps = x.Steps,
                    Training = true,
                    Seed = (int)(random.NextUInt64() >> 33),
                    Predictions = predictions.View.SubView(0, (long)count * outputs),
                    SampleLoss = train.SampleLoss.SubView(start, count),
                    SampleLastStepError = train.SampleLastStepError.SubView(start, count),
                };
                program.TrainingPass(batch);
                optimizer.Step(parameters, gradients);

                if (options.OnBatchEnd is not null && ((b + 1) % options.ProgressInterval == 0 || b == batches - 1))
                {
                    int seen = start + count;
                    var (soFar, errorSoFar) = train.ReadLosses(seen);
                    ThrowIfDiverged(soFar, seen, epoch, batches, batchSize, settings, history, lastGood);
                    double metricSoFar = LossSummary.Mean(errorSoFar, seen);
                    options.OnBatchEnd(new TrainingProgress(epoch + 1, epochs, b + 1, batches, LossSummary.Mean(soFar, seen), null, accuracy ? double.NaN : metricSoFar, null, clock.Elapsed.TotalSeconds, accuracy ? metricSoFar : null));
                }
            }

            var (losses, errors) = train.ReadLosses(samples);
            ThrowIfDiverged(losses, samples, epoch, batches, batchSize, settings, history, lastGood);
            double trainLoss = LossSummary.Mean(losses, samples);
            double trainError = LossSummary.Mean(errors, samples);

            float[] weights = downloadWeights();
            if (LossSummary.FirstNonFinite(weights, weights.Length) is int badWeight && badWeight >= 0)
            {
                uploadWeights(lastGood);
                throw new TrainingDivergedException(epoch + 1, batches, batches, trainLoss, $"weight {badWeight} became {weights[badWeight]} after the update", settings.LearningRate, history);
            }

            double? validationLoss = null;
            double? validationError = null;
            if (validator is not null)
            {
                program.ResetStates();
                var (vLoss, vError) = validator.Evaluate(validation!);
                if (!double.IsFinite(vLoss))
                {
                    uploadWeights(lastGood);
                    throw new TrainingDivergedException(epoch + 1, batches, batches, vLoss, "the validation loss is not finite", settings.LearningRate, history);
                }

                validationLoss = vLoss;
                validationError = vError;
            }

            double seconds = clock.Elapsed.TotalSeconds;
            double? trainAccuracy = null;
            double? validationAccuracy = null;
            if (accuracy)
            {
                trainAccuracy = trainError;
                validationAccuracy = validationError;
                trainError = double.NaN;
                validationError = validationError.HasValue ? double.NaN : null;
                history.AddAccuracy(trainAccuracy.Value, validationAccuracy);
            }

            history.Add(trainLoss, trainError, validationLoss, validationError, seconds);
            lastGood = weights;

            double monitored = validationLoss ?? trainLoss;
            if (monitored < best - (earlyStopping?.MinDelta ?? 0))
            {
                best = monitored;
                history.BestEpoch = epoch;
                bestWeights = weights;
                epochsWithoutImprovement = 0;
            }
            else
            {
                epochsWithoutImprovement++;
            }

            if (options.CheckpointPath is not null && ((epoch + 1) % options.CheckpointEvery == 0 || epoch == epochs - 1))
            {
                WriteCheckpoint(options.CheckpointPath, optimizer, weights, history, best, bestWeights, epochsWithoutImprovement, samples, batchSize, earlyStopping);
            }

            options.OnEpochEnd?.Invoke(new TrainingProgress(epoch + 1, epochs, batches, batches, trainLoss, validationLoss, trainError, validationError, seconds, trainAccuracy, validationAccuracy));

            if (earlyStopping is not null && epochsWithoutImprovement >= earlyStopping.Patience)
            {
                history.StoppedEarly = epoch < epochs - 1;
                break;
            }
        }

        if (earlyStopping is { RestoreBestWeights: true } && bestWeights is not null && history.BestEpoch != history.Epochs - 1)
        {
            uploadWeights(bestWeights);
        }

        return history;
    }

    /// <summary>A checkpoint carries optimizer state and a shuffle order that only mean something for the same run.</summary>
    private void CheckResumable(TrainingCheckpoint checkpoint, string path, int samples, int batchSize, Optimizer optimizer)
    {
        string prefix = $"Cannot resume {description.Name} from the checkpoint '{path}': ";
        if (checkpoint.Optimizer != optimizer)
        {
            throw new ArgumentException(prefix + $"it holds {checkpoint.Optimizer} state, but this Fit uses {optimizer}; resume with the optimizer that wrote it.", nameof(FitOptions.ResumeFrom));
        }

        if (checkpoint.Samples != samples)
        {
            throw new ArgumentException(prefix + $"it was written by a Fit on {checkpoint.Samples} samples, but x has {samples}; resume with the same training data.", "x");
        }

        if (checkpoint.BatchSize != batchSize)
        {
            throw new ArgumentException(prefix + $"it was written by a Fit with batchSize {checkpoint.BatchSize}, but this Fit has {batchSize}; resume with the same batch size.", nameof(batchSize));
        }
    }

    /// <summary>Writes the state at the end of the epoch just completed, atomically (see <see cref="FitOptions.CheckpointPath"/>).</summary>
    private void WriteCheckpoint(string path, OptimizerRun optimizer, float[] weights, History history, double best, float[]? bestWeights, int epochsWithoutImprovement, int samples, int batchSize, EarlyStopping? earlyStopping)
    {
        var (moments, steps) = optimizer.ReadState();
        var checkpoint = new TrainingCheckpoint
        {
            Fingerprint = description.Fingerprint,
            CompletedEpochs = history.Epochs,
            Samples = samples,
            BatchSize = batchSize,
            Optimizer = optimizer.Kind,
            OptimizerSteps = steps,
            Moments = moments,
            Random = random.State,
            Weights = weights,
            Epochs = TrainingCheckpoint.Records(history),
            BestEpoch = history.BestEpoch,
            BestMonitored = best,
            EpochsWithoutImprovement = epochsWithoutImprovement,
            BestWeights = earlyStopping is { RestoreBestWeights: true } ? bestWeights : null,
        };
        WeightsFile.WriteAtomically(path, CheckpointFile.Write(checkpoint));
    }

    /// <summary>
    /// Restores the last good weights and throws when a per-sample loss is NaN or infinite, or a batch loss exploded
    /// (<see cref="FitOptions.DivergenceFactor"/>). <paramref name="losses"/> holds the epoch's per-sample losses in batch order.
    /// </summary>
    private void ThrowIfDiverged(float[] losses, int count, int epoch, int batches, int batchSize, OptimizerSettings settings, History history, float[] lastGood)
    {
        int bad = LossSummary.FirstNonFinite(losses, count);
        if (bad >= 0)
        {
            int batch = bad / batchSize;
            uploadWeights(lastGood);
            throw new TrainingDivergedException(epoch + 1, batch + 1, batches, BatchMean(losses, batch, batchSize, count), "the batch loss is not finite", settings.LearningRate, history);
        }

        if (divergenceFactor == 0 || count == 0)
        {
            return;
        }

        if (double.IsNaN(firstBatchLoss))
        {
            firstBatchLoss = BatchMean(losses, 0, batchSize, count); // the first check of a Fit sees its first batch
        }

        double limit = divergenceFactor * Math.Max(firstBatchLoss, 1.0);
        for (int batch = 0; batch * batchSize < count; batch++)
        {
            double mean = BatchMean(losses, batch, batchSize, count);
            if (mean > limit)
            {
                uploadWeights(lastGood);
                string what = FormattableString.Invariant(
                    $"the batch loss exploded to {mean:G4}, above {limit:G4} (FitOptions.DivergenceFactor = {divergenceFactor:G} times the larger of 1 and the first batch's loss {firstBatchLoss:G4})");
                throw new TrainingDivergedException(epoch + 1, batch + 1, batches, mean, what, settings.LearningRate, history);
            }
        }
    }

    private static double BatchMean(float[] losses, int batch, int batchSize, int count)
    {
        int start = batch * batchSize;
        int end = Math.Min(start + batchSize, count);
        double sum = 0;
        for (int i = start; i < end; i++)
        {
            sum += losses[i];
        }

        return sum / Math.Max(1, end - start);
    }
}
