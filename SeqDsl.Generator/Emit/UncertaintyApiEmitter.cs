using System.Globalization;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit;

/// <summary>The typed MC Dropout method of the generated model class: <c>PredictWithUncertainty</c>.</summary>
internal static class UncertaintyApiEmitter
{
    public static void Emit(CodeWriter w, ModelPlan plan)
    {
        string target = plan.Output.IsSequence ? "float[,,]" : "float[,]";
        string shape = ModelClassEmitter.OutputShapeText(plan, plan.Output.Features, targets: false); // as Predict documents it
        string features = plan.Spec.InputFeatures.ToString(CultureInfo.InvariantCulture);
        w.Line();
        w.SummaryMarkup("MC Dropout: runs the model <paramref name=\"samples\"/> times with dropout kept on and returns the mean and the\nstandard deviation of each output " + CodeWriter.Escape(shape) + "; all zero spread when the model has no dropout.");
        w.Line("/// <param name=\"x\">Inputs [samples, steps, " + features + "].</param>");
        w.Line("/// <param name=\"samples\">Forward passes, each with its own dropout masks (Monte Carlo samples: not x's samples, which are the first dimension of x and of both results).</param>");
        w.Line("/// <param name=\"batchSize\">Samples per launch.</param>");
        w.Line("/// <returns>The mean and the standard deviation of the predictions, each " + CodeWriter.Escape(shape) + ".</returns>");
        w.Line("public (" + target + " Mean, " + target + " StandardDeviation) PredictWithUncertainty(float[,,] x, int samples = 100, int batchSize = 256) =>");
        w.Line("    " + (plan.Output.IsSequence ? "PredictSequenceWithUncertaintyCore" : "PredictVectorWithUncertaintyCore") + "(global::SeqDsl.Engine.TensorData.From(x, nameof(x)), samples, batchSize);");
    }
}
