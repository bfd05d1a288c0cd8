using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Engine;

namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>
/// The predictions' download: straight into the destination, or (CUDA's path, forced here on the CPU accelerator)
/// through a page-locked staging buffer in slices. Both must give the device's values, in place, to the last bit.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class PredictionDownloadTests(CpuDeviceFixture fixture)
{
    private Accelerator Accelerator => fixture.Device.Accelerator;

    private static float[] Values(int count) => Enumerable.Range(0, count).Select(i => MathF.Sin(i) * (i + 1)).ToArray();

    [Theory]
    [InlineData(50, 7)] // slices of 7, the last of 1
    [InlineData(49, 7)] // whole slices only
    [InlineData(5, 7)] // one slice shorter than the staging buffer
    [InlineData(64, 64)]
    public void Staged_download_gives_every_value_in_place(int count, int stagingFloats)
    {
        var values = Values(count);
        using var device = Accelerator.Allocate1D(values);
        using var download = new PredictionDownload(Accelerator, staged: true, stagingFloats, directFloats: 0);
        var destination = new float[count + 2];
        destination[0] = -1f;
        destination[^1] = -2f;

        download.Copy(device.View, destination.AsSpan(1, count));

        Assert.Equal(Math.Min(count, stagingFloats), download.StagingLength); // pinned no more than the download needs
        Assert.Equal(-1f, destination[0]); // nothing written outside the destination
        Assert.Equal(-2f, destination[^1]);
        Assert.Equal(values, destination[1..^1]);
    }

    [Fact]
    public void Staged_download_from_a_subview_reads_only_that_part()
    {
        var values = Values(40);
        using var device = Accelerator.Allocate1D(values);
        using var download = new PredictionDownload(Accelerator, staged: true, stagingFloats: 6, directFloats: 0);
        var destination = new float[15];

        download.Copy(device.View.SubView(10, 15), destination);

        Assert.Equal(values[10..25], destination);
    }

    [Fact]
    public void Small_or_unstaged_downloads_go_straight_to_the_destination()
    {
        var values = Values(30);
        using var device = Accelerator.Allocate1D(values);
        using var small = new PredictionDownload(Accelerator, staged: true, stagingFloats: 4, directFloats: 30);
        using var unstaged = new PredictionDownload(Accelerator, staged: false, stagingFloats: 4, directFloats: 0);
        var a = new float[30];
        var b = new float[30];

        small.Copy(device.View, a);
        unstaged.Copy(device.View, b);

        Assert.Equal(values, a);
        Assert.Equal(values, b);
        Assert.Equal(0, small.StagingLength);
        Assert.Equal(0, unstaged.StagingLength);
    }

    [Fact]
    public void The_staging_buffer_grows_to_its_largest_size_and_no_further()
    {
        var values = Values(50);
        using var device = Accelerator.Allocate1D(values);
        using var download = new PredictionDownload(Accelerator, staged: true, stagingFloats: 16, directFloats: 0);

        download.Copy(device.View.SubView(0, 5), new float[5]);
        Assert.Equal(5, download.StagingLength);
        var all = new float[50];
        download.Copy(device.View, all);
        Assert.Equal(16, download.StagingLength);
        Assert.Equal(values, all);
    }

    /// <summary>Page-locked memory refused (the driver's limit, a device that cannot map host memory): the same bits through the direct copy, and no more tries.</summary>
    [Fact]
    public void A_refused_staging_buffer_falls_back_to_the_direct_copy()
    {
        var values = Values(50);
        using var device = Accelerator.Allocate1D(values);
        int tries = 0;
        using var download = new PredictionDownload(Accelerator, staged: true, stagingFloats: 8, directFloats: 0, allocateStaging: _ =>
        {
            tries++;
            throw new InvalidOperationException("no page-locked memory left");
        });
        var first = new float[50];
        var second = new float[50];

        download.Copy(device.View, first);
        download.Copy(device.View, second);

        Assert.Equal(values, first);
        Assert.Equal(values, second);
        Assert.False(download.Staged);
        Assert.Equal(1, tries);
        Assert.Equal(0, download.StagingLength);
    }

    [Fact]
    public void Only_cuda_stages_downloads()
    {
        Assert.False(PredictionDownload.StagesOn(Accelerator));
        using var buffers = new PredictionBuffers(Accelerator);
        Assert.False(buffers.Download.Staged);
        Assert.Equal(PredictionDownload.DefaultStagingFloats, buffers.Download.StagingFloats);
    }

    [Fact]
    public void A_destination_of_another_length_is_refused_with_both_lengths()
    {
        using var device = Accelerator.Allocate1D(Values(10));
        using var download = new PredictionDownload(Accelerator, staged: true, stagingFloats: 4, directFloats: 0);

        var e = Assert.Throws<ArgumentException>(() => download.Copy(device.View, new float[9]));
        Assert.Equal("destination", e.ParamName);
        Assert.Contains("10", e.Message);
        Assert.Contains("9", e.Message);
    }

    [Fact]
    public void The_staging_size_must_be_positive()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new PredictionDownload(Accelerator, staged: true, stagingFloats: 0));
        Assert.Equal("stagingFloats", e.ParamName);
    }
}
