using SeqDsl;

namespace SeqDsl.Runtime.Tests.Devices;

/// <summary>
/// Shares one ILGPU CPU accelerator and one PoCL accelerator across the device tests: creating them costs
/// 0.2–1.5 s each (PoCL builds a test kernel), and ILGPU contexts hold threads.
/// </summary>
/// <remarks>
/// PoCL is required: CI installs it (pocl-opencl-icd, ocl-icd-opencl-dev), so a missing PoCL is a failure with the
/// reason, not a skip. Set SEQDSL_REQUIRE_POCL=0 to run on a machine without it; tests that need PoCL then pass
/// without checking anything on PoCL.
/// </remarks>
public sealed class DeviceFixture : IDisposable
{
    public const string RequirePoclVariable = "SEQDSL_REQUIRE_POCL";

    private readonly Exception? poclFailure;

    public DeviceFixture()
    {
        Cpu = SeqDevice.Cpu();
        try
        {
            PoCL = SeqDevice.PoCL();
        }
        catch (SeqDeviceUnavailableException error)
        {
            poclFailure = error;
        }
    }

    public SeqDevice Cpu { get; }

    /// <summary>The PoCL device, or null when it is missing (see <see cref="RequirePoCL"/>).</summary>
    public SeqDevice? PoCL { get; }

    public static bool PoclRequired => Environment.GetEnvironmentVariable(RequirePoclVariable) != "0";

    /// <summary>
    /// The PoCL device. Fails the test when PoCL is missing, unless SEQDSL_REQUIRE_POCL=0, in which case it
    /// returns null and the caller returns early.
    /// </summary>
    public SeqDevice? RequirePoCL()
    {
        if (PoCL is not null || !PoclRequired)
            return PoCL;
        throw new InvalidOperationException(
            $"This test needs PoCL (the OpenCL CPU device; apt packages pocl-opencl-icd and ocl-icd-opencl-dev), " +
            $"but SeqDevice.PoCL() failed: {poclFailure?.Message}\nSet {RequirePoclVariable}=0 to run without PoCL.",
            poclFailure);
    }

    public void Dispose()
    {
        PoCL?.Dispose();
        Cpu.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DeviceCollection : ICollectionFixture<DeviceFixture>
{
    public const string Name = "ILGPU devices";
}
