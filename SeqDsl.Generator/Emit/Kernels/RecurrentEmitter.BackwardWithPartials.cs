using System.Collections.Generic;
using System.Linq;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// The CPU thread schedule's backward of a narrow plain layer: one kernel in which each thread runs its sequence's
/// backpropagation through time and then that sequence's weight-gradient partials, where the schedule otherwise launches
/// the backward kernel and the row-block partials kernel one after the other.
/// </summary>
/// <remarks>
/// The partials of sequence b read only what b's own backward wrote (its gate gradients) and its inputs and states, so
/// no thread waits on another; the thread reads its gate gradients back while they are still in its core's cache. Each
/// partial sum adds its terms in step order, as the row-block kernel does, so the bits are the same (tested against the
/// GPU schedule's kernels). A launch saved per layer: on PoCL every launch costs tens of microseconds whatever its
/// work. Only where the thread backward runs on CPUs: layers with block kernels run the block backward, GPUs a group per
/// sequence, and the rows of a narrow layer's partials come one per thread (<see cref="RowsPerThread"/>), so this loop is the
/// row-block kernel's walked by one thread.
/// </remarks>
internal sealed partial class RecurrentEmitter
{
    /// <summary>
    /// Whether the CPU thread schedule runs this layer's backward and partials as one kernel: a plain layer
    /// (<see cref="RecurrentGroupSchedule.IsPlain"/>) whose gates fit in registers, so that its partials come a row per
    /// thread (<see cref="RowsPerThread"/>) and it has no block kernels (whose backward serves wider gates).
    /// </summary>
    private bool JoinsBackwardAndPartials => RecurrentGroupSchedule.IsPlain(Plan) && RowsPerThread == 1;

    private string BackwardWithPartialsMethod => Prefix + "BackwardWithPartials";

    public override int JoinedBackwardLaunchesSaved => JoinsBackwardAndPartials ? 1 : 0;

    /// <summary>The backward and partials launchers, which only the joined kernel's fallback calls.</summary>
    public override IEnumerable<string> ReplacedOnCpuThreadSchedule => JoinsBackwardAndPartials
        ? new[] { FieldPrefix + "Backward", FieldPrefix + "WeightGradientPartials" }
        : System.Array.Empty<string>();

    private string BackwardWithPartialsField => FieldPrefix + "BackwardWithPartials";

    /// <summary>
    /// The backward kernel's arguments, then those of the partials kernel that it lacks (the input, the partials; the
    /// rows unless a fused loss brought them), then the two kernels' common <c>batch</c> and <c>steps</c>.
    /// </summary>
    /// <exception cref="System.InvalidOperationException">The kernels pass different values under one name, or the joined
    /// kernel takes more parameters than ILGPU loads.</exception>
    private List<Argument> BackwardWithPartialsArguments(RecurrentDirection d)
    {
        var backward = BackwardArguments(d);
        var partials = WeightGradientPartialsArguments(d);
        var byName = backward.ToDictionary(a => a.Name);
        foreach (var a in partials.Where(a => byName.ContainsKey(a.Name) && byName[a.Name] != a))
        {
            throw new System.InvalidOperationException(Describe() + ": the backward and partials kernels pass different " + a.Name + " arguments.");
        }

        var list = backward.Where(a => a.Type != "int").ToList();
        list.AddRange(partials.Where(a => a.Type != "int" && !byName.ContainsKey(a.Name)));
        list.AddRange(backward.Where(a => a.Type == "int"));
        if (partials.Where(a => a.Type == "int").Any(a => !byName.ContainsKey(a.Name)) || list.Count > MaxKernelParameters)
        {
            throw new System.InvalidOperationException(Describe() + ": the joined backward would take " + list.Count + " parameters or an integer the backward lacks.");
        }

        return list;
    }

    /// <summary>Parameters ILGPU loads a kernel with at most.</summary>
    private const int MaxKernelParameters = 14;

    /// <summary>The launch: the joined kernel where it is loaded, else the backward and the partials as before.</summary>
    private void EmitBackwardWithPartialsLaunch(CodeWriter w, RecurrentDirection d)
    {
        w.Line("if (" + BackwardWithPartialsField + " is not null) " + BackwardWithPartialsField + "(device.GroupsFor(n, threadsPerGroup: 1), " + Values(BackwardWithPartialsArguments(d)) + "); // a thread per sequence: its BPTT, then its partials");
        using (w.Block("else"))
        {
            EmitSeparateBackwardLaunches(w, d, fallback: true);
        }
    }
}
