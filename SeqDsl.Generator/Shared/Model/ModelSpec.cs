namespace SeqDsl.Generator.Model;

/// <summary>
/// A <c>[SequenceModel]</c> class as the generator and the analyzers see it: plain, equatable values.
/// </summary>
internal sealed record ModelSpec
{
    /// <summary>The namespace, or empty for the global namespace.</summary>
    public string Namespace { get; init; } = "";

    public string ClassName { get; init; } = "";

    /// <summary>"public", "internal", … as declared.</summary>
    public string Accessibility { get; init; } = "internal";

    /// <summary>Declarations of the containing types, outermost first (e.g. "partial class Outer"), for nested models.</summary>
    public EquatableArray<string> ContainingTypes { get; init; } = EquatableArray<string>.Empty;

    public bool IsPartial { get; init; } = true;

    /// <summary>The name of a containing type that is not declared partial (the generated code cannot reopen it), or empty.</summary>
    public string NonPartialContainingType { get; init; } = "";

    public bool IsNestedInGeneric { get; init; }

    public bool IsGeneric { get; init; }

    /// <summary>Declared <c>static</c>: a model is an instance with weights, so the generated half could not compile.</summary>
    public bool IsStatic { get; init; }

    /// <summary>Declared as a <c>record</c>: the generated half is a <c>partial class</c>, which cannot complete a record.</summary>
    public bool IsRecord { get; init; }

    /// <summary>How many partial declarations carry layer attributes (must be at most one).</summary>
    public int LayerDeclarationCount { get; init; }

    public int InputFeatures { get; init; }

    /// <summary>0 when any number of steps is accepted.</summary>
    public int InputSteps { get; init; }

    /// <summary>0 when any batch size is accepted.</summary>
    public int BatchSize { get; init; }

    public int Loss { get; init; }

    public int Optimizer { get; init; }

    public double LearningRate { get; init; } = 0.001;

    public EquatableArray<LayerSpec> Layers { get; init; } = EquatableArray<LayerSpec>.Empty;

    /// <summary>The <c>[SequenceModel]</c> attribute.</summary>
    public SourceSpan? Location { get; init; }

    /// <summary>The class name in its declaration.</summary>
    public SourceSpan? ClassLocation { get; init; }

    public EquatableArray<ArgumentSpan> Arguments { get; init; } = EquatableArray<ArgumentSpan>.Empty;

    public string FullName => Namespace.Length == 0 ? ClassName : Namespace + "." + ClassName;

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
}
