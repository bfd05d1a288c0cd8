namespace SeqDsl.Kernels.Tests;

/// <summary>
/// The comparison behind <see cref="HostCodeTests"/> and the GPU check (eng/DeviceCheck) can fail: it sees a wrong
/// value, a NaN where a number belongs, a length mismatch, and a gradient that is zero everywhere.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class DeviceComparisonTests
{
    private readonly SeqDevice cpu;

    public DeviceComparisonTests(CpuDeviceFixture fixture) => cpu = fixture.Device;

    [Fact]
    public void Equal_arrays_differ_by_nothing_and_a_changed_value_is_measured()
    {
        float[] expected = { 3f, 4f };
        Assert.Equal(0, DeviceComparison.Measure("x", expected, new[] { 3f, 4f }).Relative);
        var changed = DeviceComparison.Measure("x", expected, new[] { 3f, 4.5f });
        Assert.Equal(0.1, changed.Relative, 6); // |0.5| / ‖(3, 4)‖ = 0.5 / 5
        Assert.Null(changed.Problem);
    }

    [Fact]
    public void A_NaN_or_a_missing_value_is_a_problem_whatever_the_tolerance()
    {
        var nan = DeviceComparison.Measure("gradient of dense/kernel", new[] { 1f, 2f }, new[] { 1f, float.NaN });
        Assert.Equal(double.PositiveInfinity, nan.Relative);
        Assert.Contains("[1]", nan.Problem, StringComparison.Ordinal);
        var shorter = DeviceComparison.Measure("predictions", new[] { 1f, 2f }, new[] { 1f });
        Assert.Contains("2 values vs 1", shorter.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_runs_of_one_device_agree_and_a_different_seed_fails_the_comparison()
    {
        var model = typeof(LstmSequenceModel);
        var same = DeviceComparison.Compare(model, cpu, cpu);
        Assert.Null(same.Failure(1e-6));
        Assert.Equal(0, same.Worst);

        // A reference that starts from other weights: every compared quantity moves.
        var other = DeviceComparison.Compare(model, cpu, cpu, (reference, _) => reference.SetWeights(reference.GetWeights().Select(w => w * 0.5f + 0.01f).ToArray()));
        string? failure = other.Failure(1e-4);
        Assert.NotNull(failure);
        Assert.StartsWith(nameof(LstmSequenceModel), failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_whose_gradients_are_all_zero_proves_nothing()
    {
        var result = new DeviceComparison.Result("M", Array.Empty<DeviceComparison.Difference>(), 0.5, 0.5, AnyNonZeroGradient: false);
        Assert.Contains("zero", result.Failure(1e-4), StringComparison.Ordinal);
    }
}
