using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SeqDsl.Generator.Emit.Host;

/// <summary>Folds a kernel's integer constants, so the vectorizer can tell how far apart two indices are.</summary>
internal static class IntegerConstants
{
    /// <summary>
    /// The kernel's <c>const int</c>s whose values are literals or sums and products of earlier ones. A name declared
    /// with two values (sibling blocks of a model-wide kernel, one per layer) is left out: the folding does not track
    /// scopes, and a constant it does not know only keeps a loop from being vectorized.
    /// </summary>
    public static IReadOnlyDictionary<string, long> Of(MethodDeclarationSyntax method)
    {
        var constants = new Dictionary<string, long>();
        var declared = new HashSet<string>();
        var ambiguous = new HashSet<string>();
        foreach (var local in method.Body!.DescendantNodes().OfType<LocalDeclarationStatementSyntax>())
        {
            if (!local.IsConst || local.Declaration.Type.ToString() != "int")
            {
                continue;
            }

            foreach (var variable in local.Declaration.Variables)
            {
                string name = variable.Identifier.Text;
                long? value = variable.Initializer is { } init ? Evaluate(init.Value, constants) : null;
                bool again = !declared.Add(name);
                if (again && (value is null || !constants.TryGetValue(name, out long earlier) || earlier != value))
                {
                    ambiguous.Add(name); // declared again with another value, or one the folding cannot tell
                }

                if (value is { } known)
                {
                    constants[name] = known;
                }
                else
                {
                    constants.Remove(name); // later constants must not fold an earlier block's value
                }
            }
        }

        foreach (var name in ambiguous)
        {
            constants.Remove(name);
        }

        return constants;
    }

    /// <summary>The value of <paramref name="e"/> when it is made of integer literals and <paramref name="constants"/> with +, − and ×; else null.</summary>
    public static long? Evaluate(ExpressionSyntax e, IReadOnlyDictionary<string, long> constants)
    {
        switch (e)
        {
            case LiteralExpressionSyntax { Token.Value: int literal }:
                return literal;
            case IdentifierNameSyntax { Identifier.Text: var name }:
                return constants.TryGetValue(name, out long value) ? value : null;
            case ParenthesizedExpressionSyntax p:
                return Evaluate(p.Expression, constants);
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } minus:
                return -Evaluate(minus.Operand, constants);
            case BinaryExpressionSyntax binary:
                long? left = Evaluate(binary.Left, constants);
                long? right = Evaluate(binary.Right, constants);
                if (left is not { } l || right is not { } r)
                {
                    return null;
                }

                return binary.Kind() switch
                {
                    SyntaxKind.AddExpression => l + r,
                    SyntaxKind.SubtractExpression => l - r,
                    SyntaxKind.MultiplyExpression => l * r,
                    _ => null,
                };
            default:
                return null;
        }
    }
}
