using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace SeqDsl;

/// <summary>
/// One way of getting a device: a short key (the value of <c>SEQDSL_DEVICE</c> that forces it), what it is in
/// words, and a factory that either returns the device or throws <see cref="DeviceUnavailableException"/> with the
/// reason. Generic so that the selection order can be tested with fakes instead of real accelerators.
/// </summary>
internal sealed record DeviceProbe<T>(string Key, string What, Func<T> Create) where T : class;

/// <summary>A probe's expected "not here" answer (no driver, no matching device); other exceptions are failures.</summary>
internal sealed class DeviceUnavailableException : Exception
{
    public DeviceUnavailableException(string reason) : base(reason) { }
}

/// <summary>
/// Walks the probes in order and returns the first device that can be created, recording one line per probe
/// ("cuda: no CUDA driver (libcuda.so not found)"). With a forced key only that probe runs, and its failure is an
/// error instead of a fall-back.
/// </summary>
internal static class DeviceSelector
{
    /// <summary>The values of the override that mean "no override".</summary>
    private static readonly string[] AutomaticValues = { "", "auto", "best" };

    /// <param name="probes">Probes in order of preference.</param>
    /// <param name="forced">The value of <c>SEQDSL_DEVICE</c> (null or "auto" for the normal order).</param>
    /// <param name="describe">Describes a created device for the log.</param>
    /// <param name="describeInstalled">Lists what is installed; called only to explain a failed forced choice.</param>
    /// <param name="log">Receives one line per probe that ran.</param>
    internal static T Select<T>(
        IReadOnlyList<DeviceProbe<T>> probes,
        string? forced,
        Func<T, string> describe,
        Func<string> describeInstalled,
        List<string> log) where T : class
    {
        string key = (forced ?? "").Trim().ToLowerInvariant();
        if (AutomaticValues.Contains(key))
        {
            foreach (var probe in probes)
            {
                if (TryProbe(probe, describe, log, out var device, out _))
                    return device!;
            }
            throw new SeqDeviceUnavailableException(
                "No device could be created. Probes tried, in order:\n  " + string.Join("\n  ", log));
        }

        var chosen = probes.FirstOrDefault(p => p.Key == key);
        if (chosen is null)
        {
            throw new SeqDeviceUnavailableException(
                $"{SeqDevice.DeviceEnvironmentVariable} is '{forced}', which names no device; expected one of " +
                $"{string.Join(", ", probes.Select(p => p.Key))} (or unset/'auto' for the best available).");
        }

        return CreateOnly(chosen, describe, describeInstalled, log,
            requester: $"{SeqDevice.DeviceEnvironmentVariable}={forced}",
            hint: $" Unset {SeqDevice.DeviceEnvironmentVariable} to use the best available device.");
    }

    /// <summary>
    /// Runs one probe that was asked for explicitly; its failure is an error whose message names the
    /// <paramref name="requester"/>, the reason and what is installed.
    /// </summary>
    internal static T CreateOnly<T>(
        DeviceProbe<T> probe,
        Func<T, string> describe,
        Func<string> describeInstalled,
        List<string> log,
        string requester,
        string hint = "") where T : class
    {
        if (TryProbe(probe, describe, log, out var device, out var reason))
            return device!;
        throw new SeqDeviceUnavailableException(
            $"{requester} asks for {probe.What}, but it is unavailable: {reason}. " +
            $"Found: {SafeDescribeInstalled(describeInstalled)}.{hint}");
    }

    private static bool TryProbe<T>(DeviceProbe<T> probe, Func<T, string> describe, List<string> log, out T? device, out string reason)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        try
        {
            device = probe.Create();
            reason = "";
            log.Add($"{probe.Key}: selected {describe(device)} ({clock.ElapsedMilliseconds} ms)");
            return true;
        }
        catch (DeviceUnavailableException unavailable)
        {
            reason = unavailable.Message;
        }
#pragma warning disable CA1031 // A driver can fail in any way; every failure means "try the next device".
        catch (Exception error)
#pragma warning restore CA1031
        {
            reason = $"failed with {error.GetType().Name}: {error.Message}";
        }
        device = null;
        log.Add($"{probe.Key}: {reason} ({clock.ElapsedMilliseconds} ms)");
        return false;
    }

    private static string SafeDescribeInstalled(Func<string> describeInstalled)
    {
        try
        {
            return describeInstalled();
        }
#pragma warning disable CA1031 // Only used to enrich an error message.
        catch (Exception error)
#pragma warning restore CA1031
        {
            return $"(listing devices failed: {error.GetType().Name}: {error.Message})";
        }
    }
}
