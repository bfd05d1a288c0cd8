using System;
using System.Collections.Generic;
using System.Globalization;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Shapes;

/// <summary>
/// Walks the layers in order, giving each its output shape and its parameter tensors at consecutive
/// offsets of the flat parameter buffer. Adds a finding and returns false at the first layer that cannot
/// take its input.
/// </summary>
internal sealed class PlanBuilder
{
    private readonly ModelSpec model;
    private readonly List<Finding> findings;
    private readonly LayerNames.Counter names = new();
    private readonly List<string> stepTrace = new();
    private long offset;

    public PlanBuilder(ModelSpec model, List<Finding> findings)
    {
        this.model = model;
        this.findings = findings;
        if (model.InputSteps > 0)
        {
            stepTrace.Add("input: " + model.InputSteps.ToString(CultureInfo.InvariantCulture));
        }
    }

    public List<LayerPlan> Plans { get; } = new();

    private LayerPlan? Previous => Plans.Count == 0 ? null : Plans[Plans.Count - 1];

    public bool Add(LayerSpec layer, ref TensorShape current)
    {
        if (layer.Kind == LayerKind.WaveNet && !layer.Gated)
        {
            return AddSimpleWaveNet(layer, ref current);
        }

        var output = OutputShape(layer, current);
        if (output is null)
        {
            return false;
        }

        var tensors = Tensors(layer, current, output);
        if (tensors is null)
        {
            return false;
        }

        Plans.Add(new LayerPlan
        {
            Index = Plans.Count,
            Spec = layer,
            Name = names.Next(LayerNames.BaseName(layer)),
            Title = LayerNames.Title(layer),
            KerasType = LayerNames.KerasType(layer),
            Input = current,
            Output = output,
            Parameters = tensors.ToEquatableArray(),
        });
        current = output;
        return true;
    }

    /// <summary>The seed's simple WaveNet: causal Conv1D(k, ReLU) with dilations 1, 2, 4, … per block, then an optional 1×1 head.</summary>
    private bool AddSimpleWaveNet(LayerSpec wave, ref TensorShape current)
    {
        for (int block = 0; block < wave.Blocks; block++)
        {
            for (int i = 0; i < wave.LayersPerBlock; i++)
            {
                var conv = wave with
                {
                    Kind = LayerKind.Conv1D,
                    KernelSize = wave.KernelSize,
                    Dilation = 1 << i,
                    Strides = 1,
                    Padding = (int)PaddingKind.Causal,
                    Activation = wave.Activation == (int)ActivationKind.Default ? (int)ActivationKind.ReLU : wave.Activation,
                };
                if (!Add(conv, ref current))
                {
                    return false;
                }
            }
        }

        return wave.Outputs <= 0 || Add(
            wave with { Kind = LayerKind.Conv1D, Units = wave.Outputs, KernelSize = 1, Dilation = 1, Strides = 1, Padding = (int)PaddingKind.Causal, Activation = (int)ActivationKind.Linear },
            ref current);
    }

