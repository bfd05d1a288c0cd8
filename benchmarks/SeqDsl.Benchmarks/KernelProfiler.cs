using System.Diagnostics;
using System.Linq.Expressions;
using System.Reflection;
using ILGPU.Runtime;
using SeqDsl.Engine;

namespace SeqDsl.Benchmarks;

/// <summary>
/// Per-kernel timing for --profile, from outside the library: the generated program's kernel launchers (and the
/// runtime's optimizer launcher) are swapped, by reflection, for wrappers that synchronize the accelerator before
/// and after each launch and add up the time per kernel. Synchronizing serializes the queue, so the profiled epoch
/// is slower than a normal one; the shares are what matters. The launchers are put back afterwards.
/// </summary>
internal sealed class KernelProfiler : IDisposable
{
    private readonly Accelerator accelerator;
    private readonly Stopwatch watch = new();
    private readonly List<(object Target, FieldInfo Field, object? Original)> swapped = new();

    private KernelProfiler(Accelerator accelerator) => this.accelerator = accelerator;

    public Dictionary<string, (int Launches, double Seconds)> Totals { get; } = new();

    /// <summary>Wraps every kernel launcher of <paramref name="model"/>'s program (which must exist: call Fit once first) and the optimizer's.</summary>
    public static KernelProfiler Attach(ModelBase model)
    {
        var profiler = new KernelProfiler(model.Device.Accelerator);
        var program = typeof(ModelBase).GetField("program", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(model)
            ?? throw new InvalidOperationException("the model has no program yet (or ModelBase's field was renamed)");
        foreach (var field in program.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic).Where(f => typeof(Delegate).IsAssignableFrom(f.FieldType)))
        {
            profiler.Swap(program, field, field.Name);
        }

        var kernelsType = typeof(ModelBase).Assembly.GetType("SeqDsl.Training.OptimizerKernels");
        var kernels = kernelsType?.GetMethod("For", BindingFlags.Static | BindingFlags.Public)?.Invoke(null, new object[] { model.Device.Accelerator });
        var adam = kernelsType?.GetField("<Adam>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic);
        if (kernels is not null && adam is not null)
        {
            profiler.Swap(kernels, adam, "optimizer (Adam)");
        }

        return profiler;
    }

    public void Begin()
    {
        accelerator.Synchronize();
        watch.Restart();
    }

    public void End(string name)
    {
        accelerator.Synchronize();
        double seconds = watch.Elapsed.TotalSeconds;
        Totals.TryGetValue(name, out var t);
        Totals[name] = (t.Launches + 1, t.Seconds + seconds);
    }

    public void Dispose()
    {
        foreach (var (target, field, original) in swapped)
        {
            field.SetValue(target, original);
        }
    }

    private void Swap(object target, FieldInfo field, string name)
    {
        var original = (Delegate?)field.GetValue(target);
        if (original is null)
        {
            return;
        }

        var invoke = field.FieldType.GetMethod("Invoke")!;
        var parameters = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
        var self = Expression.Constant(this);
        var body = Expression.Block(
            Expression.Call(self, nameof(Begin), null),
            Expression.Invoke(Expression.Constant(original), parameters),
            Expression.Call(self, nameof(End), null, Expression.Constant(name)));
        field.SetValue(target, Expression.Lambda(field.FieldType, body, parameters).Compile());
        swapped.Add((target, field, original));
    }
}
