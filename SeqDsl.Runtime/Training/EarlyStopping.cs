using System;

namespace SeqDsl;

/// <summary>
/// Stops training when the monitored loss (the validation loss when validation data is given, else the training
/// loss) has not improved by more than <see cref="MinDelta"/> for <see cref="Patience"/> epochs.
/// </summary>
/// <param name="Patience">Epochs without improvement before stopping (at least 1).</param>
/// <param name="MinDelta">Smallest decrease of the monitored loss that counts as an improvement.</param>
/// <param name="RestoreBestWeights">
/// Put back the weights of the best epoch when training ends. Unlike Keras the default is true, because the last
/// weights of a stopped run are, by construction, not the best ones.
/// </param>
public sealed record EarlyStopping(int Patience = 5, double MinDelta = 0, bool RestoreBestWeights = true)
{
    internal void Validate()
    {
        if (Patience < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Patience), Patience, $"EarlyStopping.Patience must be at least 1 epoch, got {Patience}.");
        }

        if (!(MinDelta >= 0) || double.IsInfinity(MinDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(MinDelta), MinDelta, $"EarlyStopping.MinDelta must be a finite number >= 0, got {MinDelta}.");
        }
    }
}