    private TensorShape? OutputShape(LayerSpec layer, TensorShape input)
    {
        int f = input.Features;
        switch (layer.Kind)
        {
            case LayerKind.Recurrent:
            case LayerKind.Bidirectional:
                if (!NeedSequence(layer, input))
                {
                    return null;
                }

                int units = layer.Kind == LayerKind.Bidirectional && layer.MergeMode == (int)MergeModeKind.Concat ? 2 * layer.Units : layer.Units;
                return layer.ReturnSequences ? TensorShape.Sequence(input.Steps, units) : TensorShape.Vector(units);
            case LayerKind.Dense:
                return input with { Features = layer.Units };
            case LayerKind.TimeDistributed:
                if (!input.IsSequence)
                {
                    if (Previous is { } p && IsRecurrentWithoutSequences(p))
                    {
                        return MissingReturnSequences(layer, input);
                    }

                    findings.Add(new Finding(DiagnosticIds.InvalidTimeDistributed, FindingSeverity.Error,
                        $"TimeDistributed(Dense({layer.Units})) needs a sequence [batch, steps, features], but its input is {input}; use Dense for a vector input",
                        layer.Location, layer.Index));
                    return null;
                }

                return input with { Features = layer.Units };
            case LayerKind.Flatten:
                if (!NeedSequence(layer, input))
                {
                    return null;
                }

                if (!input.HasFixedSteps)
                {
                    findings.Add(new Finding(DiagnosticIds.NeedsFixedSteps, FindingSeverity.Error,
                        $"Flatten turns {input} into one vector, so it needs a fixed number of steps; set InputSteps on [SequenceModel] (e.g. InputSteps = 50)",
                        layer.Location, layer.Index));
                    return null;
                }

                long flattened = (long)input.Steps * f;
                if (flattened > ShapeInference.MaxSize)
                {
                    // Reported, not thrown: steps × features can exceed an int while typing InputSteps.
                    findings.Add(ShapeInference.OutOfRange(layer.Location, "InputSteps",
                        $"Flatten turns {input} into {flattened:N0} features, more than the {ShapeInference.MaxSize:N0} a layer accepts; shorten InputSteps or pool the sequence first",
                        layer.Index));
                    return null;
                }

                return TensorShape.Vector((int)flattened);
            case LayerKind.RepeatVector:
                if (input.IsSequence)
                {
                    findings.Add(new Finding(DiagnosticIds.NeedsVector, FindingSeverity.Error,
                        $"RepeatVector({layer.Units}) repeats a vector [batch, features], but its input is the sequence {input}; end the previous recurrent layer with ReturnSequences = false",
                        layer.Location, layer.Index));
                    return null;
                }

                return TensorShape.Sequence(layer.Units, f);
            case LayerKind.Embedding:
                if (layer.Index != 0)
                {
                    findings.Add(new Finding(DiagnosticIds.OutputDoesNotFitLoss, FindingSeverity.Error,
                        $"Embedding({layer.InputDim}, {layer.Units}) must be the first layer: it reads token ids from the model's input",
                        layer.Location, layer.Index));
                    return null;
                }

                if (model.InputFeatures != 1)
                {
                    findings.Add(new Finding(DiagnosticIds.OutputDoesNotFitLoss, FindingSeverity.Error,
                        $"Embedding({layer.InputDim}, {layer.Units}) reads one token id per step, so the model needs InputFeatures = 1, but it has {model.InputFeatures}",
                        model.LocationOf("InputFeatures"), layer.Index, "InputFeatures"));
                    return null;
                }

                return TensorShape.Sequence(input.Steps, layer.Units);
            case LayerKind.Dropout:
            case LayerKind.BatchNormalization:
            case LayerKind.LayerNormalization:
                return input;
            case LayerKind.Conv1D:
            case LayerKind.MaxPooling1D:
            case LayerKind.AveragePooling1D:
                if (!NeedSequence(layer, input))
                {
                    return null;
                }

                int outFeatures = layer.Kind == LayerKind.Conv1D ? layer.Units : f;
                if (!input.HasFixedSteps)
                {
                    return TensorShape.Sequence(0, outFeatures);
                }

                long steps = ShapeInference.WindowOutputSteps(input.Steps, layer.KernelSize, layer.Strides, layer.Kind == LayerKind.Conv1D ? layer.Dilation : 1, (PaddingKind)layer.Padding);
                stepTrace.Add(LayerNames.BaseName(layer) + ": " + steps.ToString(CultureInfo.InvariantCulture));
                if (steps <= 0)
                {
                    findings.Add(new Finding(DiagnosticIds.SequenceTooShort, FindingSeverity.Error,
                        $"{LayerNames.Title(layer)} shrinks the sequence to {steps} steps (steps after each layer: {string.Join(", ", stepTrace)}); use Padding.Same or Padding.Causal, a smaller kernel, stride or dilation, or a longer InputSteps",
                        layer.Location, layer.Index));
                    return null;
                }

                return TensorShape.Sequence((int)steps, outFeatures);
            case LayerKind.WaveNet:
                if (!NeedSequence(layer, input))
                {
                    return null;
                }

                return input with { Features = layer.Outputs > 0 ? layer.Outputs : layer.Units };
            case LayerKind.GlobalAveragePooling1D:
            case LayerKind.GlobalMaxPooling1D:
                return NeedSequence(layer, input) ? TensorShape.Vector(f) : null;
            default:
                return input;
        }
    }

