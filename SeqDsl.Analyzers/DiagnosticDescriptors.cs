using Microsoft.CodeAnalysis;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Analyzers;

/// <summary>
/// Every diagnostic SeqDsl reports. The messages are written by the shared checker (<see cref="ShapeInference"/>,
/// <see cref="ModelAdvisor"/>), which knows the layers and shapes involved; a descriptor gives each ID its title,
/// default severity, category and help page. The IDs come from <see cref="DiagnosticIds"/> so that the checker,
/// the analyzer, the code fixes and the generator's stubs cannot disagree.
/// </summary>
internal static class DiagnosticDescriptors
{
    /// <summary>Where the help pages live: <c>docs/diagnostics/SEQxxx.md</c> in the repository.</summary>
    public const string HelpLinkBase = "https://github.com/SeqDsl/SeqDsl/blob/main/docs/diagnostics/";

    /// <summary>The model class itself: partial, not generic, layers in one place.</summary>
    public const string DeclarationCategory = "SeqDsl.Declaration";

    /// <summary>Layer arguments and the shapes flowing between layers.</summary>
    public const string ShapesCategory = "SeqDsl.Shapes";

    /// <summary>Choices that compile but train badly or see the future.</summary>
    public const string TrainingCategory = "SeqDsl.Training";

    public static readonly DiagnosticDescriptor MissingReturnSequences = Create(
        DiagnosticIds.MissingReturnSequences, "Recurrent layer must return sequences", ShapesCategory, DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidModelClass = Create(
        DiagnosticIds.InvalidModelClass, "Invalid sequence model class", DeclarationCategory, DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NoLayers = Create(
        DiagnosticIds.NoLayers, "Sequence model has no layers", DeclarationCategory, DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ArgumentOutOfRange = Create(
        DiagnosticIds.ArgumentOutOfRange, "Layer argument out of range", ShapesCategory, DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor SequenceTooShort = Create(
        DiagnosticIds.SequenceTooShort, "Sequence shrinks to no steps", ShapesCategory, DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NeedsFixedSteps = Create(
        DiagnosticIds.NeedsFixedSteps, "Layer needs a fixed number of steps", ShapesCategory, DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor OutputDoesNotFitLoss = Create(
        DiagnosticIds.OutputDoesNotFitLoss, "Output does not fit the loss, or Embedding misplaced", ShapesCategory, DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor SamePaddingSeesFuture = Create(
        DiagnosticIds.SamePaddingSeesFuture, "Same padding lets a forecaster see the future", TrainingCategory, DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor UnboundedRecurrentActivation = Create(
        DiagnosticIds.UnboundedRecurrentActivation, "Unbounded activation in a recurrent layer", TrainingCategory, DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor SimpleRnnOutput = Create(
        DiagnosticIds.SimpleRnnOutput, "SimpleRNN as the regression output layer", TrainingCategory, DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor SimpleRnnLongSequence = Create(
        DiagnosticIds.SimpleRnnLongSequence, "SimpleRNN over a long sequence", TrainingCategory, DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor BatchNormBetweenRecurrent = Create(
        DiagnosticIds.BatchNormBetweenRecurrent, "BatchNormalization between recurrent layers", TrainingCategory, DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor InvalidStateful = Create(
        DiagnosticIds.InvalidStateful, "Invalid stateful or state-returning recurrent layer", ShapesCategory, DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidTimeDistributed = Create(
        DiagnosticIds.InvalidTimeDistributed, "Invalid TimeDistributed layer", ShapesCategory, DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NeedsSequence = Create(
        DiagnosticIds.NeedsSequence, "Layer needs a sequence input", ShapesCategory, DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NeedsVector = Create(
        DiagnosticIds.NeedsVector, "Layer needs a vector input", ShapesCategory, DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor OptionNotForCell = Create(
        DiagnosticIds.OptionNotForCell, "Option does not apply to this cell", ShapesCategory, DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor LayerWithoutModel = Create(
        DiagnosticIds.LayerWithoutModel, "Layer attributes on a class without [SequenceModel]", DeclarationCategory, DiagnosticSeverity.Warning);

    /// <summary>Every descriptor, in ID order.</summary>
    public static readonly DiagnosticDescriptor[] All =
    {
        MissingReturnSequences, InvalidModelClass, NoLayers, ArgumentOutOfRange, SequenceTooShort, NeedsFixedSteps,
        OutputDoesNotFitLoss, SamePaddingSeesFuture, UnboundedRecurrentActivation, SimpleRnnOutput,
        SimpleRnnLongSequence, BatchNormBetweenRecurrent, InvalidStateful, InvalidTimeDistributed, NeedsSequence,
        NeedsVector, OptionNotForCell, LayerWithoutModel,
    };

    /// <summary>The descriptor of a checker finding's ID, or null for an ID this assembly does not know.</summary>
    public static DiagnosticDescriptor? ForId(string id)
    {
        foreach (var d in All)
        {
            if (d.Id == id)
            {
                return d;
            }
        }

        return null;
    }

    private static DiagnosticDescriptor Create(string id, string title, string category, DiagnosticSeverity severity) => new(
        id,
        title,
        "{0}",
        category,
        severity,
        isEnabledByDefault: true,
        description: null,
        helpLinkUri: HelpLinkBase + id + ".md");
}
