using SeqDsl;
using static SeqDsl.Cell;

namespace SeqDsl.Kernels.Tests;

// Same padding only in models with vector outputs: in a sequence forecaster it sees the future (SEQ009).
// Convolution, pooling and WaveNet models compiled by the real generator. A TimeDistributed(Dense) in front of a
// window layer makes the layer's input gradient observable: it is what the Dense's weight gradients are made of.

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[Conv1D(4, 3, Strides = 2, Activation = Activation.Tanh)]
[TimeDistributed(Dense = 2)]
public partial class ConvValidStrideModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[Conv1D(4, 4, padding: Padding.Same, Strides = 3, Activation = Activation.Sigmoid)]
[GlobalAveragePooling1D]
[Dense(1)]
public partial class ConvSameStrideModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 2)]
[Conv1D(3, 2, dilation: 2, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(2, 3, dilation: 3, padding: Padding.Causal, UseBias = false)]
public partial class ConvCausalDilatedModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[Conv1D(3, 3, dilation: 2, padding: Padding.Same, Activation = Activation.Tanh)]
[Conv1D(2, 2, dilation: 2)]
[GlobalMaxPooling1D]
[Dense(2)]
public partial class ConvSameDilatedModel { }

[SequenceModel(InputFeatures = 3)]
[Conv1D(4, 3, padding: Padding.Same, Activation = Activation.Tanh)]
[GlobalAveragePooling1D]
[Dense(2)]
public partial class ConvFirstModel { }

[SequenceModel(InputFeatures = 2, Loss = Loss.Mae)]
[Conv1D(3, 2, Strides = 2)]
[TimeDistributed(Dense = 2)]
public partial class ConvFirstStrideModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[MaxPooling1D(3, Strides = 2, Padding = Padding.Same)]
[AveragePooling1D(2)]
[TimeDistributed(Dense = 2)]
public partial class PoolingModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[AveragePooling1D(3, Strides = 2, Padding = Padding.Same)]
[MaxPooling1D(2, Strides = 1)]
[TimeDistributed(Dense = 2)]
public partial class PoolingSameModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[GlobalMaxPooling1D]
[Dense(2)]
public partial class GlobalMaxModel { }

[SequenceModel(InputFeatures = 1)]
[MaxPooling1D(2)]
[GlobalAveragePooling1D]
[Dense(1)]
public partial class PoolingFirstModel { }

[SequenceModel(InputFeatures = 1)]
[WaveNet(3, LayersPerBlock = 2, Blocks = 1, Outputs = 2)]
public partial class SmallWaveNetModel { }

/// <summary>
/// 15 convolutions, dilations 1, 2, 4 repeated, with tanh (smooth, so finite differences are exact where ReLU kinks are
/// not): more layers than one model-wide kernel takes buffers (12), so the transposes (14) and the partial sums (15) each
/// run in two launches.
/// </summary>
[SequenceModel(InputFeatures = 1)]
[Conv1D(3, 2, dilation: 1, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(3, 2, dilation: 2, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(3, 2, dilation: 4, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(3, 2, dilation: 1, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(3, 2, dilation: 2, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(3, 2, dilation: 4, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(3, 2, dilation: 1, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(3, 2, dilation: 2, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(3, 2, dilation: 4, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(3, 2, dilation: 1, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(3, 2, dilation: 2, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(3, 2, dilation: 4, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(3, 2, dilation: 1, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(3, 2, dilation: 2, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(1, 1, padding: Padding.Causal)]
public partial class DeepConvStackModel { }

/// <summary>
/// Partial-sum blocks of four kernel rows that end short: 6 features (blocks of 4 and 2, then the bias row) and 5
/// features without a bias (blocks of 4 and 1).
/// </summary>
[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 6)]
[Conv1D(5, 2, dilation: 2, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(2, 3, padding: Padding.Causal, UseBias = false, Activation = Activation.Tanh)]
public partial class ConvRowBlocksModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 2)]
[WaveNet(3, Gated = true, LayersPerBlock = 2, Blocks = 2, Outputs = 2)]
public partial class GatedWaveNetModel { }

[SequenceModel(InputFeatures = 1)]
[WaveNet(4, Gated = true, LayersPerBlock = 3, Blocks = 1, KernelSize = 3)]
public partial class GatedWaveNetFirstModel { }

// The seed's models (Hands-On ML ch. 15).

/// <summary>Conv1D(20, 4, strides 2, valid) → GRU(20) → GRU(20) → TimeDistributed(Dense(10)): the seed's downsampling model.</summary>
[SequenceModel(InputFeatures = 1, LearningRate = 0.005)]
[Conv1D(20, 4, Strides = 2)]
[Recurrent(GRU, 20, ReturnSequences = true)]
[Recurrent(GRU, 20, ReturnSequences = true)]
[TimeDistributed(Dense = 10)]
public partial class ConvGruForecaster { }

/// <summary>The seed's simple WaveNet: causal Conv1D(20, 2, ReLU) with dilations 1, 2, 4, 8 twice, then Conv1D(10, 1).</summary>
[SequenceModel(InputFeatures = 1, LearningRate = 0.005)]
[WaveNet(20, Outputs = 10)]
public partial class SimpleWaveNetForecaster { }

/// <summary>The seed's original WaveNet, scaled as in its notebook: 3 layers per block, 1 block, 10 outputs (linear head for regression).</summary>
[SequenceModel(InputFeatures = 1, LearningRate = 0.005)]
[WaveNet(16, Gated = true, LayersPerBlock = 3, Blocks = 1, Outputs = 10)]
public partial class GatedWaveNetForecaster { }

// Conv1D as the last layer with a regression loss: its backward kernels compute the loss gradient from its output and
// the targets, which the host aligns to the convolution's output steps (strided: fewer steps than the input).

/// <summary>The seed's WaveNet shape in small: causal dilated Conv1D, then a Conv1D(…, 1) head, Huber loss.</summary>
[SequenceModel(InputFeatures = 2, Loss = Loss.Huber)]
[TimeDistributed(Dense = 3)]
[Conv1D(4, 2, dilation: 2, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(2, 1)]
public partial class ConvHeadHuberModel { }

/// <summary>
/// Filters that are not whole 8-float vectors: CPUs sum the partial weight gradients over 9 and 12 filters padded to 16
/// (guarded reads of the output gradient, and of the Huber head's targets), GPUs over the real filters; 3 input
/// features make one short block of rows.
/// </summary>
[SequenceModel(InputFeatures = 2, Loss = Loss.Huber)]
[TimeDistributed(Dense = 3)]
[Conv1D(9, 2, dilation: 2, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(12, 1)]
public partial class ConvPaddedFiltersModel { }

[SequenceModel(InputFeatures = 2, Loss = Loss.Huber)]
[TimeDistributed(Dense = 3)]
[Conv1D(2, 3, Strides = 2, Activation = Activation.Tanh)]
public partial class ConvLastStrideHuberModel { }

/// <summary>The only layer is both first and last: no input-gradient kernel, the weight gradients read the targets.</summary>
[SequenceModel(InputFeatures = 2)]
[Conv1D(3, 3, Strides = 2)]
public partial class ConvOnlyModel { }

/// <summary>
/// Conv1D after Conv1D with every element-wise activation folded into the next layer's input gradient (ActivationFolding
/// in the generator): strided 'same' and 'valid' windows (input steps no window reads get a zero gradient), dilation,
/// and ELU, sigmoid, softplus and ReLU derivatives computed from the stored outputs. One vector out ('same' padding
/// sees later steps, which SEQ009 refuses for a sequence output).
/// </summary>
[SequenceModel(InputFeatures = 2)]
[Conv1D(5, 3, padding: Padding.Same, Strides = 2, Activation = Activation.Elu)]
[Conv1D(4, 2, dilation: 2, padding: Padding.Causal, Activation = Activation.Sigmoid)]
[Conv1D(6, 2, Strides = 2, Activation = Activation.Softplus)]
[Conv1D(3, 1, Activation = Activation.ReLU)]
[Conv1D(2, 1)]
[GlobalAveragePooling1D]
[Dense(2)]
public partial class ConvFoldedActivationsModel { }
