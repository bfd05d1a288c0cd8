namespace SeqDsl.Kernels.Tests;

/// <summary>One ILGPU CPU accelerator shared by the tests of a collection (creating one costs about a second).</summary>
public sealed class CpuDeviceFixture : IDisposable
{
    public SeqDevice Device { get; } = SeqDevice.Cpu();

    public void Dispose() => Device.Dispose();
}

[CollectionDefinition(Name)]
public sealed class CpuDeviceCollection : ICollectionFixture<CpuDeviceFixture>
{
    public const string Name = "CPU accelerator";
}
