using ILGPU.Runtime.CPU;
using SeqDsl.Engine;

namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>
/// Kernel loads collect their compilation's garbage once a thread has allocated <see cref="CompileGarbage.Budget"/>
/// bytes since the last such collection, and not before (the no-GC region: <see cref="CompileGarbageNoGcRegionTests"/>).
/// </summary>
public sealed class CompileGarbageTests
{
    [Fact]
    public void A_young_collection_comes_once_the_thread_has_allocated_the_budget_and_not_before()
    {
        var settle = new byte[CompileGarbage.Budget];
        GC.KeepAlive(settle);
        CompileGarbage.CollectIfDue(); // collects now, so the budget starts here
        int collections = CompileGarbage.CollectionsOnThisThread;

        CompileGarbage.CollectIfDue();
        Assert.Equal(collections, CompileGarbage.CollectionsOnThisThread); // next to nothing allocated since

        int youngCollections = GC.CollectionCount(1);
        var garbage = new byte[CompileGarbage.Budget];
        GC.KeepAlive(garbage);
        CompileGarbage.CollectIfDue();
        Assert.Equal(collections + 1, CompileGarbage.CollectionsOnThisThread);
        Assert.True(GC.CollectionCount(1) > youngCollections, "no generation-1 collection ran");

        CompileGarbage.CollectIfDue();
        Assert.Equal(collections + 1, CompileGarbage.CollectionsOnThisThread); // the budget starts again after a collection
    }

    [Fact]
    public void Loading_the_optimizer_kernels_on_a_new_accelerator_collects_their_compilation_garbage()
    {
        // ILGPU's CPU accelerator compiles the four optimizer kernels to IL on this thread: megabytes of garbage.
        using var context = ILGPU.Context.Create(b => b.CPU());
        using var accelerator = context.CreateCPUAccelerator(0);
        var settle = new byte[CompileGarbage.Budget];
        GC.KeepAlive(settle);
        CompileGarbage.CollectIfDue(); // collects now, so the budget starts here
        int collections = CompileGarbage.CollectionsOnThisThread;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        SeqDsl.Training.OptimizerKernels.For(accelerator);
        long compiled = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.True(compiled >= CompileGarbage.Budget, $"compiling allocated only {compiled} bytes: the test needs more than the budget");
        Assert.True(CompileGarbage.CollectionsOnThisThread > collections, "loading the kernels made no collection");
    }
}

/// <summary>Tests that a process-wide no-GC region must not share with tests that allocate on other threads.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NoGcRegionCollection
{
    public const string Name = "No-GC region, alone";
}

/// <summary>
/// No collection inside an application's no-GC region: an induced collection would end it, and the application's
/// <see cref="GC.EndNoGCRegion"/> would then throw. The region is process-wide, so this runs alone: allocations of tests
/// running beside it would use up the region's budget and end it themselves.
/// </summary>
[Collection(NoGcRegionCollection.Name)]
public sealed class CompileGarbageNoGcRegionTests
{
    [Fact]
    public void No_collection_ends_an_applications_no_GC_region()
    {
        var settle = new byte[CompileGarbage.Budget];
        GC.KeepAlive(settle);
        Assert.True(GC.TryStartNoGCRegion(16L << 20), "the runtime refused a no-GC region of 16 MB");
        try
        {
            var garbage = new byte[CompileGarbage.Budget];
            GC.KeepAlive(garbage);
            int collections = CompileGarbage.CollectionsOnThisThread;
            CompileGarbage.CollectIfDue();
            Assert.Equal(collections, CompileGarbage.CollectionsOnThisThread);
            Assert.Equal(System.Runtime.GCLatencyMode.NoGCRegion, System.Runtime.GCSettings.LatencyMode);
        }
        finally
        {
            GC.EndNoGCRegion(); // throws if a collection ended the region
        }
    }
}
