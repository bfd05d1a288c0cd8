using System;
using System.Collections.Generic;
using System.Globalization;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Shapes;

/// <summary>
/// The shape rules: for each layer, input shape → output shape, parameter tensors (Keras's layouts and
/// counts) and the errors that stop a declaration. The one implementation used by the generator and the
/// analyzers; <see cref="ModelAdvisor"/> adds the warnings and hints on top of its result.
/// </summary>
internal static class ShapeInference
{
    /// <summary>Largest value accepted for any size argument (units, filters, steps…).</summary>
    public const int MaxSize = 1 << 20;

    public static ModelPlan Infer(ModelSpec spec)
    {
        var findings = new List<Finding>();
        CheckModelClass(spec, findings);
        bool modelArgumentsOk = CheckModelArguments(spec, findings);

        var input = TensorShape.Sequence(spec.InputSteps > 0 ? spec.InputSteps : 0, Math.Max(spec.InputFeatures, 1));
        var plans = new List<LayerPlan>();
        if (spec.Layers.Count == 0)
        {
            findings.Add(new Finding(
                DiagnosticIds.NoLayers,
                FindingSeverity.Error,
                $"Model '{spec.ClassName}' declares no layers; stack layer attributes such as [Recurrent(LSTM, 20)] and [Dense(1)] on the class",
                spec.ClassLocation ?? spec.Location));
        }

        if (modelArgumentsOk)
        {
            var builder = new PlanBuilder(spec, findings);
            var current = input;
            foreach (var layer in spec.Layers)
            {
                if (!LayerArguments.Check(layer, findings) || !builder.Add(layer, ref current))
                {
                    break;
                }
            }

            plans = builder.Plans;
        }

        var plan = new ModelPlan { Spec = spec, Input = input, Layers = plans.ToEquatableArray(), Findings = findings.ToEquatableArray() };
        if (!plan.HasErrors)
        {
            findings.AddRange(ModelAdvisor.Advise(plan));
            plan = plan with { Findings = findings.ToEquatableArray() };
        }

        return plan;
    }

    private static void CheckModelClass(ModelSpec spec, List<Finding> findings)
    {
        var where = spec.ClassLocation ?? spec.Location;
        if (!spec.IsPartial)
        {
            findings.Add(new Finding(DiagnosticIds.InvalidModelClass, FindingSeverity.Error,
                $"Model class '{spec.ClassName}' must be declared 'partial' so that SeqDsl can generate the rest of it", where));
        }

        if (spec.NonPartialContainingType.Length > 0)
        {
            findings.Add(new Finding(DiagnosticIds.InvalidModelClass, FindingSeverity.Error,
                $"Model class '{spec.ClassName}' is nested in '{spec.NonPartialContainingType}', which is not partial; the generated half of the model must be declared inside it, so declare '{spec.NonPartialContainingType}' partial too", where));
        }

        if (spec.IsRecord)
        {
            findings.Add(new Finding(DiagnosticIds.InvalidModelClass, FindingSeverity.Error,
                $"Model class '{spec.ClassName}' cannot be a record: SeqDsl generates the rest of it as a partial class, so declare it 'partial class'", where));
        }

        if (spec.IsStatic)
        {
            findings.Add(new Finding(DiagnosticIds.InvalidModelClass, FindingSeverity.Error,
                $"Model class '{spec.ClassName}' cannot be static: a model is an object that holds its weights, so remove 'static'", where));
        }

        if (spec.IsGeneric || spec.IsNestedInGeneric)
        {
            findings.Add(new Finding(DiagnosticIds.InvalidModelClass, FindingSeverity.Error,
                $"Model class '{spec.ClassName}' cannot be generic or nested in a generic type: its kernels are specialized to one set of sizes", where));
        }

        if (spec.LayerDeclarationCount > 1)
        {
            findings.Add(new Finding(DiagnosticIds.InvalidModelClass, FindingSeverity.Error,
                $"Model class '{spec.ClassName}' declares layers on {spec.LayerDeclarationCount} partial declarations; the order of the layers is then undefined, so keep them all on one declaration", where));
        }
    }

    private static bool CheckModelArguments(ModelSpec spec, List<Finding> findings)
    {
        int before = findings.Count;
        if (spec.InputFeatures <= 0)
        {
            findings.Add(OutOfRange(spec.LocationOf("InputFeatures"), "InputFeatures",
                spec.InputFeatures <= 0 && !HasModelArgument(spec, "InputFeatures")
                    ? "[SequenceModel] needs InputFeatures, the number of features per time step (Keras input_shape=[None, features]), e.g. InputFeatures = 1"
                    : $"InputFeatures must be at least 1, but is {spec.InputFeatures}"));
        }
        else if (spec.InputFeatures > MaxSize)
        {
            findings.Add(OutOfRange(spec.LocationOf("InputFeatures"), "InputFeatures", $"InputFeatures must be at most {MaxSize:N0}, but is {spec.InputFeatures:N0}"));
        }

        if (spec.InputSteps < 0 || spec.InputSteps > MaxSize)
        {
            findings.Add(OutOfRange(spec.LocationOf("InputSteps"), "InputSteps", $"InputSteps must be 0 (any length) or between 1 and {MaxSize:N0}, but is {spec.InputSteps}"));
        }

        if (spec.BatchSize < 0 || spec.BatchSize > MaxSize)
        {
            findings.Add(OutOfRange(spec.LocationOf("BatchSize"), "BatchSize", $"BatchSize must be 0 (any size) or between 1 and {MaxSize:N0}, but is {spec.BatchSize}"));
        }

        if (!Enum.IsDefined(typeof(LossKind), spec.Loss))
        {
            findings.Add(OutOfRange(spec.LocationOf("Loss"), "Loss", $"Loss value {spec.Loss} is not a SeqDsl.Loss"));
        }

        if (!Enum.IsDefined(typeof(OptimizerKind), spec.Optimizer))
        {
            findings.Add(OutOfRange(spec.LocationOf("Optimizer"), "Optimizer", $"Optimizer value {spec.Optimizer} is not a SeqDsl.Optimizer"));
        }

        if (!(spec.LearningRate > 0) || double.IsInfinity(spec.LearningRate))
        {
            findings.Add(OutOfRange(spec.LocationOf("LearningRate"), "LearningRate", $"LearningRate must be a positive number, but is {spec.LearningRate.ToString(CultureInfo.InvariantCulture)}"));
        }

        return findings.Count == before;
    }

    private static bool HasModelArgument(ModelSpec spec, string name)
    {
        foreach (var a in spec.Arguments)
        {
            if (a.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    internal static Finding OutOfRange(SourceSpan? where, string argument, string message, int layerIndex = -1) =>
        new(DiagnosticIds.ArgumentOutOfRange, FindingSeverity.Error, message, where, layerIndex, argument);

    /// <summary>Output length of a convolution or pooling window over <paramref name="steps"/> steps, as Keras computes it.</summary>
    public static long WindowOutputSteps(long steps, int kernelSize, int strides, int dilation, PaddingKind padding)
    {
        long span = ((long)kernelSize - 1) * dilation + 1;
        return padding switch
        {
            PaddingKind.Valid => steps >= span ? ((steps - span) / strides) + 1 : steps - span + 1, // ≤ 0 when too short
            _ => (steps + strides - 1) / strides, // Same and Causal: ceil(steps / strides)
        };
    }
}
