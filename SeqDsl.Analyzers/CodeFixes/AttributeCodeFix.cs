using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace SeqDsl.Analyzers.CodeFixes;

/// <summary>
/// What every SeqDsl code fix shares: one diagnostic ID, one title, Fix All by batch, and a fix that rewrites the
/// syntax node (an attribute or one of its arguments) the diagnostic points at. Subclasses say which node and how.
/// </summary>
/// <typeparam name="TNode">The node the fix rewrites: <c>AttributeSyntax</c> or <c>AttributeArgumentSyntax</c>.</typeparam>
public abstract class AttributeCodeFix<TNode> : CodeFixProvider
    where TNode : SyntaxNode
{
    private readonly string title;
    private readonly string equivalenceKey;

    /// <summary>Creates the fix for <paramref name="diagnosticId"/>.</summary>
    /// <param name="diagnosticId">The SEQ diagnostic this fix repairs.</param>
    /// <param name="title">The light-bulb text.</param>
    /// <param name="equivalenceKey">Groups the fix's instances for Fix All.</param>
    protected AttributeCodeFix(string diagnosticId, string title, string equivalenceKey)
    {
        FixableDiagnosticIds = ImmutableArray.Create(diagnosticId);
        this.title = title;
        this.equivalenceKey = equivalenceKey;
    }

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            // No fix where the diagnostic does not sit on the node this fix edits (e.g. a value that came from a constant).
            if (Locate(root, diagnostic.Location.SourceSpan) is not { } node)
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(CodeAction.Create(title, c => FixAsync(document, node, c), equivalenceKey), diagnostic);
        }
    }

    /// <summary>The node at <paramref name="span"/> this fix rewrites, or null when there is none to fix.</summary>
    protected virtual TNode? Locate(SyntaxNode root, TextSpan span) =>
        root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<TNode>();

    /// <summary>The document with <paramref name="node"/> repaired.</summary>
    protected abstract Task<Document> FixAsync(Document document, TNode node, CancellationToken cancellationToken);
}
