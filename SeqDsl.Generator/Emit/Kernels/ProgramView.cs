using System;
using System.Linq;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// A view the generated program passes to a kernel: a workspace buffer's (<c>layer3Output!.View</c>) or one of the
/// batch's (<c>batch.Targets</c>). Kernels that take the views of several layers name their parameters after it.
/// </summary>
internal static class ProgramView
{
    private const string FieldView = "!.View";
    private const string BatchMember = "batch.";

    /// <summary>The members of <c>BatchContext</c> that are views (the others are its sizes, seed and flags).</summary>
    private static readonly string[] BatchViews = { "Parameters", "Gradients", "Inputs", "Targets", "Rows", "Predictions", "SampleLoss", "SampleLastStepError" };

    /// <summary>Whether the program's argument <paramref name="argument"/> is such a view.</summary>
    public static bool Is(string argument) =>
        argument.EndsWith(FieldView, StringComparison.Ordinal)
        || (argument.StartsWith(BatchMember, StringComparison.Ordinal) && BatchViews.Contains(argument.Substring(BatchMember.Length)));

    /// <summary>The workspace field (<c>layer3Output</c>) or batch member (<c>Targets</c>) that <paramref name="argument"/> views, and which of the two it is.</summary>
    public static (string Name, bool OfBatch) Parse(string argument) =>
        !Is(argument) ? throw new InvalidOperationException("SeqDsl generator: " + argument + " is not a view of the program's.")
        : argument.EndsWith(FieldView, StringComparison.Ordinal) ? (argument.Substring(0, argument.Length - FieldView.Length), false)
        : (argument.Substring(BatchMember.Length), true);
}
