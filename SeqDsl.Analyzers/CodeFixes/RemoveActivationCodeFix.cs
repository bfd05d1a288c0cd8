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

/// <summary>SEQ008: removes the softmax/sigmoid output activation that the cross-entropy loss applies itself.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveActivationCodeFix))]
[Shared]
public sealed class RemoveActivationCodeFix : CodeFixProvider
{
    /// <summary>Identifies this fix for Fix All.</summary>
    public const string EquivalenceKey = "SeqDsl.RemoveActivation";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DoubleSoftmax);

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
            // Only when the diagnostic sits on the written Activation argument: that is the text to remove.
            var argument = AttributeEdits.FindArgument(root, diagnostic.Location.SourceSpan);
            if (argument?.Parent is not AttributeArgumentListSyntax list || list.Parent is not AttributeSyntax attribute)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Remove the activation (the loss applies it)", c => FixAsync(context.Document, attribute, argument, c), EquivalenceKey),
                diagnostic);
        }
    }

    private static Task<Document> FixAsync(Document document, AttributeSyntax attribute, AttributeArgumentSyntax argument, CancellationToken cancellationToken)
    {
        var arguments = attribute.ArgumentList!.Arguments.Remove(argument);
        var fixedAttribute = arguments.Count == 0
            ? attribute.WithArgumentList(null)
            : attribute.WithArgumentList(attribute.ArgumentList.WithArguments(arguments));
        return AttributeEdits.ReplaceAsync(document, attribute, fixedAttribute, cancellationToken);
    }
}
