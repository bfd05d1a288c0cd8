using System;
using System.Reflection;
using ILGPU.Backends.OpenCL;
using ILGPU.Runtime.OpenCL;

namespace SeqDsl;

/// <summary>
/// Lets ILGPU 1.5.3 create an OpenCL accelerator on a device without OpenCL 2.0's generic address space, such as
/// PoCL 3.1's CPU device (OpenCL 3.0, OpenCL C 1.2, "Generic address space support: No").
/// </summary>
/// <remarks>
/// <para>
/// ILGPU refuses such devices in the <c>CLAccelerator</c> constructor
/// (<c>if (!Capabilities.GenericAddressSpace) throw …</c>). The flag is only that gate: no IR pass or code generator
/// reads it, so setting it does not change the OpenCL C that ILGPU emits. ILGPU has no public switch for it
/// (<c>CLCapabilityContext.GenericAddressSpace</c> has an <c>internal</c> setter, <c>CLDevice</c> is sealed), so
/// the one supported-looking way is to set that property through reflection on the device's capability object,
/// which belongs to one <see cref="ILGPU.Context"/> only.
/// </para>
/// <para>
/// Consequence: kernels whose OpenCL C needs the generic address space fail at <c>clBuildProgram</c> on such a
/// device: any <c>Atomic.*</c>, <c>[NoInlining]</c> helpers taking views from two address spaces, inlined static
/// arrays, dynamic shared memory, group reductions and warp shuffles. Generated kernels avoid those;
/// <see cref="SeqDevice.WithBuildLog{T}(Func{T})"/> surfaces the build log if one slips through.
/// </para>
/// <para>See ILGPU issue m4rs-mt/ILGPU#1013 and <c>shared/notes/ilgpu-backends.md</c> section A.</para>
/// </remarks>
internal static class PoclCompatibility
{
    private static readonly PropertyInfo? GenericAddressSpaceProperty =
        typeof(CLCapabilityContext).GetProperty(nameof(CLCapabilityContext.GenericAddressSpace));

    /// <summary>Whether ILGPU accepts <paramref name="device"/> as it is (OpenCL C 2.0 or later with generic address space).</summary>
    internal static bool IsNativelySupported(CLDevice device) =>
        device.Capabilities.GenericAddressSpace && device.CLStdVersion >= CLCVersion.CL20;

    /// <summary>
    /// Marks <paramref name="device"/> as having the generic address space so that
    /// <see cref="CLDevice.CreateCLAccelerator(ILGPU.Context)"/> accepts it.
    /// Returns <c>null</c> on success, otherwise why the override could not be applied (for example a later ILGPU
    /// version that renamed the property or made the setter private).
    /// </summary>
    internal static string? TryAllowWithoutGenericAddressSpace(CLDevice device)
    {
        if (device.Capabilities.GenericAddressSpace)
            return null;
        if (GenericAddressSpaceProperty is not { CanWrite: true } property)
            return $"this ILGPU version ({typeof(CLDevice).Assembly.GetName().Version}) has no settable CLCapabilityContext.GenericAddressSpace, so the PoCL override cannot be applied";
        try
        {
            property.SetValue(device.Capabilities, true);
        }
        catch (Exception error) when (error is TargetInvocationException or MethodAccessException or ArgumentException)
        {
            return $"the PoCL override failed: {error.GetType().Name}: {error.Message}";
        }
        return device.Capabilities.GenericAddressSpace ? null : "the PoCL override did not take effect";
    }
}
