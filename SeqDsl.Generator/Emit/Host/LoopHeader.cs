using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SeqDsl.Generator.Emit.Host;

/// <summary>The loop's <c>for (int v = Start; v &lt; End; v++)</c>.</summary>
internal sealed class LoopHeader
{
    private LoopHeader(string variable, string start, string end)
    {
        Variable = variable;
        Start = start;
        End = end;
    }

    public string Variable { get; }

    public string Start { get; }

    public string End { get; }

    public static LoopHeader? Read(ForStatementSyntax loop)
    {
        if (loop.Declaration is not { } declaration || declaration.Variables.Count != 1 || declaration.Type.ToString() != "int"
            || declaration.Variables[0].Initializer is not { } start || loop.Initializers.Count != 0)
        {
            return null;
        }

        string v = declaration.Variables[0].Identifier.Text;
        if (loop.Condition is not BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LessThanExpression } condition
            || condition.Left is not IdentifierNameSyntax { Identifier.Text: var left } || left != v
            || Mentions(condition.Right, v) || Mentions(start.Value, v))
        {
            return null;
        }

        if (loop.Incrementors.Count != 1 || !IsIncrement(loop.Incrementors[0], v))
        {
            return null;
        }

        string end = condition.Right is IdentifierNameSyntax or LiteralExpressionSyntax ? condition.Right.ToString() : "(" + condition.Right + ")";
        return new LoopHeader(v, start.Value.ToString(), end);
    }

    private static bool IsIncrement(ExpressionSyntax e, string v) => e switch
    {
        PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression, Operand: IdentifierNameSyntax id } => id.Identifier.Text == v,
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression, Operand: IdentifierNameSyntax id } => id.Identifier.Text == v,
        _ => false,
    };

    /// <summary>Whether <paramref name="node"/> names <paramref name="name"/>.</summary>
    public static bool Mentions(SyntaxNode node, string name) =>
        node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(id => id.Identifier.Text == name);
}
