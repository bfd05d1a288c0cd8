using System.Text;

namespace SeqDsl.Generator.Emit;

/// <summary>Turns Keras-style snake_case names into C# identifiers.</summary>
internal static class Naming
{
    /// <summary><c>lstm_1</c> + <c>recurrent_kernel</c> → <c>Lstm1RecurrentKernel</c>.</summary>
    public static string Pascal(params string[] parts)
    {
        var b = new StringBuilder();
        foreach (var part in parts)
        {
            bool upper = true;
            foreach (char c in part)
            {
                if (c == '_' || c == ' ')
                {
                    upper = true;
                    continue;
                }

                b.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
        }

        return b.ToString();
    }
}
