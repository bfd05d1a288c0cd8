namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>One ILGPU CPU accelerator for every engine test: creating a context costs ~0.2 s and kernels compile once per accelerator.</summary>
public sealed class CpuDeviceFixture : IDisposable
{
    public SeqDevice Device { get; } = SeqDevice.Cpu();

    public void Dispose() => Device.Dispose();
}

/// <summary>Engine tests share the accelerator, so they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<CpuDeviceFixture>
{
    public const string Name = "Engine (CPU accelerator)";
}
