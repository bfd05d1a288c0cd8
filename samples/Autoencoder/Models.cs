using static SeqDsl.Cell;

namespace SeqDsl.Samples.Autoencoder;

// Seed 002's LSTM autoencoder: LSTM encoder → RepeatVector(steps) → LSTM decoder (ReturnSequences) → TimeDistributed(Dense(1)).
// An autoencoder reconstructs its input, so the decoder runs over as many steps as the encoder reads: RepeatVector(n) with
// n = InputSteps. (Any n works: the decoder runs over n steps whatever the input's length, e.g. 50 in, 10 out for a
// forecaster.) Quick mode uses a shorter series.

/// <summary>The full-size autoencoder: 50-step series squeezed through a 16-value code.</summary>
[SequenceModel(InputFeatures = 1, InputSteps = AutoencoderShapes.FullSteps, LearningRate = 0.01)]
[Recurrent(LSTM, AutoencoderShapes.FullCode)]
[RepeatVector(AutoencoderShapes.FullSteps)]
[Recurrent(LSTM, AutoencoderShapes.FullCode, ReturnSequences = true)]
[TimeDistributed(Dense = 1)]
public partial class SeriesAutoencoder { }

/// <summary>The quick-mode autoencoder: 20-step series, 12-value code (CI runs it in well under a minute).</summary>
[SequenceModel(InputFeatures = 1, InputSteps = AutoencoderShapes.QuickSteps, LearningRate = 0.01)]
[Recurrent(LSTM, AutoencoderShapes.QuickCode)]
[RepeatVector(AutoencoderShapes.QuickSteps)]
[Recurrent(LSTM, AutoencoderShapes.QuickCode, ReturnSequences = true)]
[TimeDistributed(Dense = 1)]
public partial class QuickAutoencoder { }

/// <summary>The sizes the model attributes use (attribute arguments must be constants).</summary>
public static class AutoencoderShapes
{
    /// <summary>Steps per series of the full model (the book's 50).</summary>
    public const int FullSteps = 50;

    /// <summary>Units of the full model's encoder and decoder.</summary>
    public const int FullCode = 16;

    /// <summary>Steps per series of the quick model.</summary>
    public const int QuickSteps = 20;

    /// <summary>Units of the quick model's encoder and decoder.</summary>
    public const int QuickCode = 12;
}
