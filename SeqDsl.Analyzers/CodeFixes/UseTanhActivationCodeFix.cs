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

/// <summary>SEQ010: replaces an unbounded activation of a recurrent layer with <c>Activation.Tanh</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseTanhActivationCodeFix))]
[Shared]
public sealed class UseTanhActivationCodeFix : CodeFixProvider
{
    /// <summary>Identifies this fix for Fix All.</summary>
    public const string EquivalenceKey = "SeqDsl.UseTanhActivation";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnboundedRecurrentActivation);

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
                CodeAction.Create("Use Activation.Tanh", c => FixAsync(context.Document, argument, c), EquivalenceKey),
                diagnostic);
        }
    }

    private static Task<Document> FixAsync(Document document, AttributeArgumentSyntax argument, CancellationToken cancellationToken)
    {
        var tanh = AttributeEdits.EnumMember(argument.Expression, "SeqDsl.Activation", "Tanh");
        return AttributeEdits.ReplaceAsync(document, argument, argument.WithExpression(tanh), cancellationToken);
    }
}
