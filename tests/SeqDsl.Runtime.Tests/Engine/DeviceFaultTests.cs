using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using SeqDsl.Engine;

namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>
/// Out of device memory during Predict: the failures ILGPU's accelerators really raise are recognized, the chunk is
/// halved until it fits, and anything else (or a single sample that does not fit) is passed on unchanged.
/// Faults are injected through the test program's <see cref="LastStepDenseProgram.ReserveFault"/> seam.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class DeviceFaultTests(CpuDeviceFixture fixture)
{
    private static readonly double[,] W = { { 2.0, -1.0 }, { 0.5, 1.5 }, { -0.75, 0.25 } };
    private static readonly double[] B = { 0.5, -0.3 };

    /// <summary>The exception ILGPU itself throws for an OpenCL status code.</summary>
    private static CLException OpenCLFailure(CLError error) => Assert.IsType<CLException>(Record.Exception(() => CLException.ThrowIfFailed(error)));

    /// <summary>
    /// The exception ILGPU itself throws for a CUDA status code. Its constructor asks the driver for the error's text,
    /// so without a CUDA driver (NotSupportedException) the same object is built without its constructor, with the
    /// <see cref="CudaException.Error"/> the constructor would have set: the enum member's name.
    /// </summary>
    private static CudaException CudaFailure(CudaError error)
    {
        var thrown = Record.Exception(() => CudaException.ThrowIfFailed(error));
        if (thrown is CudaException cuda)
        {
            return cuda;
        }

        Assert.IsType<NotSupportedException>(thrown);
        var built = (CudaException)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(CudaException));
        var errorField = typeof(CudaException).GetField("<Error>k__BackingField", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);
        Assert.NotNull(errorField);
        errorField.SetValue(built, error.ToString());
        return built;
    }

    [Fact]
    public void OutOfMemory_IsRecognizedForEveryAcceleratorsOwnException()
    {
        Assert.True(ModelBase.IsOutOfMemory(OpenCLFailure(CLError.CL_MEM_OBJECT_ALLOCATION_FAILURE)));
        Assert.True(ModelBase.IsOutOfMemory(OpenCLFailure(CLError.CL_OUT_OF_RESOURCES)));
        Assert.True(ModelBase.IsOutOfMemory(OpenCLFailure(CLError.CL_OUT_OF_HOST_MEMORY)));
        Assert.True(ModelBase.IsOutOfMemory(CudaFailure(CudaError.CUDA_ERROR_OUT_OF_MEMORY)));
        Assert.True(ModelBase.IsOutOfMemory(new OutOfMemoryException())); // the CPU accelerator's allocations

        Assert.False(ModelBase.IsOutOfMemory(OpenCLFailure(CLError.CL_INVALID_KERNEL_ARGS)));
        Assert.False(ModelBase.IsOutOfMemory(CudaFailure(CudaError.CUDA_ERROR_INVALID_VALUE)));
        Assert.False(ModelBase.IsOutOfMemory(new InvalidOperationException("out of memory? no: another failure")));
    }

    [Fact]
    public void OpenCLAllocationFailure_OnALargePredict_FallsBackToSmallerChunks()
    {
        var (x, _) = LinearData.Make(40, 3, W, B, seed: 71);
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        var expected = model.Predict(x, batchSize: 64);
        var program = model.CreatedProgram!;
        program.ReserveFault = batch => batch > 10 ? OpenCLFailure(CLError.CL_MEM_OBJECT_ALLOCATION_FAILURE) : null;
        program.ForwardBatches.Clear();

        var predicted = model.Predict(x, batchSize: 40);

        Assert.Equal(expected, predicted);
        Assert.Equal(new[] { 10, 10, 10, 10 }, program.ForwardBatches); // 40 and 20 did not fit
    }

    [Fact]
    public void OtherDeviceErrors_AreNotMistakenForOutOfMemory()
    {
        var (x, _) = LinearData.Make(16, 3, W, B, seed: 72);
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        var expected = model.Predict(x);
        var program = model.CreatedProgram!;
        program.ReserveFault = _ => OpenCLFailure(CLError.CL_INVALID_KERNEL_ARGS);
        program.ForwardBatches.Clear();

        var error = Assert.Throws<CLException>(() => model.Predict(x, batchSize: 16));

        Assert.Equal(CLError.CL_INVALID_KERNEL_ARGS, error.Error);
        Assert.Empty(program.ForwardBatches); // no retry with smaller chunks
        program.ReserveFault = null;
        Assert.Equal(expected, model.Predict(x));
    }

    [Fact]
    public void WhenNotEvenOneSampleFits_TheOutOfMemoryErrorIsPassedOn_AndTheModelStaysUsable()
    {
        var (x, _) = LinearData.Make(8, 3, W, B, seed: 73);
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        var expected = model.Predict(x);
        var weights = model.GetWeights();
        var program = model.CreatedProgram!;
        int attempts = 0;
        program.ReserveFault = _ =>
        {
            attempts++;
            return CudaFailure(CudaError.CUDA_ERROR_OUT_OF_MEMORY);
        };

        var error = Assert.Throws<CudaException>(() => model.Predict(x, batchSize: 8));

        Assert.Contains("OUT_OF_MEMORY", error.Error);
        Assert.Equal(4, attempts); // 8, 4, 2, 1 samples, then it gives up
        program.ReserveFault = null;
        Assert.Equal(weights, model.GetWeights());
        Assert.Equal(expected, model.Predict(x));
    }
}
