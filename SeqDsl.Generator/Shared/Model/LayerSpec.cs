namespace SeqDsl.Generator.Model;

/// <summary>Where one named argument of an attribute was written, so a diagnostic can underline just it.</summary>
internal sealed record ArgumentSpan(string Name, SourceSpan Span);

/// <summary>
/// One layer attribute as written, with every value the attribute can carry (unused ones keep their
/// defaults). Plain values only: no symbols, no syntax, so the record is equatable and cache-friendly.
/// Enum-typed values are kept as <see cref="int"/> because user code may cast any integer to an enum.
/// </summary>
internal sealed record LayerSpec
{
    public LayerKind Kind { get; init; }

    /// <summary>0-based position among the model's layer attributes, in source order.</summary>
    public int Index { get; init; }

    public int Cell { get; init; }

    /// <summary>Units, filters, Dense units of TimeDistributed, RepeatVector's n, Embedding's output dim, or pool size.</summary>
    public int Units { get; init; }

    public int KernelSize { get; init; } = 1;

    public int Strides { get; init; } = 1;

    public int Dilation { get; init; } = 1;

    public int Padding { get; init; }

    public int Activation { get; init; }

    public int RecurrentActivation { get; init; }

    public bool UseBias { get; init; } = true;

    public bool ReturnSequences { get; init; }

    public double Dropout { get; init; }

    public double RecurrentDropout { get; init; }

    public bool Stateful { get; init; }

    public bool Peepholes { get; init; }

    public bool LayerNorm { get; init; }

    public bool ResetAfter { get; init; } = true;

    public bool UnitForgetBias { get; init; } = true;

    public bool GoBackwards { get; init; }

    public bool ReturnState { get; init; }

    public int MergeMode { get; init; }

    /// <summary>Embedding vocabulary size.</summary>
    public int InputDim { get; init; }

    public double Momentum { get; init; } = 0.99;

    public double Epsilon { get; init; } = 0.001;

    public int LayersPerBlock { get; init; } = 4;

    public int Blocks { get; init; } = 2;

    public bool Gated { get; init; }

    /// <summary>WaveNet's 1×1 head filters (0: none).</summary>
    public int Outputs { get; init; }

    /// <summary>The whole attribute, for diagnostics about the layer.</summary>
    public SourceSpan? Location { get; init; }

    /// <summary>Where each argument was written (constructor parameter or property name).</summary>
    public EquatableArray<ArgumentSpan> Arguments { get; init; } = EquatableArray<ArgumentSpan>.Empty;

    /// <summary>The location of one argument, or of the whole attribute when that argument was not written.</summary>
    public SourceSpan? LocationOf(string argument)
    {
        foreach (var a in Arguments)
        {
            if (a.Name == argument)
            {
                return a.Span;
            }
        }

        return Location;
    }

    public bool HasArgument(string argument)
    {
        foreach (var a in Arguments)
        {
            if (a.Name == argument)
            {
                return true;
            }
        }

        return false;
    }
}
