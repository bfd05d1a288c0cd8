namespace SeqDsl.Generator.Shapes;

/// <summary>
/// The shape of one sample flowing between layers: <c>[batch, steps, features]</c> for a sequence,
/// <c>[batch, features]</c> otherwise. <see cref="Steps"/> is 0 when the number of steps is only known at run time.
/// </summary>
internal sealed record TensorShape(bool IsSequence, int Steps, int Features)
{
    public static TensorShape Sequence(int steps, int features) => new(true, steps, features);

    public static TensorShape Vector(int features) => new(false, 0, features);

    public bool HasFixedSteps => IsSequence && Steps > 0;

    /// <summary>As in diagnostics: <c>[batch, steps, 20]</c>, <c>[batch, 50, 20]</c> or <c>[batch, 20]</c>.</summary>
    public override string ToString() => IsSequence
        ? "[batch, " + (Steps > 0 ? Steps.ToString(System.Globalization.CultureInfo.InvariantCulture) : "steps") + ", " + Features.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]"
        : "[batch, " + Features.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";

    /// <summary>As Keras prints it in a summary: <c>(None, None, 20)</c> or <c>(None, 20)</c>.</summary>
    public string ToKerasString() => IsSequence
        ? "(None, " + (Steps > 0 ? Steps.ToString(System.Globalization.CultureInfo.InvariantCulture) : "None") + ", " + Features.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")"
        : "(None, " + Features.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
}
