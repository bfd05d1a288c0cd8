using System;

namespace SeqDsl.Engine;

/// <summary>
/// Fills a model's flat parameter vector on the host from its <see cref="ParameterInfo"/> list, tensor by tensor in
/// buffer order, drawing from the model's seeded generator. Follows Keras's default initializers.
/// </summary>
internal static class WeightInitializer
{
    public static float[] Initialize(ModelDescription description, SeededRandom random)
    {
        var weights = new float[description.ParameterCount];
        foreach (var parameter in description.Parameters)
        {
            Fill(weights.AsSpan(parameter.Offset, parameter.Length), parameter, random);
        }

        return weights;
    }

    public static void Fill(Span<float> target, ParameterInfo parameter, SeededRandom random)
    {
        switch (parameter.Init)
        {
            case ParameterInit.GlorotUniform:
                double limit = Math.Sqrt(6.0 / Math.Max(1, parameter.FanIn + parameter.FanOut));
                FillUniform(target, -limit, limit, random);
                break;
            case ParameterInit.SmallUniform:
                FillUniform(target, -0.05, 0.05, random);
                break;
            case ParameterInit.Zeros:
                target.Clear();
                break;
            case ParameterInit.Ones:
                target.Fill(1f);
                break;
            case ParameterInit.LstmForgetBias:
                FillForgetBias(target, parameter.Rows, parameter.Cols);
                break;
            case ParameterInit.Orthogonal:
                FillOrthogonal(target, parameter.Rows, parameter.Cols, random);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(parameter), parameter.Init, $"Unknown initializer {parameter.Init} for {parameter.Layer}/{parameter.Name}.");
        }
    }

    private static void FillUniform(Span<float> target, double low, double high, SeededRandom random)
    {
        for (int i = 0; i < target.Length; i++)
        {
            target[i] = (float)random.NextUniform(low, high);
        }
    }

    /// <summary>Zeros with ones in the forget gate's block [units, 2·units) of every row (Keras gate order i, f, c, o).</summary>
    private static void FillForgetBias(Span<float> target, int rows, int cols)
    {
        if (cols % 4 != 0)
        {
            throw new ArgumentException($"An LSTM bias needs 4·units columns, got {cols}.", nameof(cols));
        }

        target.Clear();
        int units = cols / 4;
        for (int r = 0; r < rows; r++)
        {
            target.Slice(r * cols + units, units).Fill(1f);
        }
    }

    /// <summary>
    /// Keras's Orthogonal: a normal (max × min) matrix, its QR with Q's columns signed so that diag(R) &gt; 0 (modified
    /// Gram–Schmidt yields exactly that Q), transposed when rows &lt; cols. The result has orthonormal rows when
    /// rows ≤ cols and orthonormal columns otherwise. Computed in double.
    /// </summary>
    private static void FillOrthogonal(Span<float> target, int rows, int cols, SeededRandom random)
    {
        int tall = Math.Max(rows, cols);
        int wide = Math.Min(rows, cols);
        var a = new double[tall, wide];
        for (int i = 0; i < tall; i++)
        {
            for (int j = 0; j < wide; j++)
            {
                a[i, j] = random.NextGaussian();
            }
        }

        OrthonormalizeColumns(a, tall, wide);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                target[r * cols + c] = (float)(rows < cols ? a[c, r] : a[r, c]);
            }
        }
    }

    /// <summary>Modified Gram–Schmidt, run twice per column so rounding leaves the columns orthonormal to ~1e-15.</summary>
    private static void OrthonormalizeColumns(double[,] a, int rows, int cols)
    {
        for (int j = 0; j < cols; j++)
        {
            for (int pass = 0; pass < 2; pass++)
            {
                for (int k = 0; k < j; k++)
                {
                    double dot = 0;
                    for (int i = 0; i < rows; i++)
                    {
                        dot += a[i, k] * a[i, j];
                    }

                    for (int i = 0; i < rows; i++)
                    {
                        a[i, j] -= dot * a[i, k];
                    }
                }
            }

            double norm = 0;
            for (int i = 0; i < rows; i++)
            {
                norm += a[i, j] * a[i, j];
            }

            norm = Math.Sqrt(norm);
            for (int i = 0; i < rows; i++)
            {
                a[i, j] /= norm;
            }
        }
    }
}
