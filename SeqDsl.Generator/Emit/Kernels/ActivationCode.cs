using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// C# expressions for activations inside kernels. Derivatives are written in terms of the activation's
/// OUTPUT y, so the backward pass needs only what the forward pass stored.
/// The functions live in SeqDsl.Runtime's <c>SeqDsl.Kernels.Activations</c>.
/// </summary>
internal static class ActivationCode
{
    private const string Functions = "global::SeqDsl.Kernels.Activations";

    /// <summary>Resolves <see cref="ActivationKind.Default"/> to <paramref name="fallback"/>.</summary>
    public static ActivationKind Resolve(int activation, ActivationKind fallback) =>
        activation == (int)ActivationKind.Default ? fallback : (ActivationKind)activation;

    public static string Apply(ActivationKind kind, string x) => kind switch
    {
        ActivationKind.Linear => x,
        ActivationKind.Tanh => Functions + ".Tanh(" + x + ")",
        ActivationKind.Sigmoid => Functions + ".Sigmoid(" + x + ")",
        ActivationKind.ReLU => Functions + ".Relu(" + x + ")",
        ActivationKind.Elu => Functions + ".Elu(" + x + ")",
        ActivationKind.Softplus => Functions + ".Softplus(" + x + ")",
        _ => throw new System.NotSupportedException("activation " + kind + " is applied per row, not per element"),
    };

    /// <summary>
    /// A recurrent layer's gate activation (its recurrent activation): <see cref="Apply"/>, except that the sigmoid is
    /// <c>GateSigmoid</c>, accurate absolutely rather than relatively and, except on CUDA, without an exponential (see
    /// the Runtime's Activations.GateSigmoid). Its derivative is the sigmoid's, <see cref="DerivativeFromOutput"/>.
    /// </summary>
    public static string ApplyToGate(ActivationKind kind, string x) =>
        kind == ActivationKind.Sigmoid ? Functions + ".GateSigmoid(" + x + ")" : Apply(kind, x);

    /// <summary>dy/dx written with the output y.</summary>
    public static string DerivativeFromOutput(ActivationKind kind, string y) => kind switch
    {
        ActivationKind.Linear => "1f",
        ActivationKind.Tanh => "(1f - " + y + " * " + y + ")",
        ActivationKind.Sigmoid => "(" + y + " * (1f - " + y + "))",
        ActivationKind.ReLU => "(" + y + " > 0f ? 1f : 0f)",
        ActivationKind.Elu => "(" + y + " > 0f ? 1f : " + y + " + 1f)",
        ActivationKind.Softplus => "(1f - " + Functions + ".Exp(-" + y + "))",
        _ => throw new System.NotSupportedException("activation " + kind + " has no element-wise derivative"),
    };
}
