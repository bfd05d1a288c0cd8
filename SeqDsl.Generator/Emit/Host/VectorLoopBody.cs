using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SeqDsl.Generator.Emit.Host;

/// <summary>The body's statements translated one by one, and every view access they make.</summary>
internal sealed class VectorLoopBody
{
    public const string VectorType = "Vector<float>";
    private const string Activations = "global::SeqDsl.Kernels.Activations.";
    private const string HostVector = "global::SeqDsl.Kernels.HostVector.";
    private const string KernelMath = "global::SeqDsl.Kernels.KernelMath.";

    private static readonly HashSet<string> VectorActivations = new() { "Sigmoid", "GateSigmoid", "Tanh", "Relu", "Exp", "Abs" };

    /// <summary>Float comparisons and the lane-by-lane <c>Vector</c> methods that compute them.</summary>
    private static readonly Dictionary<SyntaxKind, string> Comparisons = new()
    {
        [SyntaxKind.GreaterThanExpression] = "GreaterThan",
        [SyntaxKind.GreaterThanOrEqualExpression] = "GreaterThanOrEqual",
        [SyntaxKind.LessThanExpression] = "LessThan",
        [SyntaxKind.LessThanOrEqualExpression] = "LessThanOrEqual",
    };

    /// <summary>
    /// The most floats a <c>Vector&lt;float&gt;</c> holds (512 bits). Two accesses to a written view at indices this far
    /// apart or more never meet inside one vector, so running a vector's lanes together keeps the scalar loop's order.
    /// </summary>
    public const int MaxLanes = 16;

    private readonly ISet<string> floatViews;
    private readonly ISet<string> arguments;
    private readonly IReadOnlyDictionary<string, long> constants;

    /// <summary>The loop variable and the index locals that advance with it, one column per lane.</summary>
    private readonly HashSet<string> unitStride = new();

    /// <summary>Float locals declared in the body: one vector each.</summary>
    private readonly HashSet<string> vectorLocals = new();

    /// <summary>Every view access: the index as its symbolic terms plus a constant (null: the same element in every lane).</summary>
    private readonly List<(string View, Index? Index, bool Write)> accesses = new();

    public VectorLoopBody(string variable, ISet<string> floatViews, ISet<string> arguments, IReadOnlyDictionary<string, long> constants)
    {
        unitStride.Add(variable);
        this.floatViews = floatViews;
        this.arguments = arguments;
        this.constants = constants;
    }

    /// <summary>The vector form of <paramref name="e"/> (its view reads recorded), or null when it has none.</summary>
    public string? VectorOf(ExpressionSyntax e) => Vector(e);

    /// <summary>Whether <paramref name="index"/> is "invariant + the loop variable".</summary>
    public bool IsUnitStrideIndex(ExpressionSyntax index) => IsUnitStride(index);

    /// <summary>Whether what was translated so far reads <paramref name="view"/>, or (when <paramref name="view"/> is a kernel argument) another argument.</summary>
    public bool ReadsOrMayAlias(string view) =>
        accesses.Any(a => a.View == view || (arguments.Contains(view) && arguments.Contains(a.View)));

