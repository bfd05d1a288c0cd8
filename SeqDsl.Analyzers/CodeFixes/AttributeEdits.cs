using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace SeqDsl.Analyzers.CodeFixes;

/// <summary>The syntax edits the code fixes share: find the attribute or argument a diagnostic points at, and rewrite its argument list.</summary>
internal static class AttributeEdits
{
    /// <summary>The attribute argument at <paramref name="span"/>, or null when the diagnostic is not on one.</summary>
    public static AttributeArgumentSyntax? FindArgument(SyntaxNode root, TextSpan span) =>
        root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeArgumentSyntax>();

    /// <summary>The attribute at or around <paramref name="span"/>.</summary>
    public static AttributeSyntax? FindAttribute(SyntaxNode root, TextSpan span) =>
        root.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeSyntax>();

    /// <summary>The named argument <c>Name = …</c> of <paramref name="attribute"/>, if it was written.</summary>
    public static AttributeArgumentSyntax? FindNamedArgument(AttributeSyntax attribute, string name)
    {
        if (attribute.ArgumentList is null)
        {
            return null;
        }

        foreach (var argument in attribute.ArgumentList.Arguments)
        {
            if (argument.NameEquals?.Name.Identifier.ValueText == name)
            {
                return argument;
            }
        }

        return null;
    }

    /// <summary>Appends <c>Name = value</c> to the attribute's arguments, keeping the existing arguments and their separators.</summary>
    public static AttributeSyntax AppendNamedArgument(AttributeSyntax attribute, string name, ExpressionSyntax value)
    {
        var argument = SyntaxFactory.AttributeArgument(
            SyntaxFactory.NameEquals(
                SyntaxFactory.IdentifierName(name).WithTrailingTrivia(SyntaxFactory.Space),
                SyntaxFactory.Token(SyntaxKind.EqualsToken).WithTrailingTrivia(SyntaxFactory.Space)),
            nameColon: null,
            value);

        if (attribute.ArgumentList is null || attribute.ArgumentList.Arguments.Count == 0)
        {
            var list = attribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
            return attribute.WithArgumentList(list.WithArguments(SyntaxFactory.SingletonSeparatedList(argument)));
        }

        var arguments = attribute.ArgumentList.Arguments;
        var nodes = new List<AttributeArgumentSyntax>(arguments);
        var separators = new List<SyntaxToken>(arguments.GetSeparators());
        nodes.Add(argument);
        separators.Add(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space));
        return attribute.WithArgumentList(attribute.ArgumentList.WithArguments(SyntaxFactory.SeparatedList(nodes, separators)));
    }

    /// <summary>
    /// An enum member to put where <paramref name="old"/> was: <c>Padding.Same</c> becomes <c>Padding.Causal</c> as written
    /// (qualified or not, or a bare name under <c>using static</c>); anything else (a cast, a constant) becomes the
    /// fully qualified member, simplified against the file's usings.
    /// </summary>
    public static ExpressionSyntax EnumMember(ExpressionSyntax old, string enumType, string member)
    {
        ExpressionSyntax replacement = old switch
        {
            MemberAccessExpressionSyntax access => access.WithName(SyntaxFactory.IdentifierName(member)),
            IdentifierNameSyntax => SyntaxFactory.IdentifierName(member),
            _ => SyntaxFactory.ParseExpression("global::" + enumType + "." + member).WithAdditionalAnnotations(Simplifier.Annotation),
        };

        return replacement.WithTriviaFrom(old);
    }

    /// <summary>Replaces one node in the document.</summary>
    public static async Task<Document> ReplaceAsync(Document document, SyntaxNode old, SyntaxNode replacement, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root is null ? document : document.WithSyntaxRoot(root.ReplaceNode(old, replacement));
    }
}
