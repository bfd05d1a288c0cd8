using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Analyzers.CodeFixes;

/// <summary>SEQ009: switches a Conv1D from <c>Padding.Same</c> to <c>Padding.Causal</c>, positional or <c>padding:</c> argument alike.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseCausalPaddingCodeFix))]
[Shared]
public sealed class UseCausalPaddingCodeFix : AttributeCodeFix<AttributeArgumentSyntax>
{
    /// <summary>Identifies this fix for Fix All.</summary>
    public const string EquivalenceKey = "SeqDsl.UseCausalPadding";

    /// <summary>Creates the fix.</summary>
    public UseCausalPaddingCodeFix()
        : base(DiagnosticIds.SamePaddingSeesFuture, "Use Padding.Causal", EquivalenceKey)
    {
    }

    /// <inheritdoc />
    protected override Task<Document> FixAsync(Document document, AttributeArgumentSyntax argument, CancellationToken cancellationToken)
    {
        var causal = AttributeEdits.EnumMember(argument.Expression, "SeqDsl.Padding", "Causal");
        return AttributeEdits.ReplaceAsync(document, argument, argument.WithExpression(causal), cancellationToken);
    }
}
