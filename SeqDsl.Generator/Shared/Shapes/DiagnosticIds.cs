namespace SeqDsl.Generator.Shapes;

/// <summary>The diagnostic IDs, shared by the checker, the analyzers' descriptors, the code fixes and the generator's stubs.</summary>
internal static class DiagnosticIds
{
    /// <summary>A recurrent layer without ReturnSequences feeds a layer that needs a sequence.</summary>
    public const string MissingReturnSequences = "SEQ001";

    /// <summary>The model class is not partial, is generic or nested in a generic type, or splits its layers across partial declarations.</summary>
    public const string InvalidModelClass = "SEQ002";

    /// <summary>The model declares no layers.</summary>
    public const string NoLayers = "SEQ003";

    /// <summary>An argument is out of range.</summary>
    public const string ArgumentOutOfRange = "SEQ004";

    /// <summary>Convolutions or pooling shrink a fixed-length sequence to no steps.</summary>
    public const string SequenceTooShort = "SEQ005";

    /// <summary>A layer needs a fixed number of steps but the model has no InputSteps.</summary>
    public const string NeedsFixedSteps = "SEQ006";

    /// <summary>The output does not fit the loss, or an Embedding is misplaced.</summary>
    public const string OutputDoesNotFitLoss = "SEQ007";

    // SEQ008 (softmax before a cross-entropy) was retired before release: the loss kernels now take the softmax or
    // sigmoid output from its logits, so that declaration trains correctly. The ID stays unused.

    /// <summary>Padding.Same in a model that outputs a sequence: it sees future steps.</summary>
    public const string SamePaddingSeesFuture = "SEQ009";

    /// <summary>An unbounded activation inside a recurrent layer.</summary>
    public const string UnboundedRecurrentActivation = "SEQ010";

    /// <summary>A SimpleRNN as the final regression layer.</summary>
    public const string SimpleRnnOutput = "SEQ011";

    /// <summary>SimpleRNN over more than 100 fixed steps.</summary>
    public const string SimpleRnnLongSequence = "SEQ012";

    /// <summary>BatchNormalization between recurrent layers.</summary>
    public const string BatchNormBetweenRecurrent = "SEQ013";

    /// <summary>Stateful without a fixed batch size; ReturnState on a stateful layer.</summary>
    public const string InvalidStateful = "SEQ014";

    /// <summary>TimeDistributed over a non-sequence, or wrapping nothing.</summary>
    public const string InvalidTimeDistributed = "SEQ015";

    /// <summary>A layer that needs a sequence receives a vector (not from a recurrent layer).</summary>
    public const string NeedsSequence = "SEQ016";

    /// <summary>A layer that needs a vector (RepeatVector) receives a sequence.</summary>
    public const string NeedsVector = "SEQ017";

    /// <summary>An option that the chosen cell does not have (Peepholes on GRU, ResetAfter on LSTM…).</summary>
    public const string OptionNotForCell = "SEQ018";

    /// <summary>Layer attributes on a class without [SequenceModel]: nothing is generated for them.</summary>
    public const string LayerWithoutModel = "SEQ021";
}
