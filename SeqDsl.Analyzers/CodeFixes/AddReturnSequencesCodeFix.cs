using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Analyzers.CodeFixes;

/// <summary>SEQ001: sets <c>ReturnSequences = true</c> on the recurrent layer whose vector output the next layer cannot take.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddReturnSequencesCodeFix))]
[Shared]
public sealed class AddReturnSequencesCodeFix : AttributeCodeFix<AttributeSyntax>
{
    /// <summary>Identifies this fix for Fix All.</summary>
    public const string EquivalenceKey = "SeqDsl.AddReturnSequences";

    /// <summary>Creates the fix.</summary>
    public AddReturnSequencesCodeFix()
        : base(DiagnosticIds.MissingReturnSequences, "Set ReturnSequences = true", EquivalenceKey)
    {
    }

    /// <inheritdoc />
    protected override Task<Document> FixAsync(Document document, AttributeSyntax attribute, CancellationToken cancellationToken)
    {
        var trueLiteral = SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression);
        var existing = AttributeEdits.FindNamedArgument(attribute, "ReturnSequences");
        var fixedAttribute = existing is not null
            ? attribute.ReplaceNode(existing.Expression, trueLiteral.WithTriviaFrom(existing.Expression))
            : AttributeEdits.AppendNamedArgument(attribute, "ReturnSequences", trueLiteral);
        return AttributeEdits.ReplaceAsync(document, attribute, fixedAttribute, cancellationToken);
    }
}
