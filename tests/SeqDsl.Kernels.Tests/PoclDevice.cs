namespace SeqDsl.Kernels.Tests;

/// <summary>
/// PoCL for the tests that run the same kernels on it and on the CPU accelerator. CI installs PoCL, so these tests
/// fail without it; only <c>SEQDSL_REQUIRE_POCL=0</c> (a developer machine without PoCL) lets them print why and return.
/// </summary>
internal static class PoclDevice
{
    /// <summary>PoCL's device, or null (after printing why) when it is unavailable and SEQDSL_REQUIRE_POCL is 0.</summary>
    public static SeqDevice? OpenOrExplain()
    {
        try
        {
            return SeqDevice.PoCL();
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("SEQDSL_REQUIRE_POCL") == "0")
        {
            Console.WriteLine("PoCL unavailable: " + e.Message);
            return null;
        }
    }
}
