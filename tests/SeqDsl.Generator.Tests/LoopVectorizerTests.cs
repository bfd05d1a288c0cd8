using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SeqDsl.Generator.Emit.Host;

namespace SeqDsl.Generator.Tests;

/// <summary>
/// Which kernel loops the host code runs a <c>Vector&lt;float&gt;</c> at a time, and what it writes for them. Loops
/// whose lanes depend on each other, or that may read a buffer another argument writes, must stay scalar; the kernel
/// tests check the numbers of the loops that are vectorized.
/// </summary>
public class LoopVectorizerTests
{
    private static readonly HashSet<string> FloatViews = new() { "a", "w", "src", "dst", "z", "y", "h" };
    private static readonly HashSet<string> Arguments = new() { "a", "w", "src", "dst", "rows" };

    /// <summary>
    /// The first (outermost) for-loop of <paramref name="body"/> in a kernel with float arguments <c>a</c>, <c>w</c>,
    /// <c>src</c> and <c>dst</c>, int argument <c>rows</c>, local arrays <c>z</c>, <c>y</c> and <c>h</c>, and its method.
    /// </summary>
    private static (ForStatementSyntax Loop, MethodDeclarationSyntax Method) Kernel(string body)
    {
        string source = "class K { static void M(ArrayView<float> a, ArrayView<float> w, ArrayView<float> src, ArrayView<float> dst, ArrayView<int> rows, int n) {\n" +
                        "const int Units = 20; const int Small = 4; const int Width = 4 * Units;\n" + body + "\n} }";
        var method = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single();
        return (method.DescendantNodes().OfType<ForStatementSyntax>().FirstOrDefault()!, method); // no loop: null
    }

    private static string? Vectorize(string body)
    {
        var (loop, method) = Kernel(body);
        return new LoopVectorizer(FloatViews, Arguments, IntegerConstants.Of(method)).TryVectorize(loop, "");
    }

