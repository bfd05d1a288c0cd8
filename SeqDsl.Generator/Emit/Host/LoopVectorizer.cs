using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SeqDsl.Generator.Emit.Host;

/// <summary>
/// Turns an innermost kernel loop over contiguous columns, such as
/// <c>for (int g = 0; g &lt; GateWidth; g++) z[g] += hk * parameters[RecurrentKernel + k * GateWidth + g];</c>,
/// into a loop over whole <c>Vector&lt;float&gt;</c>s followed by the original loop for the remaining columns.
/// The .NET JIT does not vectorize loops itself; this is what PoCL's compiler does to the same kernels.
/// </summary>
/// <remarks>
/// <para>
/// A loop qualifies when every lane computes what the scalar loop computes for its column, in the same order:
/// its body assigns float view elements indexed "something + the loop variable" (unit stride) or declares float
/// locals (one vector each) and index locals that are themselves "something + the loop variable" (kept scalar: the
/// first lane's value); its expressions are +, −, ×, ÷, parentheses, the activations of <c>Activations</c> and
/// <c>MathF.Sqrt</c>, conditionals on loop-invariant conditions, and conditionals on comparisons of loaded values
/// (blended lane by lane); everything else it reads is loop-invariant and broadcast. Reductions into a scalar, loops that read a written view at another index, and loops that write one
/// kernel argument while reading another (two arguments can be one buffer) stay scalar.
/// </para>
/// <para>
/// Nothing is reassociated: each lane accumulates in the scalar loop's order, so results differ from the scalar
/// kernel only where the vector exponential differs from <c>MathF.Exp</c> in the last bits.
/// </para>
/// </remarks>
internal sealed class LoopVectorizer
{
    private const string VectorType = "Vector<float>";
    private const string Activations = "global::SeqDsl.Kernels.Activations.";
    private const string HostVector = "global::SeqDsl.Kernels.HostVector.";

    private static readonly HashSet<string> VectorActivations = new() { "Sigmoid", "Tanh", "Relu", "Exp", "Abs" };

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
    private const int MaxLanes = 16;

    private readonly ISet<string> floatViews;
    private readonly ISet<string> arguments;
    private readonly IReadOnlyDictionary<string, long> constants;

    /// <param name="floatViews">Names of the kernel's float views: its float arguments and its local arrays.</param>
    /// <param name="arguments">Names of the kernel's view arguments (buffers that may be one and the same).</param>
    /// <param name="constants">The kernel's integer constants, to tell how far apart two indices are.</param>
    public LoopVectorizer(ISet<string> floatViews, ISet<string> arguments, IReadOnlyDictionary<string, long> constants)
    {
        this.floatViews = floatViews;
        this.arguments = arguments;
        this.constants = constants;
    }

    /// <summary>
    /// The vectorized replacement of <paramref name="loop"/>, its lines after the first indented by
    /// <paramref name="indent"/>, or null when the loop does not qualify.
    /// </summary>
    public string? TryVectorize(ForStatementSyntax loop, string indent)
    {
        var header = Header.Read(loop);
        if (header is null)
        {
            return null;
        }

        var analysis = new LoopBody(header.Variable, floatViews, arguments, constants);
        var statements = loop.Statement is BlockSyntax block ? block.Statements.ToList() : new List<StatementSyntax> { loop.Statement };
        var vectorLines = new List<string>();
        foreach (var statement in statements)
        {
            string? line = analysis.Translate(statement);
            if (line is null)
            {
                return null;
            }

            vectorLines.Add(line);
        }

        if (!analysis.IndependentLanes())
        {
            return null;
        }

        const string Step = VectorType + ".Count";
        string v = header.Variable;
        var text = new StringBuilder();
        text.Append("{\n");
        text.Append(indent).Append("    int ").Append(v).Append(" = ").Append(header.Start).Append(";\n");
        string vectorHeader = "for (; " + v + " <= " + header.End + " - " + Step + "; " + v + " += " + Step + ")";
        if (vectorLines.Count == 1 && loop.Statement is not BlockSyntax)
        {
            text.Append(indent).Append("    ").Append(vectorHeader).Append(' ').Append(vectorLines[0]).Append('\n');
        }
        else
        {
            text.Append(indent).Append("    ").Append(vectorHeader).Append('\n');
            text.Append(indent).Append("    {\n");
            foreach (var line in vectorLines)
            {
                text.Append(indent).Append("        ").Append(line).Append('\n');
            }

            text.Append(indent).Append("    }\n");
        }

        // The remaining columns, one at a time: the original body.
        string body = Reindent(loop.Statement.ToString(), "    ");
        text.Append(indent).Append("    for (; ").Append(v).Append(" < ").Append(header.End).Append("; ").Append(v).Append("++)");
        text.Append(loop.Statement is BlockSyntax ? "\n" + indent + "    " : " ").Append(body).Append('\n');
        text.Append(indent).Append('}');
        return text.ToString();
    }

    private static string Reindent(string text, string extra) => text.Replace("\n", "\n" + extra);

    /// <summary>The loop's <c>for (int v = Start; v &lt; End; v++)</c>.</summary>
    private sealed class Header
    {
        private Header(string variable, string start, string end)
        {
            Variable = variable;
            Start = start;
            End = end;
        }

        public string Variable { get; }

        public string Start { get; }

        public string End { get; }

        public static Header? Read(ForStatementSyntax loop)
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
            return new Header(v, start.Value.ToString(), end);
        }

        private static bool IsIncrement(ExpressionSyntax e, string v) => e switch
        {
            PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression, Operand: IdentifierNameSyntax id } => id.Identifier.Text == v,
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression, Operand: IdentifierNameSyntax id } => id.Identifier.Text == v,
            _ => false,
        };
    }

    private static bool Mentions(SyntaxNode node, string name) =>
        node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(id => id.Identifier.Text == name);

    /// <summary>The body's statements translated one by one, and every view access they make.</summary>
    private sealed class LoopBody
    {
        private readonly ISet<string> floatViews;
        private readonly ISet<string> arguments;
        private readonly IReadOnlyDictionary<string, long> constants;

        /// <summary>The loop variable and the index locals that advance with it, one column per lane.</summary>
        private readonly HashSet<string> unitStride = new();

        /// <summary>Float locals declared in the body: one vector each.</summary>
        private readonly HashSet<string> vectorLocals = new();

        /// <summary>Every view access: the index as its symbolic terms plus a constant (null: the same element in every lane).</summary>
        private readonly List<(string View, Index? Index, bool Write)> accesses = new();

        public LoopBody(string variable, ISet<string> floatViews, ISet<string> arguments, IReadOnlyDictionary<string, long> constants)
        {
            unitStride.Add(variable);
            this.floatViews = floatViews;
            this.arguments = arguments;
            this.constants = constants;
        }

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

            return scalar == "MathF.Sqrt" ? HostVector + "Sqrt" : null;
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
}
