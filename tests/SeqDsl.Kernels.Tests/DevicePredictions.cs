using System.Runtime.CompilerServices;
using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Keeps every prediction of this assembly's models on their device's kernels: these tests compare the kernels of
/// PoCL and the CPU accelerator, and a small prediction on PoCL would otherwise run as host code
/// (<see cref="ModelBase.SmallPredictionsOnHost"/>) and test that instead. <see cref="SmallPredictionsTests"/> turns it
/// back on for its own models.
/// </summary>
internal static class DevicePredictions
{
    [ModuleInitializer]
    internal static void KeepPredictionsOnTheDevice() =>
        Environment.SetEnvironmentVariable(ModelBase.SmallPredictionsEnvironmentVariable, "device");
}