    private List<ParameterTensor>? Tensors(LayerSpec layer, TensorShape input, TensorShape output)
    {
        var list = new List<ParameterTensor>();
        int f = input.Features;

        void Add(string name, long rows, long cols, InitKind init, bool trainable = true)
        {
            // Checked per tensor: summed over a whole layer the long offset itself can wrap past 2^63.
            if (rows > int.MaxValue || cols > int.MaxValue || rows * cols > int.MaxValue - offset)
            {
                throw new OverflowException();
            }

            list.Add(new ParameterTensor(name, (int)offset, (int)rows, (int)cols, init, trainable));
            offset += rows * cols;
        }

        long start = offset;
        try
        {
            switch (layer.Kind)
            {
                case LayerKind.Recurrent:
                    AddCell(layer, f, "", Add);
                    break;
                case LayerKind.Bidirectional:
                    AddCell(layer, f, "forward_", Add);
                    AddCell(layer, f, "backward_", Add);
                    break;
                case LayerKind.Dense:
                case LayerKind.TimeDistributed:
                    Add("kernel", f, layer.Units, InitKind.GlorotUniform);
                    if (layer.UseBias)
                    {
                        Add("bias", 1, layer.Units, InitKind.Zeros);
                    }

                    break;
                case LayerKind.Embedding:
                    Add("embeddings", layer.InputDim, layer.Units, InitKind.SmallUniform);
                    break;
                case LayerKind.BatchNormalization:
                    Add("gamma", 1, f, InitKind.Ones);
                    Add("beta", 1, f, InitKind.Zeros);
                    Add("moving_mean", 1, f, InitKind.Zeros, trainable: false);
                    Add("moving_variance", 1, f, InitKind.Ones, trainable: false);
                    break;
                case LayerKind.LayerNormalization:
                    Add("gamma", 1, f, InitKind.Ones);
                    Add("beta", 1, f, InitKind.Zeros);
                    break;
                case LayerKind.Conv1D:
                    // Keras stores [kernelSize, inFeatures, filters]; flattened here as rows = tap·inFeatures + feature.
                    Add("kernel", (long)layer.KernelSize * f, layer.Units, InitKind.GlorotUniform);
                    if (layer.UseBias)
                    {
                        Add("bias", 1, layer.Units, InitKind.Zeros);
                    }

                    break;
                case LayerKind.WaveNet:
                    AddGatedWaveNet(layer, f, Add);
                    break;
            }

            if (offset > int.MaxValue)
            {
                throw new OverflowException();
            }
        }
        catch (OverflowException)
        {
            offset = start;
            findings.Add(ShapeInference.OutOfRange(layer.LocationOf("units"), "units",
                $"{LayerNames.Title(layer)} on {input} makes the model exceed {int.MaxValue:N0} parameters", layer.Index));
            return null;
        }

        return list;
    }

