using System;

namespace SeqDsl.Data;

/// <summary>
/// Argument checks shared by the data utilities, so every one reports a bad array the same way:
/// the argument's name, the expected and actual shape, and the first bad index.
/// </summary>
internal static class DataChecks
{
    internal static string Shape(Array array)
    {
        var dims = new string[array.Rank];
        for (int d = 0; d < array.Rank; d++)
        {
            dims[d] = array.GetLength(d).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", dims) + "]";
    }

    internal static void NotNull(object? value, string name)
    {
        if (value is null)
        {
            throw new ArgumentNullException(name);
        }
    }

    internal static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be 1 or more; got {value}.");
        }
    }

    internal static void NonEmpty(Array array, string name, string expected)
    {
        NotNull(array, name);
        if (array.Length == 0)
        {
            throw new ArgumentException($"{name} must not be empty: expected {expected}, got {Shape(array)}.", name);
        }
    }

    internal static void SameShape(Array expected, Array actual, string expectedName, string actualName)
    {
        NotNull(expected, expectedName);
        NotNull(actual, actualName);
        bool same = expected.Rank == actual.Rank;
        for (int d = 0; same && d < expected.Rank; d++)
        {
            same = expected.GetLength(d) == actual.GetLength(d);
        }

        if (!same)
        {
            throw new ArgumentException(
                $"{actualName} must have the shape of {expectedName}: expected {Shape(expected)}, got {Shape(actual)}.",
                actualName);
        }
    }
}