    private static string? Interchange(string body)
    {
        var (loop, method) = Kernel(body);
        var names = new HashSet<string>(method.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
        return new LoopInterchange(FloatViews, Arguments, IntegerConstants.Of(method), names).TryInterchange(loop, "");
    }

    [Fact]
    public void A_multiply_add_over_contiguous_columns_runs_whole_vectors_then_the_remaining_columns()
    {
        string? vectorized = Vectorize("float hk = 2f; for (int g = 0; g < Width; g++) z[g] += hk * w[Units + g];");

        Assert.NotNull(vectorized);
        Assert.Contains("int g = 0;", vectorized);
        Assert.Contains("for (; g <= Width - Vector<float>.Count; g += Vector<float>.Count) z.Store(g, z.Load(g) + new Vector<float>(hk) * w.Load(Units + g));", vectorized);
        Assert.Contains("for (; g < Width; g++) z[g] += hk * w[Units + g];", vectorized);
    }

    [Fact]
    public void Float_locals_become_vectors_and_index_locals_stay_the_first_lanes_index()
    {
        string? vectorized = Vectorize("for (int j = 0; j < Units; j++) { long e = n * 100 + j; float i = a[e + Units]; z[j] = global::SeqDsl.Kernels.Activations.Tanh(i) * (1f - i); }");

        Assert.NotNull(vectorized);
        Assert.Contains("long e = n * 100 + j;", vectorized);
        Assert.Contains("Vector<float> i = a.Load(e + Units);", vectorized);
        Assert.Contains("z.Store(j, global::SeqDsl.Kernels.HostVector.Tanh(i) * (new Vector<float>(1f) - i));", vectorized);
    }

    [Fact]
    public void A_compound_assignment_keeps_its_right_side_together()
    {
        string? vectorized = Vectorize("for (int j = 0; j < Units; j++) z[j] -= src[j] + y[j];");

        Assert.NotNull(vectorized);
        Assert.Contains("z.Store(j, z.Load(j) - (src.Load(j) + y.Load(j)));", vectorized);
    }

    [Fact]
    public void A_conditional_on_a_loop_invariant_condition_is_vectorized()
    {
        string? vectorized = Vectorize("for (int j = 0; j < Units; j++) z[j] = n > 0 ? a[n * Units + j] : 0f;");

        Assert.NotNull(vectorized);
        Assert.Contains("z.Store(j, n > 0 ? a.Load(n * Units + j) : new Vector<float>(0f));", vectorized);
    }

    [Fact]
    public void A_condition_on_loaded_values_is_blended_lane_by_lane()
    {
        string? vectorized = Vectorize("float xc = 2f; for (int u = 0; u < Units; u++) z[u] += xc * a[n + u] * (w[n + u] > 0f ? 1f : 0f);");

        Assert.NotNull(vectorized);
        Assert.Contains("z.Store(u, z.Load(u) + new Vector<float>(xc) * a.Load(n + u) * (Vector.ConditionalSelect(Vector.GreaterThan(w.Load(n + u), new Vector<float>(0f)), new Vector<float>(1f), new Vector<float>(0f))));", vectorized);
    }

    [Fact]
    public void Writes_far_enough_apart_never_share_a_vector_and_are_vectorized()
    {
        // Units = 20 ≥ 16 lanes (the widest Vector<float>): z[j] and z[Units + j] of one vector never overlap.
        Assert.NotNull(Vectorize("for (int j = 0; j < Units; j++) { z[j] = a[j]; z[Units + j] = z[j] * 2f; }"));
    }

    [Fact]
    public void A_multiply_add_nest_accumulates_four_vectors_in_registers_then_one_then_the_remaining_columns()
    {
        string? nest = Interchange("for (int k = 0; k < Units; k++) { float hk = h[k]; for (int g = 0; g < Width; g++) z[g] += hk * w[k * Width + g]; }");

        Assert.NotNull(nest);
        Assert.Contains("for (; g <= Width - 4 * Vector<float>.Count; g += 4 * Vector<float>.Count)", nest);
        Assert.Contains("int g3 = g2 + Vector<float>.Count;", nest);
        Assert.Contains("Vector<float> zColumns3 = z.Load(g3);", nest);
        Assert.Contains("zColumns3 += new Vector<float>(hk) * w.Load(k * Width + g3);", nest);
        Assert.Contains("z.Store(g3, zColumns3);", nest);
        Assert.Contains("for (; g <= Width - Vector<float>.Count; g += Vector<float>.Count)", nest);
        Assert.Contains("for (; g < Width; g++)", nest);
        Assert.Contains("z[g] += hk * w[k * Width + g];", nest); // the remaining columns: the original nest, k innermost
    }

    [Theory]
    [InlineData("for (int k = 0; k < Units; k++) { float hk = h[k]; for (int g = 0; g < Width; g++) z[k + g] += hk * w[g]; }")] // the element moves with k
    [InlineData("for (int k = 0; k < Units; k++) { float hk = z[k]; for (int g = 0; g < Width; g++) z[g] += hk * w[g]; }")] // reads what it accumulates
    [InlineData("for (int k = 0; k < Units; k++) { for (int g = 0; g < Width; g++) z[g] += z[g + 1] * w[g]; }")] // likewise
    [InlineData("for (int k = 0; k < Units; k++) { for (int g = 0; g < k; g++) z[g] += w[g]; }")] // the range depends on k
    [InlineData("for (int k = 0; k < Units; k++) { for (int g = 0; g < Width; g++) dst[g] += src[k * Width + g]; }")] // two arguments can be one buffer
    [InlineData("for (int k = 0; k < Units; k++) { for (int g = 0; g < Width; g++) z[g] = w[k * Width + g]; }")] // not an accumulation
    [InlineData("for (int k = 0; k < Units; k++) { z[k] = 0f; for (int g = 0; g < Width; g++) z[g] += w[g]; }")] // more than declarations before it
    public void Nests_that_are_not_plain_accumulations_stay_as_they_are(string body) => Assert.Null(Interchange(body));

    [Theory]
    [InlineData("float sum = 0f; for (int g = 0; g < Units; g++) sum += z[g] * w[g];")] // a reduction: vectorizing would reorder the sum
    [InlineData("for (int g = 0; g < Units; g++) z[g] = z[g + 1] * 2f;")] // reads what a neighbouring lane writes
    [InlineData("for (int g = 0; g < Units; g++) z[g] = z[0] + a[g];")] // reads an element the loop writes
    [InlineData("for (int j = 0; j < Units; j++) { z[j] = a[j]; z[Small + j] = z[j] * 2f; }")] // 4 apart: inside one vector
    [InlineData("for (int j = 0; j < Units; j++) dst[j] = src[j];")] // two arguments can be one buffer
    [InlineData("for (int j = 0; j < Units; j++) dst[j] = src[0] * z[j];")] // likewise, read at one element
    [InlineData("for (int j = 0; j < Units; j++) z[j] = j < Small ? a[j] : 0f;")] // the condition differs per lane
    [InlineData("for (int j = 0; j < Units; j++) z[j] = rows[j];")] // an int view
    [InlineData("for (int j = 0; j < Units; j++) z[2 * j] = a[j];")] // stride 2
    [InlineData("for (int j = 0; j < Units; j++) z[j] = global::SeqDsl.Kernels.KernelMath.Log(a[j]);")] // no vector form
    [InlineData("for (int j = 0; j < Units; j++) { z[j] = a[j]; for (int k = 0; k < 2; k++) y[k] = 0f; }")] // not innermost
    [InlineData("for (int j = Units - 1; j >= 0; j--) z[j] = a[j];")] // counts down
    public void Loops_whose_lanes_are_not_independent_stay_scalar(string body) => Assert.Null(Vectorize(body));

    private static string Separated(string body) => MultiplyAdds.Separate(Kernel(body).Method).Body!.ToString();

    private const string MultiplyAdd = "global::SeqDsl.Kernels.KernelMath.MultiplyAdd";

    [Fact]
    public void Host_code_writes_a_multiply_add_accumulation_as_the_multiply_and_add_its_body_runs()
    {
        // x = MultiplyAdd(a, b, x) is x = a * b + x on .NET: the same bits as x += a * b (a float add is commutative).
        string separated = Separated("for (int u = 0; u < Units; u++) z[u] = " + MultiplyAdd + "(a[u], w[u + n], z[u]); // fma");
        Assert.Contains("for (int u = 0; u < Units; u++) z[u] += a[u] * w[u + n]; // fma", separated);

        // Sums and other targets keep their grouping.
        separated = Separated("float s = 1f; z[0] = " + MultiplyAdd + "(s + 1f, a[0] - 2f, y[0]);");
        Assert.Contains("z[0] = ((s + 1f) * (a[0] - 2f) + y[0]);", separated);

        // Written out, the accumulation is vectorized as any other.
        var (_, method) = Kernel("for (int u = 0; u < Units; u++) z[u] = " + MultiplyAdd + "(a[u], w[u + n], z[u]);");
        var separatedMethod = MultiplyAdds.Separate(method);
        string? vectorized = new LoopVectorizer(FloatViews, Arguments, IntegerConstants.Of(separatedMethod))
            .TryVectorize(separatedMethod.DescendantNodes().OfType<ForStatementSyntax>().First(), "");
        Assert.NotNull(vectorized);
        Assert.Contains("z.Store(u, z.Load(u) + a.Load(u) * w.Load(u + n));", vectorized);
    }

    [Fact]
    public void A_multiply_add_nested_in_another_is_refused_with_the_kernels_name() =>
        Assert.Contains("nests multiply-add calls", Assert.Throws<InvalidOperationException>(() =>
            Separated("z[0] = " + MultiplyAdd + "(" + MultiplyAdd + "(a[0], a[1], a[2]), w[0], z[0]);")).Message);

    private static string? Unpad(string body)
    {
        var (loop, method) = Kernel(body);
        return PaddedLoop.Unpad(loop, IntegerConstants.Of(method))?.ToString();
    }

    [Fact]
    public void A_loop_padded_to_whole_vectors_runs_to_its_real_width_on_the_host_and_is_vectorized()
    {
        // Conv1D's partial sums on CPUs: u runs over the padded width, the padding's gradient 0.
        string body = "const int Padded = 24; float x0 = 2f; long r = n * Units;\n" +
                      "for (int u = 0; u < Padded; u++)\n{\n" +
                      "    float e = u < Units ? a[r + u] - w[r + u] : 0f;\n" +
                      "    float d = u < Units ? e * a[r + u] : 0f; // gradient\n" +
                      "    z[u] += x0 * d;\n    h[Padded + u] += (d * 2f);\n    y[u] += d;\n}";
        string? unpadded = Unpad(body);

        Assert.NotNull(unpadded);
        Assert.StartsWith("for (int u = 0; u < Units; u++)", unpadded);
        Assert.Contains("float e = a[r + u] - w[r + u];", unpadded);
        Assert.Contains("float d = e * a[r + u]; // gradient", unpadded);
        Assert.DoesNotContain("?", unpadded);

        var (loop, method) = Kernel(body);
        string? vectorized = new LoopVectorizer(FloatViews, Arguments, IntegerConstants.Of(method)).TryVectorize(PaddedLoop.Unpad(loop, IntegerConstants.Of(method))!, "");
        Assert.NotNull(vectorized);
        Assert.Contains("for (; u <= Units - Vector<float>.Count; u += Vector<float>.Count)", vectorized);
        Assert.Contains("for (; u < Units; u++)", vectorized);
    }

    [Theory]
    [InlineData("for (int u = 0; u < 24; u++) { float d = u < Units ? a[u] : 1f; z[u] += d; }")] // the padding's value is not 0
    [InlineData("for (int u = 0; u < 24; u++) { float d = u < Units ? a[u] : 0f; z[u] = d; }")] // an assignment: the padding writes
    [InlineData("for (int u = 0; u < 24; u++) { float d = u < Units ? a[u] : 0f; z[u] += d + 1f; }")] // adds 1 in the padding
    [InlineData("for (int u = 0; u < 24; u++) { float d = u < Units ? a[u] : 0f; float e = u < Small ? a[u] : 0f; z[u] += d * e; }")] // two widths
    [InlineData("for (int u = 0; u < 24; u++) { float d = n < Units ? a[u] : 0f; z[u] += d; }")] // not guarded by the loop variable
    [InlineData("for (int u = 0; u < 24; u++) { float d = u < Units ? a[u] : 0f; }")] // nothing accumulated
    [InlineData("for (int u = 0; u < 24; u++) z[u] += a[u];")] // no guard
    [InlineData("for (int u = 0; u < Small; u++) { float d = u < Units ? a[u] : 0f; z[u] += d; }")] // the guard's width is past the loop's end
    [InlineData("for (int u = 0; u < n; u++) { float d = u < Units ? a[u] : 0f; z[u] += d; }")] // an end that is not a constant
    [InlineData("for (int u = 0; u < 24; u++) { float d = u < n ? a[u] : 0f; z[u] += d; }")] // a width that is not a constant
    [InlineData("for (int u = 0; u < 24; u++) { float d = u < Units ? a[u] : 0f; z[0] += h[u] * d; }")] // adds to a real column: NaN · 0 is NaN
    [InlineData("for (int u = 4; u < 24; u++) { float d = u < Units ? a[u] : 0f; z[u] += d; }")] // does not start at 0
    public void Loops_that_are_not_plain_padded_accumulations_keep_their_width(string body) => Assert.Null(Unpad(body));
}