    /// <summary>Keras's cell weights: kernel [in, G·units], recurrent_kernel [units, G·units], bias, plus the options' tensors.</summary>
    private static void AddCell(LayerSpec layer, int inputFeatures, string prefix, Action<string, long, long, InitKind, bool> add)
    {
        long u = layer.Units;
        int gates = layer.Cell switch
        {
            (int)CellKind.LSTM => 4,
            (int)CellKind.GRU => 3,
            _ => 1,
        };

        add(prefix + "kernel", inputFeatures, gates * u, InitKind.GlorotUniform, true);
        add(prefix + "recurrent_kernel", u, gates * u, InitKind.Orthogonal, true);
        if (layer.UseBias)
        {
            if (layer.Cell == (int)CellKind.GRU && layer.ResetAfter)
            {
                // reset_after = True: separate input and recurrent biases, Keras shape [2, 3·units].
                add(prefix + "bias", 2, gates * u, InitKind.Zeros, true);
            }
            else
            {
                add(prefix + "bias", 1, gates * u, layer.Cell == (int)CellKind.LSTM && layer.UnitForgetBias ? InitKind.LstmForgetBias : InitKind.Zeros, true);
            }
        }

        if (layer.Cell == (int)CellKind.LSTM && layer.Peepholes)
        {
            add(prefix + "input_gate_peephole", 1, u, InitKind.GlorotUniform, true);
            add(prefix + "forget_gate_peephole", 1, u, InitKind.GlorotUniform, true);
            add(prefix + "output_gate_peephole", 1, u, InitKind.GlorotUniform, true);
        }

        if (layer.LayerNorm)
        {
            // One LayerNormalization over the cell's G·units pre-activations (the seed's LNSimpleRNNCell for G = 1).
            add(prefix + "layer_norm_gamma", 1, gates * u, InitKind.Ones, true);
            add(prefix + "layer_norm_beta", 1, gates * u, InitKind.Zeros, true);
        }
    }

    /// <summary>The original WaveNet (seed 004): input conv, residual blocks with gated units, summed skips, ReLU 1×1 convs.</summary>
    private static void AddGatedWaveNet(LayerSpec wave, int inputFeatures, Action<string, long, long, InitKind, bool> add)
    {
        long filters = wave.Units;
        add("input_conv_kernel", (long)wave.KernelSize * inputFeatures, filters, InitKind.GlorotUniform, true);
        add("input_conv_bias", 1, filters, InitKind.Zeros, true);
        for (int block = 0; block < wave.Blocks; block++)
        {
            for (int i = 0; i < wave.LayersPerBlock; i++)
            {
                string n = "block" + block.ToString(CultureInfo.InvariantCulture) + "_layer" + i.ToString(CultureInfo.InvariantCulture) + "_";
                add(n + "dilated_kernel", wave.KernelSize * filters, 2 * filters, InitKind.GlorotUniform, true);
                add(n + "dilated_bias", 1, 2 * filters, InitKind.Zeros, true);
                add(n + "residual_kernel", filters, filters, InitKind.GlorotUniform, true);
                add(n + "residual_bias", 1, filters, InitKind.Zeros, true);
            }
        }

        add("post_kernel", filters, filters, InitKind.GlorotUniform, true);
        add("post_bias", 1, filters, InitKind.Zeros, true);
        if (wave.Outputs > 0)
        {
            add("head_kernel", filters, wave.Outputs, InitKind.GlorotUniform, true);
            add("head_bias", 1, wave.Outputs, InitKind.Zeros, true);
        }
    }

    private bool NeedSequence(LayerSpec layer, TensorShape input)
    {
        if (input.IsSequence)
        {
            return true;
        }

        if (Previous is { } p && IsRecurrentWithoutSequences(p))
        {
            MissingReturnSequences(layer, input);
            return false;
        }

        findings.Add(new Finding(DiagnosticIds.NeedsSequence, FindingSeverity.Error,
            $"{LayerNames.Title(layer)} needs a sequence [batch, steps, features], but {(Previous is { } q ? q.Title + " outputs" : "its input is")} {input}",
            layer.Location, layer.Index));
        return false;
    }

    private TensorShape? MissingReturnSequences(LayerSpec layer, TensorShape input)
    {
        var previous = Previous!;
        findings.Add(new Finding(DiagnosticIds.MissingReturnSequences, FindingSeverity.Error,
            $"{previous.Title} outputs {input} but the next {LayerNames.Title(layer)} needs [batch, steps, features]; set ReturnSequences = true on {previous.Title}",
            previous.Spec.Location, previous.Spec.Index));
        return null;
    }

    private static bool IsRecurrentWithoutSequences(LayerPlan plan) =>
        plan.Spec.Kind is LayerKind.Recurrent or LayerKind.Bidirectional && !plan.Spec.ReturnSequences;
}