    public string? Translate(StatementSyntax statement)
    {
        switch (statement)
        {
            case LocalDeclarationStatementSyntax { Declaration: { Variables.Count: 1 } declaration } local
                when local.Modifiers.Count == 0 && declaration.Variables[0].Initializer is { } init:
            {
                string name = declaration.Variables[0].Identifier.Text;
                string type = declaration.Type.ToString();
                if (type == "float")
                {
                    string? value = Vector(init.Value);
                    if (value is null)
                    {
                        return null;
                    }

                    vectorLocals.Add(name);
                    return VectorType + " " + name + " = " + value + ";";
                }

                if ((type == "long" || type == "int") && IsUnitStride(init.Value))
                {
                    unitStride.Add(name); // the first lane's index; lane l's is this + l
                    return statement.ToString();
                }

                return null;
            }

            case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment }:
                return Assign(assignment);
            default:
                return null;
        }
    }

    /// <summary>
    /// Whether lanes may run together: every two accesses to a view written in the body are at the same index or a
    /// known distance of at least <see cref="MaxLanes"/> apart, and a written kernel argument is the only kernel
    /// argument the body touches (locals never alias; arguments may).
    /// </summary>
    public bool IndependentLanes()
    {
        foreach (var written in accesses.Where(a => a.Write).Select(a => a.View).Distinct())
        {
            var indices = accesses.Where(a => a.View == written).Select(a => a.Index).ToList();
            if (indices.Any(i => i is null))
            {
                return false;
            }

            for (int a = 0; a < indices.Count; a++)
            {
                for (int b = a + 1; b < indices.Count; b++)
                {
                    long? distance = indices[a]!.DistanceTo(indices[b]!);
                    if (distance is not { } d || (d != 0 && System.Math.Abs(d) < MaxLanes))
                    {
                        return false;
                    }
                }
            }

            if (arguments.Contains(written) && accesses.Any(a => a.View != written && arguments.Contains(a.View)))
            {
                return false;
            }
        }

        return true;
    }

    private string? Assign(AssignmentExpressionSyntax assignment)
    {
        string? op = assignment.Kind() switch
        {
            SyntaxKind.SimpleAssignmentExpression => "",
            SyntaxKind.AddAssignmentExpression => "+",
            SyntaxKind.SubtractAssignmentExpression => "-",
            SyntaxKind.MultiplyAssignmentExpression => "*",
            SyntaxKind.DivideAssignmentExpression => "/",
            _ => null,
        };
        string? value = op is null ? null : Vector(assignment.Right);
        if (value is null)
        {
            return null;
        }

        if (op != "" && NeedsParentheses(assignment.Right, op!))
        {
            value = "(" + value + ")";
        }

        if (assignment.Left is IdentifierNameSyntax { Identifier.Text: var local } && vectorLocals.Contains(local))
        {
            return local + " " + op + "= " + value + ";";
        }

        if (assignment.Left is ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: var view } } element
            && floatViews.Contains(view) && element.ArgumentList.Arguments.Count == 1)
        {
            var index = element.ArgumentList.Arguments[0].Expression;
            if (!IsUnitStride(index))
            {
                return null;
            }

            string indexText = index.ToString();
            accesses.Add((view, Index.Of(index, constants), true));
            string stored = op == "" ? value : view + ".Load(" + indexText + ") " + op + " " + value;
            return view + ".Store(" + indexText + ", " + stored + ");";
        }

        return null;
    }

    /// <summary>Whether <c>x op= right</c> needs <c>right</c> in parentheses to mean <c>x op (right)</c>.</summary>
    private static bool NeedsParentheses(ExpressionSyntax right, string op) => right is BinaryExpressionSyntax binary
        && (op is "*" or "/" || binary.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression);

    /// <summary>The expression as a <c>Vector&lt;float&gt;</c> expression, or null when it has no vector form.</summary>
    private string? Vector(ExpressionSyntax e)
    {
        if (IsInvariant(e))
        {
            AddInvariantReads(e);
            return "new " + VectorType + "(" + e + ")";
        }

        switch (e)
        {
            case ParenthesizedExpressionSyntax p:
                return Vector(p.Expression) is { } inner ? "(" + inner + ")" : null;
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } minus:
                return Vector(minus.Operand) is { } operand ? "-" + operand : null;
            case BinaryExpressionSyntax binary when binary.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression
                or SyntaxKind.MultiplyExpression or SyntaxKind.DivideExpression:
            {
                string? left = Vector(binary.Left);
                string? right = Vector(binary.Right);
                return left is null || right is null ? null : left + " " + binary.OperatorToken.Text + " " + right;
            }

            case IdentifierNameSyntax id when vectorLocals.Contains(id.Identifier.Text):
                return id.Identifier.Text;
            case ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: var view } } element
                when floatViews.Contains(view) && element.ArgumentList.Arguments.Count == 1:
            {
                var index = element.ArgumentList.Arguments[0].Expression;
                if (!IsUnitStride(index))
                {
                    return null;
                }

                accesses.Add((view, Index.Of(index, constants), false));
                return view + ".Load(" + index + ")";
            }

            case ConditionalExpressionSyntax conditional when IsInvariant(conditional.Condition):
            {
                AddInvariantReads(conditional.Condition);
                string? whenTrue = Vector(conditional.WhenTrue);
                string? whenFalse = Vector(conditional.WhenFalse);
                return whenTrue is null || whenFalse is null ? null : conditional.Condition + " ? " + whenTrue + " : " + whenFalse;
            }

            case ConditionalExpressionSyntax { Condition: BinaryExpressionSyntax comparison } conditional
                when Comparisons.TryGetValue(comparison.Kind(), out string? compare) && !ReadsIndexAsValue(comparison):
            {
                // Lanes choose separately: both sides are computed (they are loads and arithmetic) and blended.
                AddInvariantReads(comparison);
                string? left = Vector(comparison.Left);
                string? right = Vector(comparison.Right);
                string? whenTrue = Vector(conditional.WhenTrue);
                string? whenFalse = Vector(conditional.WhenFalse);
                return left is null || right is null || whenTrue is null || whenFalse is null
                    ? null
                    : "Vector.ConditionalSelect(Vector." + compare + "(" + left + ", " + right + "), " + whenTrue + ", " + whenFalse + ")";
            }

            case InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } call:
            {
                string? function = VectorFunction(call.Expression.ToString());
                string? argument = function is null ? null : Vector(call.ArgumentList.Arguments[0].Expression);
                return argument is null ? null : function + "(" + argument + ")";
            }

            default:
                return null;
        }
    }

    /// <summary>
    /// True when <paramref name="e"/> uses a unit-stride index as a number rather than to address a view: such a
    /// condition (e.g. <c>j &lt; n</c>) may guard a load that would fall outside the view in another lane.
    /// </summary>
    private bool ReadsIndexAsValue(ExpressionSyntax e) => e.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
        .Any(id => unitStride.Contains(id.Identifier.Text) && !id.Ancestors().TakeWhile(a => a != e).OfType<BracketedArgumentListSyntax>().Any());

    private static string? VectorFunction(string scalar)
    {
        if (scalar.StartsWith(Activations, System.StringComparison.Ordinal) && VectorActivations.Contains(scalar.Substring(Activations.Length)))
        {
            return HostVector + scalar.Substring(Activations.Length);
        }

        return scalar switch
        {
            "MathF.Sqrt" => HostVector + "Sqrt",
            KernelMath + "FlushTiny" => HostVector + "FlushTiny",
            _ => null,
        };
    }

    /// <summary>"invariant + unit-stride symbol": exactly one added term is the loop variable or an index that advances with it.</summary>
    private bool IsUnitStride(ExpressionSyntax index)
    {
        var terms = new List<(ExpressionSyntax Term, bool Positive)>();
        Flatten(index, true, terms);
        int strided = 0;
        foreach (var (term, positive) in terms)
        {
            if (term is IdentifierNameSyntax { Identifier.Text: var name } && unitStride.Contains(name))
            {
                if (!positive)
                {
                    return false;
                }

                strided++;
            }
            else if (!IsInvariant(term))
            {
                return false;
            }
        }

        return strided == 1;
    }

    private static void Flatten(ExpressionSyntax e, bool positive, List<(ExpressionSyntax, bool)> terms)
    {
        switch (e)
        {
            case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } add:
                Flatten(add.Left, positive, terms);
                Flatten(add.Right, positive, terms);
                break;
            case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.SubtractExpression } subtract:
                Flatten(subtract.Left, positive, terms);
                Flatten(subtract.Right, !positive, terms);
                break;
            case ParenthesizedExpressionSyntax p:
                Flatten(p.Expression, positive, terms);
                break;
            default:
                terms.Add((e, positive));
                break;
        }
    }

    /// <summary>An index as its symbolic terms (signed, whitespace-free text, sorted) plus the sum of its constant terms.</summary>
    private sealed class Index
    {
        private Index(string symbols, long constant)
        {
            Symbols = symbols;
            Constant = constant;
        }

        public string Symbols { get; }

        public long Constant { get; }

        public static Index Of(ExpressionSyntax index, IReadOnlyDictionary<string, long> constants)
        {
            var terms = new List<(ExpressionSyntax Term, bool Positive)>();
            Flatten(index, true, terms);
            var symbols = new List<string>();
            long constant = 0;
            foreach (var (term, positive) in terms)
            {
                if (IntegerConstants.Evaluate(term, constants) is { } value)
                {
                    constant += positive ? value : -value;
                }
                else
                {
                    symbols.Add((positive ? "+" : "-") + Key(term));
                }
            }

            symbols.Sort(System.StringComparer.Ordinal);
            return new Index(string.Join(" ", symbols), constant);
        }

        /// <summary>How far apart two indices are, or null when that depends on more than constants.</summary>
        public long? DistanceTo(Index other) => Symbols == other.Symbols ? Constant - other.Constant : null;
    }

    /// <summary>True when <paramref name="e"/> is the same in every lane: it reads no unit-stride index and no vector local.</summary>
    private bool IsInvariant(ExpressionSyntax e) => !e.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
        .Any(id => unitStride.Contains(id.Identifier.Text) || vectorLocals.Contains(id.Identifier.Text));

    /// <summary>Records the views an invariant expression reads (the same element in every lane).</summary>
    private void AddInvariantReads(ExpressionSyntax e)
    {
        foreach (var element in e.DescendantNodesAndSelf().OfType<ElementAccessExpressionSyntax>())
        {
            if (element.Expression is IdentifierNameSyntax { Identifier.Text: var view })
            {
                accesses.Add((view, null, false));
            }
        }
    }

    private static string Key(ExpressionSyntax index) => new string(index.ToString().Where(c => !char.IsWhiteSpace(c)).ToArray());
}
