using System;

namespace SeqDsl;

/// <summary>Keras <c>Dropout(rate)</c>: zeroes a fraction of its inputs during training (and in MC Dropout).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : Attribute
{
    /// <summary>Declares a dropout layer dropping <paramref name="rate"/> of its inputs.</summary>
    public DropoutAttribute(double rate) => Rate = rate;

    /// <summary>Fraction dropped, in [0, 1).</summary>
    public double Rate { get; }
}

/// <summary>Keras <c>BatchNormalization</c> over the features axis, with running statistics for inference.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNormalizationAttribute : Attribute
{
    /// <summary>Momentum of the running mean and variance.</summary>
    public double Momentum { get; set; } = 0.99;

    /// <summary>Added to the variance.</summary>
    public double Epsilon { get; set; } = 0.001;
}

/// <summary>Keras <c>LayerNormalization</c> over the features axis.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LayerNormalizationAttribute : Attribute
{
    /// <summary>Added to the variance.</summary>
    public double Epsilon { get; set; } = 0.001;
}
