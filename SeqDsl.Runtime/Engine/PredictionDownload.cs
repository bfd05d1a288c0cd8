using System;
using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;

namespace SeqDsl.Engine;

/// <summary>
/// Copies a chunk's predictions from the device into the array <c>Predict</c> returns. On CUDA a large download goes
/// through a page-locked staging buffer, in slices of at most <see cref="StagingFloats"/>, then into the destination
/// with a plain memory copy; the driver's copy into pageable memory (a fresh managed array, whose pages the copy touches
/// first) is the slower path. Measured on H100s (eng/DeviceCheck's Predict breakdown, W1's 2,000 series, 4 MB): straight
/// into a fresh array 0.8–3.5 ms depending on the machine; into page-locked memory 0.08 ms, then into a fresh array
/// 0.7–1.2 ms; the whole Predict 3.1–3.7 → 1.4–2.6 ms (benchmarks/results/2026-11-27-h100-predict-download.txt).
/// Everywhere else nothing is staged: on PoCL and the CPU accelerator device memory is host memory, and OpenCL GPUs
/// have not been measured. Downloads of at most <see cref="DefaultDirectFloats"/> (a batch-1 prediction) go straight
/// into the destination on every device.
/// </summary>
/// <remarks>
/// If page-locked memory cannot be had (the driver refuses to register more, or the device cannot map host memory),
/// the download falls back to the direct copy for the rest of this object's life: the predictions are the same bits
/// either way.
/// </remarks>
internal sealed class PredictionDownload : IDisposable
{
    /// <summary>The staging buffer's largest size in floats (4 MB): larger downloads are copied in slices of this size.</summary>
    internal const int DefaultStagingFloats = 1 << 20;

    /// <summary>Downloads of at most this many floats (64 KB, e.g. a batch-1 prediction) go straight into the destination.</summary>
    internal const int DefaultDirectFloats = 1 << 14;

    private readonly Accelerator accelerator;
    private readonly int directFloats;
    private readonly Func<int, PageLockedArray1D<float>> allocateStaging;
    private PageLockedArray1D<float>? staging;

    /// <param name="accelerator">The device the predictions are on.</param>
    /// <param name="staged">Whether large downloads go through page-locked memory (<see cref="StagesOn"/>; tests force it).</param>
    /// <param name="stagingFloats">The staging buffer's largest size in floats.</param>
    /// <param name="directFloats">The largest download copied straight into the destination.</param>
    /// <param name="allocateStaging">Allocates the staging buffer (tests inject a failing one); by default the accelerator's page-locked memory.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stagingFloats"/> is below 1.</exception>
    public PredictionDownload(Accelerator accelerator, bool staged, int stagingFloats = DefaultStagingFloats, int directFloats = DefaultDirectFloats, Func<int, PageLockedArray1D<float>>? allocateStaging = null)
    {
        if (stagingFloats < 1)
            throw new ArgumentOutOfRangeException(nameof(stagingFloats), stagingFloats, "stagingFloats must be at least 1.");
        this.accelerator = accelerator;
        Staged = staged;
        StagingFloats = stagingFloats;
        this.directFloats = directFloats;
        this.allocateStaging = allocateStaging ?? (floats => accelerator.AllocatePageLocked1D<float>(floats));
    }

    /// <summary>Whether downloads above the direct size go through the page-locked staging buffer (false after a failed allocation).</summary>
    public bool Staged { get; private set; }

    /// <summary>The staging buffer's largest size in floats, the largest slice one staged copy moves.</summary>
    public int StagingFloats { get; }

    /// <summary>The staging buffer's current size in floats (0 before the first staged download).</summary>
    internal long StagingLength => staging?.Length ?? 0;

    /// <summary>Whether downloads from <paramref name="accelerator"/> are staged: on CUDA, whose copies into pageable memory are the slow part.</summary>
    public static bool StagesOn(Accelerator accelerator) => accelerator.AcceleratorType == AcceleratorType.Cuda;

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/>; returns when the copy is done.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public void Copy(ArrayView<float> source, Span<float> destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"The predictions on the device hold {source.Length} values, but their destination holds {destination.Length}.", nameof(destination));
        if (!Staged || destination.Length <= directFloats || !TryEnsureStaging(Math.Min(StagingFloats, destination.Length)))
        {
            source.CopyToCPU(destination); // the span overload pins the destination for the copy
            return;
        }

        var stream = accelerator.DefaultStream;
        int slice = (int)staging!.Length;
        for (int offset = 0; offset < destination.Length;)
        {
            int count = Math.Min(slice, destination.Length - offset);
            source.SubView(offset, count).CopyTo(stream, staging.ArrayView.SubView(0, count));
            stream.Synchronize();
            staging.Span[..count].CopyTo(destination.Slice(offset, count));
            offset += count; // never past destination.Length, so no int overflow
        }
    }

    /// <summary>
    /// Makes the staging buffer hold at least <paramref name="floats"/> (it grows up to <see cref="StagingFloats"/>, so a
    /// download just above the direct size pins no more than it needs); false, and no more staging, if it cannot.
    /// </summary>
    private bool TryEnsureStaging(int floats)
    {
        if (staging is not null && staging.Length >= floats)
            return true;
        staging?.Dispose();
        staging = null;
        try
        {
            staging = allocateStaging(floats);
            return true;
        }
        catch (Exception e) // any failure: staging only saves time, and the direct copy is always there
        {
            Trace.TraceWarning($"SeqDsl: page-locked memory for Predict's downloads could not be had ({e.GetType().Name}: {e.Message}); predictions are copied straight into their array from now on.");
            Staged = false;
            return false;
        }
    }

    public void Dispose()
    {
        staging?.Dispose();
        staging = null;
    }
}
