using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Analyzers.CodeFixes;

/// <summary>SEQ010: replaces an unbounded activation of a recurrent layer with <c>Activation.Tanh</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseTanhActivationCodeFix))]
[Shared]
public sealed class UseTanhActivationCodeFix : AttributeCodeFix<AttributeArgumentSyntax>
{
    /// <summary>Identifies this fix for Fix All.</summary>
    public const string EquivalenceKey = "SeqDsl.UseTanhActivation";

    /// <summary>Creates the fix.</summary>
    public UseTanhActivationCodeFix()
        : base(DiagnosticIds.UnboundedRecurrentActivation, "Use Activation.Tanh", EquivalenceKey)
    {
    }

    /// <inheritdoc />
    protected override Task<Document> FixAsync(Document document, AttributeArgumentSyntax argument, CancellationToken cancellationToken)
    {
        var tanh = AttributeEdits.EnumMember(argument.Expression, "SeqDsl.Activation", "Tanh");
        return AttributeEdits.ReplaceAsync(document, argument, argument.WithExpression(tanh), cancellationToken);
    }
}
