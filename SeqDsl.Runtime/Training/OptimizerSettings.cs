using System;
using SeqDsl.Engine;

namespace SeqDsl.Training;

/// <summary>The optimizer configuration of one Fit, resolved from <see cref="FitOptions"/> and the model's defaults.</summary>
internal sealed record OptimizerSettings(Optimizer Kind, double LearningRate, double Beta1, double Beta2, double Epsilon, double Momentum, bool Nesterov, double ClipNorm)
{
    public static OptimizerSettings Resolve(FitOptions options, ModelDescription description)
    {
        double learningRate = options.LearningRate ?? description.LearningRate;
        if (!double.IsFinite(learningRate) || learningRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(FitOptions.LearningRate), learningRate, $"The learning rate must be a finite number > 0, got {learningRate} (model {description.Name}).");
        }

        return new OptimizerSettings(options.Optimizer ?? description.Optimizer, learningRate, options.Beta1, options.Beta2, options.Epsilon, options.Momentum, options.Nesterov, options.ClipNorm);
    }
}
