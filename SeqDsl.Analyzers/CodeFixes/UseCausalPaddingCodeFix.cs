using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Analyzers.CodeFixes;

/// <summary>SEQ009: switches a Conv1D from <c>Padding.Same</c> to <c>Padding.Causal</c>, positional or <c>padding:</c> argument alike.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseCausalPaddingCodeFix))]
[Shared]
public sealed class UseCausalPaddingCodeFix : CodeFixProvider
{
    /// <summary>Identifies this fix for Fix All.</summary>
    public const string EquivalenceKey = "SeqDsl.UseCausalPadding";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SamePaddingSeesFuture);

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
            var argument = AttributeEdits.FindArgument(root, diagnostic.Location.SourceSpan);
            if (argument is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Use Padding.Causal", c => FixAsync(context.Document, argument, c), EquivalenceKey),
                diagnostic);
        }
    }

    private static Task<Document> FixAsync(Document document, AttributeArgumentSyntax argument, CancellationToken cancellationToken)
    {
        var causal = AttributeEdits.EnumMember(argument.Expression, "SeqDsl.Padding", "Causal");
        return AttributeEdits.ReplaceAsync(document, argument, argument.WithExpression(causal), cancellationToken);
    }
}
