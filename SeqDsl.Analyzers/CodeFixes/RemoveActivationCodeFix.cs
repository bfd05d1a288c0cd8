using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Analyzers.CodeFixes;

/// <summary>SEQ007: removes an output activation that cannot produce the logits a cross-entropy loss reads (e.g. ReLU before BinaryCrossEntropy).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveActivationCodeFix))]
[Shared]
public sealed class RemoveActivationCodeFix : AttributeCodeFix<AttributeArgumentSyntax>
{
    /// <summary>Identifies this fix for Fix All.</summary>
    public const string EquivalenceKey = "SeqDsl.RemoveActivation";

    /// <summary>Creates the fix.</summary>
    public RemoveActivationCodeFix()
        : base(DiagnosticIds.OutputDoesNotFitLoss, "Remove the activation (output logits)", EquivalenceKey)
    {
    }

    /// <inheritdoc />
    protected override AttributeArgumentSyntax? Locate(SyntaxNode root, TextSpan span)
    {
        // Only when the diagnostic sits on the written Activation argument of an attribute: that is the text to remove
        // (SEQ007's other findings point at a whole layer or at InputFeatures).
        var argument = base.Locate(root, span);
        return argument is { NameEquals.Name.Identifier.ValueText: "Activation", Parent: AttributeArgumentListSyntax { Parent: AttributeSyntax } } ? argument : null;
    }

    /// <inheritdoc />
    protected override Task<Document> FixAsync(Document document, AttributeArgumentSyntax argument, CancellationToken cancellationToken)
    {
        var attribute = (AttributeSyntax)argument.Parent!.Parent!;
        var arguments = attribute.ArgumentList!.Arguments.Remove(argument);
        var fixedAttribute = arguments.Count == 0
            ? attribute.WithArgumentList(null)
            : attribute.WithArgumentList(attribute.ArgumentList.WithArguments(arguments));
        return AttributeEdits.ReplaceAsync(document, attribute, fixedAttribute, cancellationToken);
    }
}
