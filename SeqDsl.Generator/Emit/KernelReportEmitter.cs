using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SeqDsl.Generator.Emit.Kernels;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit;

/// <summary>
/// Writes <c>Model.KernelReport.g.cs</c>: the model's static <c>KernelReport</c> (launches, FLOPs and bytes per training
/// step and per inference sample), from <see cref="LayerCosts"/>. Emitted for every model without errors, including
/// those whose kernels are not written yet, so a user can see the cost of a declaration before it runs.
/// </summary>
internal static class KernelReportEmitter
{
    /// <param name="plan">The model's plan.</param>
    /// <param name="layers">The layers' emitters when the model has kernels (they say whether the loss gradient is fused), else null.</param>
    public static GeneratedFile Emit(ModelPlan plan, IReadOnlyList<LayerEmitter>? layers)
    {
        var spec = plan.Spec;
        var w = new CodeWriter();
        FileHeader.Open(w, spec);
        using (FileHeader.OpenContainingTypes(w, spec))
        using (w.Block("partial class " + spec.ClassName))
        {
            w.Summary("What one training step and one inference sample of " + spec.ClassName + " cost: kernel launches, FLOPs (multiply-adds × 2 of the\nmatrix products) and bytes of device-memory traffic, per layer, as functions of the batch and the steps.");
            w.Line("public static global::SeqDsl.KernelReport KernelReport { get; } = new global::SeqDsl.KernelReport(");
            w.Line("    \"" + spec.ClassName + "\",");
            w.Line("    " + I(plan.ParameterCount) + ",");
            w.Line("    new global::SeqDsl.LayerCost[]");
            w.Line("    {");
            var costs = new List<LayerCostModel>();
            for (int i = 0; i < plan.Layers.Count; i++)
            {
                costs.Add(LayerCosts.For(plan.Layers[i]));
                Cost(w, "        ", costs[i], SequenceSteps.LoopedBy(plan, i, StepsParameter), ",");
            }

            w.Line("    },");
            var loss = LayerCosts.Loss(plan, gradientFused: layers is not null && !LossEmitter.WritesGradient(layers));
            int minimum = SequenceSteps.MinimumInputSteps(plan);
            bool minimumArgument = !plan.Input.HasFixedSteps && minimum > 1;
            int modelWide = LayerCosts.ModelWideLaunches(costs);
            var optional = new List<(string Argument, string Comment)>();
            if (minimumArgument)
            {
                optional.Add(("minimumInputSteps: " + I(minimum), "Keras's window arithmetic needs this many input steps"));
            }

            if (modelWide > 0)
            {
                optional.Add(("modelWideLaunches: " + I(modelWide), "every layer's weight copies before the backward pass, and partial sums after it"));
            }

            int forwardSaved = layers is null ? 0 : LaunchesSaved(ConvStacks.Forward(layers));
            int backwardSaved = layers is null ? 0 : LaunchesSaved(ConvStacks.Backward(layers));
            if (forwardSaved + backwardSaved > 0)
            {
                optional.Add(("convStackForwardLaunchesSaved: " + I(forwardSaved), "runs of Conv1D layers in one launch per pass on CPU devices (Emit.Kernels.ConvStacks)"));
                optional.Add(("convStackBackwardLaunchesSaved: " + I(backwardSaved), "the backward's stacks, fewer layers each: a layer's backward takes more views"));
            }

            int joinedSaved = layers is null ? 0 : layers.Sum(l => l.JoinedBackwardLaunchesSaved);
            if (joinedSaved > 0)
            {
                optional.Add(("joinedBackwardLaunchesSaved: " + I(joinedSaved), "narrow recurrent layers' backward and partials in one launch on CPU devices (RecurrentEmitter.BackwardWithPartials)"));
            }

            int trainingPassSaved = layers is null ? 0 : TrainingPassKernel.LaunchesSaved(layers);
            if (trainingPassSaved > 0)
            {
                optional.Add(("trainingPassLaunchesSaved: " + I(trainingPassSaved), "the whole training pass in one launch on PoCL (Emit.Kernels.TrainingPassKernel)"));
            }

            Cost(w, "    ", loss, SequenceSteps.OutputOfModel(plan, StepsParameter), optional.Count > 0 ? "," : ");");
            for (int i = 0; i < optional.Count; i++)
            {
                w.Line("    " + optional[i].Argument + (i == optional.Count - 1 ? ");" : ",") + " // " + optional[i].Comment);
            }
        }

        return new GeneratedFile(spec.FullName.Replace('.', '_') + ".KernelReport.g.cs", w.ToString());
    }

    /// <summary>Launches that <paramref name="stacks"/> save: each takes one launch for its layers'.</summary>
    private static int LaunchesSaved(IReadOnlyList<ConvStack> stacks) => stacks.Sum(s => s.Layers.Count - 1);

    /// <summary>The input-steps parameter of the emitted steps functions.</summary>
    private const string StepsParameter = "steps";

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string T(Terms t) => "new(" + D(t.PerLaunch) + ", " + D(t.PerSample) + ", " + D(t.PerStep) + ")";

    private static string Literal(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>
    /// Writes <c>new(name, title, …)</c> over three lines (four with a steps function), ending with <paramref name="end"/>.
    /// <paramref name="steps"/> is the C# expression of the steps the kernels loop over in terms of the model's input
    /// steps (<see cref="SequenceSteps.LoopedBy"/>): where the model fixes no steps, the layer has per-step costs and
    /// window layers make them differ from the input's, it is emitted as the layer's <c>StepsFromInput</c>.
    /// </summary>
    private static void Cost(CodeWriter w, string indent, LayerCostModel c, string steps, string end)
    {
        bool perStep = c.ForwardFlops.PerStep != 0 || c.BackwardFlops.PerStep != 0 || c.ForwardBytes.PerStep != 0 || c.BackwardBytes.PerStep != 0;
        string? stepsFunction = c.FixedSteps == 0 && perStep && steps != StepsParameter
            ? "static " + StepsParameter + " => " + steps
            : null;
        w.Line(indent + "new(" + Literal(c.Name) + ", " + Literal(c.Title) + ", FixedSteps: " + I(c.FixedSteps)
            + ", ForwardLaunches: " + I(c.ForwardLaunches) + ", BackwardLaunches: " + I(c.BackwardLaunches) + ",");
        w.Line(indent + "    ForwardFlops: " + T(c.ForwardFlops) + ", BackwardFlops: " + T(c.BackwardFlops) + ",");
        w.Line(indent + "    ForwardBytes: " + T(c.ForwardBytes) + ", BackwardBytes: " + T(c.BackwardBytes) + (c.Counted ? "" : ", Counted: false") + (stepsFunction is null ? ")" + end : ","));
        if (stepsFunction is not null)
        {
            w.Line(indent + "    StepsFromInput: " + stepsFunction + ")" + end); // the model's time axis: window layers shorten or stride it
        }
    }
}
