using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Analyzers.CodeFixes;

/// <summary>SEQ010: replaces an unbounded activation of a recurrent layer with <c>Activation.Tanh</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseTanhActivationCodeFix))]
[Shared]
public sealed class UseTanhActivationCodeFix : EnumArgumentCodeFix
{
    /// <summary>Identifies this fix for Fix All.</summary>
    public const string EquivalenceKey = "SeqDsl.UseTanhActivation";

    /// <summary>Creates the fix.</summary>
    public UseTanhActivationCodeFix()
        : base(DiagnosticIds.UnboundedRecurrentActivation, "SeqDsl.Activation", "Tanh", EquivalenceKey)
    {
    }
}
