using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Engine;
using static SeqDsl.Benchmarks.SeqDslRunner;

namespace SeqDsl.DeviceCheck;

/// <summary>
/// Where a large <c>Predict</c> spends its time outside the kernels: on an H100, W1's inference of 2,000 series took
/// 2.9–3.9 ms while its five launches took about 0.5 ms. Each part is timed on its own (best of
/// <see cref="Repetitions"/>) with the prediction's sizes: Predict into a reused array, the value scan, the result array, the input upload and the
/// predictions' download into a fresh array, a reused one and a page-locked one. Then the check that a large prediction
/// (downloaded through page-locked memory on CUDA, in slices) gives the bits of the same prediction in small chunks
/// (each downloaded straight into the result).
/// </summary>
internal static class PredictBreakdown
{
    private const int Repetitions = 5;

    public static void Print(SeqDevice device, ModelBase model, float[,,] x, Func<float[,,], int, Array> predict, Action<float[,,], int> predictIntoReused, int outputsPerSample)
    {
        int n = x.GetLength(0);
        long outputs = (long)n * outputsPerSample;
        var accelerator = device.Accelerator;
        Console.WriteLine();
        Console.WriteLine($"Predict of {n:N0} series outside the kernels ({outputs * sizeof(float) / 1e6:F1} MB of predictions, {x.Length * sizeof(float) / 1e6:F1} MB of inputs), best of {Repetitions}, ms:");
        Line("Predict, as timed above", Best(Repetitions, () => predict(x, n)));
        predictIntoReused(x, n); // its array's pages touched once, as a serving loop's would be
        Line("Predict(x, destination) into a reused array", Best(Repetitions, () => predictIntoReused(x, n)));
        bool scan = model.ScanInputValues;
        try
        {
            model.ScanInputValues = false;
            Line("Predict without the NaN/∞ scan", Best(Repetitions, () => predict(x, n)));
        }
        finally
        {
            model.ScanInputValues = scan;
        }

        Line("a fresh result array (new float[])", Best(Repetitions, () => GC.KeepAlive(new float[outputs])));

        using var predictions = accelerator.Allocate1D<float>(outputs);
        using var inputs = accelerator.Allocate1D<float>(x.Length);
        var input = new float[x.Length];
        Buffer.BlockCopy(x, 0, input, 0, x.Length * sizeof(float));
        Line("input upload from a managed array", Best(Repetitions, () =>
        {
            inputs.View.CopyFromCPU(input);
            accelerator.Synchronize();
        }));
        Line("download into a fresh managed array", Best(Repetitions, () => predictions.View.CopyToCPU(new float[outputs])));
        var reused = new float[outputs];
        Line("download into a reused managed array", Best(Repetitions, () => predictions.View.CopyToCPU(reused)));
        using var pageLocked = accelerator.AllocatePageLocked1D<float>(outputs);
        Line("download into a page-locked array", Best(Repetitions, () =>
        {
            predictions.View.CopyToPageLockedAsync(pageLocked);
            accelerator.Synchronize();
        }));
        Line("page-locked array into a fresh managed one", Best(Repetitions, () => pageLocked.Span.CopyTo(new float[outputs])));
        Line("an empty synchronize", Best(Repetitions, accelerator.Synchronize));
    }

    /// <summary>
    /// <paramref name="large"/> predicted in one chunk against the same samples in chunks of <paramref name="smallChunk"/>
    /// (every sequence's forward is independent of the others in the batch, so the bits must match); 1 on a mismatch.
    /// </summary>
    public static int CheckLargeDownload(Func<float[,,], int, float[,,]> predict, float[,,] large, int smallChunk)
    {
        int n = large.GetLength(0);
        var whole = predict(large, n);
        var chunked = predict(large, smallChunk);
        if (whole.Length != chunked.Length)
        {
            Console.WriteLine($"  {n:N0} series in one chunk gave {whole.Length:N0} values, in chunks of {smallChunk} {chunked.Length:N0}: FAILED");
            return 1;
        }

        var a = Flat(whole);
        var b = Flat(chunked);
        long mismatches = 0;
        long first = -1;
        for (long i = 0; i < a.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
            {
                mismatches++;
                first = first < 0 ? i : first;
            }
        }

        Console.WriteLine($"  {n:N0} series in one chunk ({whole.Length * sizeof(float) / 1e6:F1} MB) against chunks of {smallChunk}: {(mismatches == 0 ? "the same bits, ok" : $"{mismatches:N0} values differ, the first at flat index {first:N0}: FAILED")}");
        return mismatches == 0 ? 0 : 1;
    }

    /// <summary>A prediction's values in memory order.</summary>
    private static float[] Flat(float[,,] values)
    {
        var flat = new float[values.Length];
        Buffer.BlockCopy(values, 0, flat, 0, values.Length * sizeof(float));
        return flat;
    }

    private static void Line(string what, double seconds) => Console.WriteLine($"  {what,-46} {seconds * 1e3,8:F3}");
}
