using System;

namespace SeqDsl;

/// <summary>
/// Keras <c>Conv1D</c>: <c>[Conv1D(filters: 20, kernelSize: 2, dilation: 4, Padding.Causal)]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv1DAttribute : Attribute
{
    /// <summary>Declares a 1-D convolution.</summary>
    /// <param name="filters">Output features.</param>
    /// <param name="kernelSize">Taps of the kernel.</param>
    /// <param name="dilation">Spacing between taps (Keras <c>dilation_rate</c>).</param>
    /// <param name="padding">Valid, Same or Causal.</param>
    public Conv1DAttribute(int filters, int kernelSize, int dilation = 1, Padding padding = Padding.Valid)
    {
        Filters = filters;
        KernelSize = kernelSize;
        Dilation = dilation;
        Padding = padding;
    }

    /// <summary>Output features.</summary>
    public int Filters { get; }

    /// <summary>Taps of the kernel.</summary>
    public int KernelSize { get; }

    /// <summary>Spacing between taps.</summary>
    public int Dilation { get; }

    /// <summary>Valid, Same or Causal.</summary>
    public Padding Padding { get; }

    /// <summary>Step between output positions.</summary>
    public int Strides { get; set; } = 1;

    /// <summary>The activation; linear by default.</summary>
    public Activation Activation { get; set; }

    /// <summary>Whether the layer has a bias.</summary>
    public bool UseBias { get; set; } = true;
}

/// <summary>
/// A WaveNet stack expanded by the generator.
/// Simple form (<see cref="Gated"/> = false): causal Conv1D(kernelSize 2, ReLU) layers with dilations 1, 2, 4, … repeated
/// <see cref="Blocks"/> times. Gated form: causal input conv, residual blocks of dilated causal conv → tanh·σ gate → 1×1 conv,
/// residual add and summed skip outputs, then ReLU, 1×1 conv, ReLU. Both end with a 1×1 conv head of <see cref="Outputs"/> filters when it is &gt; 0.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class WaveNetAttribute : Attribute
{
    /// <summary>Declares a WaveNet stack with <paramref name="filters"/> channels.</summary>
    public WaveNetAttribute(int filters) => Filters = filters;

    /// <summary>Channels of every dilated layer.</summary>
    public int Filters { get; }

    /// <summary>Dilated layers per block; dilations are 1, 2, 4, …, 2^(LayersPerBlock−1).</summary>
    public int LayersPerBlock { get; set; } = 4;

    /// <summary>Number of blocks (the dilation cycle is repeated this many times).</summary>
    public int Blocks { get; set; } = 2;

    /// <summary>Taps of each dilated convolution.</summary>
    public int KernelSize { get; set; } = 2;

    /// <summary>Use gated activation units with residual and skip connections (the original WaveNet).</summary>
    public bool Gated { get; set; }

    /// <summary>Filters of the final 1×1 convolution head, or 0 for none.</summary>
    public int Outputs { get; set; }
}

/// <summary>Keras <c>MaxPooling1D</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPooling1DAttribute : Attribute
{
    /// <summary>Declares max pooling over windows of <paramref name="poolSize"/> steps.</summary>
    public MaxPooling1DAttribute(int poolSize = 2) => PoolSize = poolSize;

    /// <summary>Window length.</summary>
    public int PoolSize { get; }

    /// <summary>Step between windows; 0 means <see cref="PoolSize"/>.</summary>
    public int Strides { get; set; }

    /// <summary>Valid or Same.</summary>
    public Padding Padding { get; set; }
}

/// <summary>Keras <c>AveragePooling1D</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AveragePooling1DAttribute : Attribute
{
    /// <summary>Declares average pooling over windows of <paramref name="poolSize"/> steps.</summary>
    public AveragePooling1DAttribute(int poolSize = 2) => PoolSize = poolSize;

    /// <summary>Window length.</summary>
    public int PoolSize { get; }

    /// <summary>Step between windows; 0 means <see cref="PoolSize"/>.</summary>
    public int Strides { get; set; }

    /// <summary>Valid or Same.</summary>
    public Padding Padding { get; set; }
}

/// <summary>Keras <c>GlobalAveragePooling1D</c>: [batch, steps, features] → [batch, features].</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAveragePooling1DAttribute : Attribute
{
}

/// <summary>Keras <c>GlobalMaxPooling1D</c>: [batch, steps, features] → [batch, features].</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalMaxPooling1DAttribute : Attribute
{
}
