using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Analyzers.CodeFixes;

/// <summary>SEQ001: sets <c>ReturnSequences = true</c> on the recurrent layer whose vector output the next layer cannot take.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddReturnSequencesCodeFix))]
[Shared]
public sealed class AddReturnSequencesCodeFix : CodeFixProvider
{
    /// <summary>Identifies this fix for Fix All.</summary>
    public const string EquivalenceKey = "SeqDsl.AddReturnSequences";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingReturnSequences);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var attribute = AttributeEdits.FindAttribute(root, diagnostic.Location.SourceSpan);
            if (attribute is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Set ReturnSequences = true", c => FixAsync(context.Document, attribute, c), EquivalenceKey),
                diagnostic);
        }
    }

    private static Task<Document> FixAsync(Document document, AttributeSyntax attribute, CancellationToken cancellationToken)
    {
        var trueLiteral = SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression);
        var existing = AttributeEdits.FindNamedArgument(attribute, "ReturnSequences");
        var fixedAttribute = existing is not null
            ? attribute.ReplaceNode(existing.Expression, trueLiteral.WithTriviaFrom(existing.Expression))
            : AttributeEdits.AppendNamedArgument(attribute, "ReturnSequences", trueLiteral);
        return AttributeEdits.ReplaceAsync(document, attribute, fixedAttribute, cancellationToken);
    }
}
