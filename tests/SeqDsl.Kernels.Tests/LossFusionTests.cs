using System.Reflection;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Issue 4: the regression loss gradient fuses into the last layer's backward kernels. A fused model's generated
/// program has no loss-gradient buffer and its loss kernel writes none (it only reports the loss); a model whose last layer does not fuse (a gated WaveNet) keeps the buffer. The gradients themselves are
/// checked against finite differences in <see cref="CellNumericsTests"/> and <see cref="ConvNumericsTests"/>.
/// </summary>
public class LossFusionTests
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;

    public static TheoryData<Type, bool> Models => new()
    {
        { typeof(BidirectionalLastConcatSequenceModel), true },
        { typeof(BidirectionalLastAverageModel), true },
        { typeof(BidirectionalLastSumSequenceModel), true },
        { typeof(BidirectionalLastMultiplyModel), true },
        { typeof(BidirectionalLastMultiplySequenceModel), true },
        { typeof(ConvHeadHuberModel), true },
        { typeof(ConvLastStrideHuberModel), true },
        { typeof(ConvOnlyModel), true },
        { typeof(ConvCausalDilatedModel), true },
        { typeof(RecurrentLastModel), true },
        { typeof(SmallWaveNetModel), true }, // the plain WaveNet is planned as Conv1D layers: its head is a Conv1D
        { typeof(GatedWaveNetModel), false },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Only_an_unfused_last_layer_gets_a_loss_gradient_buffer(Type model, bool fused)
    {
        var program = model.GetNestedType("Program", BindingFlags.NonPublic)
            ?? throw new InvalidOperationException(model.Name + " has no generated Program class");
        Assert.Equal(!fused, program.GetField("lossGradient", Private) is not null);

        // The loss kernel's float views: predictions, targets, the sample loss and metric, and the gradient only when unfused.
        var loss = program.GetField("computeLoss", Private)!.FieldType.GetGenericArguments();
        Assert.Equal(fused ? 4 : 5, loss.Count(t => t == typeof(ILGPU.ArrayView<float>)));
    }
}
