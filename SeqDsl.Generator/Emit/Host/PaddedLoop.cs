using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SeqDsl.Generator.Emit.Host;

/// <summary>
/// Recognizes a kernel loop that runs over a width padded to whole vectors for PoCL's compiler, such as
/// <code>
/// for (int u = 0; u &lt; PaddedFilters; u++)
/// {
///     float delta = u &lt; Filters ? outputGradient[y + u] * … : 0f;
///     sum[u] += x0 * delta;
/// }
/// </code>
/// and gives the loop over the real width (<c>u &lt; Filters</c>, <c>float delta = outputGradient[y + u] * …;</c>) for
/// the host code, which <see cref="LoopVectorizer"/> turns into whole <c>Vector&lt;float&gt;</c>s and a scalar rest of
/// its own. Host code has no use for the padding: its iterations only add zeros.
/// </summary>
/// <remarks>
/// A loop qualifies when it runs from 0 to a constant end, its body is one or more declarations
/// <c>float n = v &lt; Width ? value : 0f;</c> (the same constant width, below the end, loop variable v), then only
/// additions <c>view[… v …] += term</c> whose term is one of those locals or a product with one as a factor: each
/// padding iteration adds zero to elements of its own column, and to none of a real column's. The kernels that pad
/// store nothing of the padding's columns (a Conv1D stores columns below Filters), so the loop over the real width
/// computes everything that is read.
/// </remarks>
internal static class PaddedLoop
{
    /// <summary>
    /// The loop over the real width, or null when <paramref name="loop"/> is not a padded loop. <paramref name="constants"/>
    /// are the kernel's integer constants (<see cref="IntegerConstants"/>).
    /// </summary>
    public static ForStatementSyntax? Unpad(ForStatementSyntax loop, IReadOnlyDictionary<string, long> constants)
    {
        if (LoopHeader.Read(loop) is not { } header || header.Start != "0" || loop.Statement is not BlockSyntax body
            || loop.Condition is not BinaryExpressionSyntax condition || IntegerConstants.Evaluate(condition.Right, constants) is not { } end)
        {
            return null;
        }

        var guarded = new Dictionary<VariableDeclaratorSyntax, ExpressionSyntax>();
        var zeros = new HashSet<string>();
        ExpressionSyntax? width = null;
        int i = 0;
        for (; i < body.Statements.Count; i++)
        {
            if (body.Statements[i] is not LocalDeclarationStatementSyntax { Declaration: { Type: var type, Variables: { Count: 1 } variables } }
                || type.ToString() != "float"
                || variables[0].Initializer?.Value is not ConditionalExpressionSyntax
                {
                    Condition: BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LessThanExpression, Left: IdentifierNameSyntax index } guard,
                    WhenFalse: LiteralExpressionSyntax zero,
                } conditional
                || index.Identifier.Text != header.Variable || zero.Token.ValueText != "0")
            {
                break;
            }

            if (width is not null && !width.IsEquivalentTo(guard.Right))
            {
                return null;
            }

            width = guard.Right;
            guarded.Add(variables[0], conditional.WhenTrue);
            zeros.Add(variables[0].Identifier.Text);
        }

        if (width is null || i == body.Statements.Count || IntegerConstants.Evaluate(width, constants) is not { } real || real >= end)
        {
            return null;
        }

        for (; i < body.Statements.Count; i++)
        {
            if (body.Statements[i] is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.AddAssignmentExpression } addition }
                || addition.Left is not ElementAccessExpressionSyntax { ArgumentList.Arguments: { Count: 1 } index }
                || !LoopHeader.Mentions(index[0], header.Variable)
                || !IsZeroInPadding(addition.Right, zeros))
            {
                return null; // an addition outside the padding's own columns (a NaN input times 0 is NaN), or not an addition
            }
        }

        var unguarded = loop.ReplaceNodes(guarded.Keys, (original, _) => original.WithInitializer(original.Initializer!.WithValue(guarded[original].WithTriviaFrom(original.Initializer.Value))));
        return unguarded.WithCondition(condition.WithRight(width.WithTriviaFrom(condition.Right)));
    }

    /// <summary>Whether <paramref name="term"/> is 0 in the padding: one of the guarded locals, or a product with one as a factor.</summary>
    private static bool IsZeroInPadding(ExpressionSyntax term, ISet<string> zeros) => term switch
    {
        IdentifierNameSyntax id => zeros.Contains(id.Identifier.Text),
        ParenthesizedExpressionSyntax p => IsZeroInPadding(p.Expression, zeros),
        BinaryExpressionSyntax { RawKind: (int)SyntaxKind.MultiplyExpression } product => IsZeroInPadding(product.Left, zeros) || IsZeroInPadding(product.Right, zeros),
        _ => false,
    };
}
