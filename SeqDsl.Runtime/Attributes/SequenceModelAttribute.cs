using System;

namespace SeqDsl;

/// <summary>
/// Marks a <c>partial class</c> as a sequence model. The layer attributes stacked on the same class,
/// in source order, declare the layers; the SeqDsl source generator writes the rest of the class.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SequenceModelAttribute : Attribute
{
    /// <summary>Features per time step of the input (Keras <c>input_shape=[None, InputFeatures]</c>). Required.</summary>
    public int InputFeatures { get; set; }

    /// <summary>A fixed number of input steps, or 0 (the default) for any length. Flatten needs it.</summary>
    public int InputSteps { get; set; }

    /// <summary>A fixed batch size, or 0 (the default) for any. Stateful recurrent layers need it.</summary>
    public int BatchSize { get; set; }

    /// <summary>The training loss. Defaults to <see cref="SeqDsl.Loss.Mse"/>.</summary>
    public Loss Loss { get; set; } = Loss.Mse;

    /// <summary>The default optimizer of <c>Fit</c>. Defaults to Adam.</summary>
    public Optimizer Optimizer { get; set; } = Optimizer.Adam;

    /// <summary>The default learning rate of <c>Fit</c> (Keras's default for Adam, 0.001).</summary>
    public double LearningRate { get; set; } = 0.001;
}
