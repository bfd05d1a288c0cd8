using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using SeqDsl.Generator.Emit.Kernels;

namespace SeqDsl.Generator.Emit.Host;

/// <summary>
/// Turns a kernel's multiply-add calls (<see cref="MultiplyAddCode"/>) back into the arithmetic they run on .NET:
/// <c>x = KernelMath.MultiplyAdd(a, b, x);</c> becomes <c>x += a * b;</c> (the same bits: a float add is commutative)
/// and any other call <c>(a * b + c)</c>, so that host code reads and vectorizes them as it does any accumulation
/// (<see cref="LoopInterchange"/>, <see cref="LoopVectorizer"/>, <see cref="PaddedLoop"/>).
/// </summary>
internal static class MultiplyAdds
{
    /// <summary><paramref name="method"/> with its multiply-add calls written out, or itself when it has none.</summary>
    public static MethodDeclarationSyntax Separate(MethodDeclarationSyntax method)
    {
        var calls = method.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(call => call.Expression.ToString() == MultiplyAddCode.Function && call.ArgumentList.Arguments.Count == 3)
            .ToList();
        if (calls.Count == 0)
        {
            return method;
        }

        var edits = new List<(TextSpan Span, string Text)>();
        foreach (var call in calls)
        {
            var arguments = call.ArgumentList.Arguments;
            string product = Factor(arguments[0].Expression) + " * " + Factor(arguments[1].Expression);
            edits.Add(call.Parent is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment
                      && assignment.Right == call && assignment.Left.ToString() == arguments[2].Expression.ToString()
                ? (assignment.Span, assignment.Left + " += " + product)
                : (call.Span, "(" + product + " + " + Factor(arguments[2].Expression) + ")"));
        }

        var ordered = edits.OrderByDescending(e => e.Span.Start).ToList();
        for (int i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Span.End > ordered[i - 1].Span.Start)
            {
                throw new InvalidOperationException("SeqDsl generator: " + method.Identifier.Text + " nests multiply-add calls, which host code does not translate.");
            }
        }

        var text = new StringBuilder(method.ToFullString());
        int origin = method.FullSpan.Start;
        foreach (var (span, replacement) in ordered)
        {
            text.Remove(span.Start - origin, span.Length).Insert(span.Start - origin, replacement);
        }

        return (MethodDeclarationSyntax)SyntaxFactory.ParseMemberDeclaration(text.ToString())!;
    }

    /// <summary>An operand of the product, parenthesized unless it is a name, an element or a literal.</summary>
    private static string Factor(ExpressionSyntax e) =>
        e is IdentifierNameSyntax or ElementAccessExpressionSyntax or LiteralExpressionSyntax or ParenthesizedExpressionSyntax or InvocationExpressionSyntax
            ? e.ToString()
            : "(" + e + ")";
}
