using System;
using System.Threading;

namespace SeqDsl.Engine;

/// <summary>Small predictions on a PoCL device run as host code (see <see cref="SmallPredictionsOnHost"/>).</summary>
public abstract partial class ModelBase
{
    /// <summary>
    /// The most work, in weight uses (samples × steps × <see cref="ParameterCount"/>, about the multiply-adds of a
    /// forward pass), that a prediction on a PoCL device may take to run as host code (<see cref="SmallPredictionsOnHost"/>).
    /// </summary>
    /// <remarks>
    /// Measured on the 2-core development VM (ninth session, benchmarks/README.md): host code answered a W1 model (LSTM(20) × 2, 5,250
    /// weights, 50 steps) 4× sooner than PoCL for one sequence and still sooner for 4 (1.05M weight uses), about as
    /// soon for 8 (2.1M); a GRU(128) × 2 model over 256 steps (about 38M weight uses per sequence) ran 1.9× slower as
    /// host code even for one sequence, PoCL's kernels being the faster arithmetic.
    /// </remarks>
    public const long HostCodeWorkLimit = 1_500_000;

    /// <summary>
    /// The environment variable that sets <see cref="SmallPredictionsOnHost"/>'s initial value for every model created
    /// after it is set: <c>host</c> (or unset: true) or <c>device</c> (false).
    /// </summary>
    public const string SmallPredictionsEnvironmentVariable = "SEQDSL_SMALL_PREDICTIONS";

    private bool smallPredictionsOnHost = SmallPredictionsOnHostByDefault(Environment.GetEnvironmentVariable(SmallPredictionsEnvironmentVariable));

    /// <summary>The host-code copy of the model, created by the first small prediction on a PoCL device.</summary>
    private HostInference? hostInference;

    /// <summary>Set when the host-code copy could not be created: predictions then stay on the device.</summary>
    private bool hostInferenceUnavailable;

    /// <summary>Counts changes of the device's weights, so the host-code copy knows when to read them again.</summary>
    private long weightsVersion;

    /// <summary>
    /// Whether a small <c>Predict</c> on an OpenCL CPU device (PoCL) runs as host code (default true): at most
    /// <see cref="HostCodeWorkLimit"/> weight uses, on the generator's C# translation of the same kernels
    /// (<see cref="KernelSchedule.HostCode"/>) over ILGPU's CPU accelerator's memory, on .NET threads (the calling thread
    /// alone for one sequence), with a copy of the weights taken when they have changed. Each PoCL command costs tens of microseconds of queueing and thread
    /// wake-ups, more than a small model's whole forward pass: one W1 sequence is answered in about 60 µs instead of
    /// 240. Other devices, stateful models (their state lives on the device), predictions from Fit's callbacks,
    /// <c>Evaluate</c>, and the state and uncertainty predictions always run on the device.
    /// </summary>
    /// <remarks>
    /// Host code sums in another order than the device's kernels, so its predictions can differ from the device's in
    /// the last bits (within 1e-4 of the value, or of 1 for smaller values, in the kernel tests): the same sample
    /// predicted alone and in a large batch may not give the same bits. Set this to false for bit-identical predictions whatever the batch, or
    /// <c>SEQDSL_SMALL_PREDICTIONS=device</c> for every model created afterwards.
    /// </remarks>
    public bool SmallPredictionsOnHost
    {
        get => Volatile.Read(ref smallPredictionsOnHost);
        set => Volatile.Write(ref smallPredictionsOnHost, value);
    }

    /// <summary><see cref="SmallPredictionsOnHost"/>'s initial value for <paramref name="setting"/>, the environment variable's value.</summary>
    /// <exception cref="ArgumentException"><paramref name="setting"/> is not <c>host</c>, <c>device</c> or empty.</exception>
    internal static bool SmallPredictionsOnHostByDefault(string? setting) => setting?.Trim().ToLowerInvariant() switch
    {
        null or "" or "host" => true,
        "device" => false,
        _ => throw new ArgumentException($"{SmallPredictionsEnvironmentVariable} is '{setting}', but must be 'host' or 'device' (or unset).", nameof(setting)),
    };

    /// <summary>Whether this model has its host-code copy (created by a small prediction on a PoCL device).</summary>
    internal bool HasHostInference => hostInference is not null;

    /// <summary>Marks the device's weights as changed. Callers hold the lock or are Fit's thread.</summary>
    private void WeightsChanged() => weightsVersion++;

    /// <summary>
    /// The host-code copy, its weights up to date, when a prediction of <paramref name="samples"/> samples of
    /// <paramref name="steps"/> steps, asked in chunks of <paramref name="batchSize"/>, should run on it; otherwise null.
    /// Callers hold <see cref="Gate"/>.
    /// </summary>
    private HostInference? TryHostInference(int samples, int steps, int batchSize)
    {
        // One chunk only (the copy has no out-of-memory halving), and at least one weight use per step and sample, so
        // that a model without weights does not send a prediction of any size.
        if (!SmallPredictionsOnHost || Device.Kind != DeviceKind.OpenCLCpu || Description.Stateful || samples > batchSize
            || (long)samples * steps * Math.Max(1, ParameterCount) > HostCodeWorkLimit || trainingThread is not null || hostInferenceUnavailable)
        {
            return null;
        }

        if (hostInference is null)
        {
            try
            {
                hostInference = HostInference.Create(CreateProgramOn, ParameterCount);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // No CPU accelerator here, or a CreateProgram override that cannot build on it: the device answers, as
                // it does for larger predictions. A failure of the device itself shows there.
                hostInferenceUnavailable = true;
                return null;
            }
        }

        hostInference.Sync(weightsVersion, DownloadWeights);
        return hostInference;
    }

    private void ReleaseHostInference()
    {
        hostInference?.Dispose();
        hostInference = null;
    }
}
