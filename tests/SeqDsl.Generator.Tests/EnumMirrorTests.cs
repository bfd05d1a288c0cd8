using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Tests;

/// <summary>The generator's enum mirrors must match the runtime's public enums name for name and value for value.</summary>
public class EnumMirrorTests
{
    [Theory]
    [InlineData(typeof(SeqDsl.Cell), typeof(CellKind))]
    [InlineData(typeof(SeqDsl.Activation), typeof(ActivationKind))]
    [InlineData(typeof(SeqDsl.Padding), typeof(PaddingKind))]
    [InlineData(typeof(SeqDsl.Loss), typeof(LossKind))]
    [InlineData(typeof(SeqDsl.Optimizer), typeof(OptimizerKind))]
    [InlineData(typeof(SeqDsl.MergeMode), typeof(MergeModeKind))]
    public void Mirrors_match(Type runtime, Type mirror)
    {
        var a = Enum.GetValues(runtime).Cast<object>().Select(v => (Enum.GetName(runtime, v), Convert.ToInt32(v)));
        var b = Enum.GetValues(mirror).Cast<object>().Select(v => (Enum.GetName(mirror, v), Convert.ToInt32(v)));
        Assert.Equal(a, b);
    }
}
