using System;
using System.Threading;

namespace SeqDsl.Engine;

/// <summary>The thread rules of a model instance (see the remarks on <see cref="ModelBase"/>).</summary>
public abstract partial class ModelBase
{
    /// <summary>The thread running <c>Fit</c> on this instance, or null.</summary>
    private Thread? trainingThread;

    /// <summary>
    /// The instance lock, after checking that no other thread is training the model: a call that would otherwise wait
    /// for a whole Fit fails at once instead. Calls from the training thread itself (Fit's callbacks) pass.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another thread is running Fit on this instance.</exception>
    private object Gate
    {
        get
        {
            var training = Volatile.Read(ref trainingThread);
            if (training is not null && training != Thread.CurrentThread)
            {
                throw new InvalidOperationException(
                    $"{Description.Name} is being trained by Fit on another thread (managed thread {training.ManagedThreadId}), and a model cannot be used while it trains: "
                    + "its weights change with every batch. Wait for Fit to return (cancel it with FitOptions.CancellationToken to stop early), "
                    + "or predict with a second instance that holds a copy of the weights (SetWeights(GetWeights()) in an OnEpochEnd callback).");
            }

            return gate;
        }
    }

    /// <summary>Marks the current thread as training for the duration of one Fit; call holding the lock.</summary>
    /// <exception cref="InvalidOperationException">Fit is called again from inside one of its own callbacks.</exception>
    private TrainingScope BeginTraining()
    {
        if (trainingThread is not null)
        {
            throw new InvalidOperationException(
                $"Fit was called on {Description.Name} from inside one of its own callbacks; a model trains one Fit at a time. "
                + "Callbacks may read the model (GetWeights, Save, Predict), not train it.");
        }

        Volatile.Write(ref trainingThread, Thread.CurrentThread);
        return new TrainingScope(this);
    }

    /// <summary>Clears the training mark when Fit ends, however it ends.</summary>
    private readonly struct TrainingScope : IDisposable
    {
        private readonly ModelBase model;

        public TrainingScope(ModelBase model) => this.model = model;

        public void Dispose()
        {
            // Every batch changed the weights on the device: the host-code copy reads them again on its next use.
            model.WeightsChanged();
            Volatile.Write(ref model.trainingThread, null);
        }
    }
}
