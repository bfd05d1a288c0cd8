using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Analyzers.CodeFixes;

/// <summary>SEQ009: switches a Conv1D from <c>Padding.Same</c> to <c>Padding.Causal</c>, positional or <c>padding:</c> argument alike.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseCausalPaddingCodeFix))]
[Shared]
public sealed class UseCausalPaddingCodeFix : EnumArgumentCodeFix
{
    /// <summary>Identifies this fix for Fix All.</summary>
    public const string EquivalenceKey = "SeqDsl.UseCausalPadding";

    /// <summary>Creates the fix.</summary>
    public UseCausalPaddingCodeFix()
        : base(DiagnosticIds.SamePaddingSeesFuture, "SeqDsl.Padding", "Causal", EquivalenceKey)
    {
    }
}
