using ILGPU.Runtime;
using SeqDsl.Engine;

namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>What the generator would emit for the test program: a description, CreateProgram and typed wrappers.</summary>
public sealed class LastStepDenseModel : ModelBase
{
    public LastStepDenseModel(SeqDevice device, int seed = 0, int features = 3, int outputs = 2, int inputSteps = 0, string fingerprint = "last-step-dense-v1", double learningRate = 0.001)
        : base(Describe(features, outputs, inputSteps, fingerprint, learningRate), device, seed)
    {
    }

    public LastStepDenseModel(ModelDescription description, SeqDevice device, int seed)
        : base(description, device, seed)
    {
    }

    public LastStepDenseProgram? CreatedProgram { get; private set; }

    public int Features => Description.InputFeatures;

    public int Outputs => Description.OutputFeatures;

    public static ModelDescription Describe(int features, int outputs, int inputSteps = 0, string fingerprint = "last-step-dense-v1", double learningRate = 0.001, string name = "LastStepDense") => new()
    {
        Name = name,
        InputFeatures = features,
        InputSteps = inputSteps,
        OutputFeatures = outputs,
        OutputIsSequence = false,
        ParameterCount = LastStepDenseProgram.ParameterCountFor(features, outputs),
        Parameters = new[]
        {
            new ParameterInfo("dense", "kernel", 0, features, outputs, features, outputs, ParameterInit.GlorotUniform),
            new ParameterInfo("dense", "bias", features * outputs, 1, outputs, features, outputs, ParameterInit.Zeros),
            new ParameterInfo("dense", "stat", features * outputs + outputs, 1, 1, 1, 1, ParameterInit.Ones, Trainable: false),
        },
        Loss = Loss.Mse,
        LearningRate = learningRate,
        Fingerprint = fingerprint,
        Summary = $"dense ({features} -> {outputs})",
    };

    public History Fit(float[,,] x, float[,] y, int epochs = 1, int batchSize = 32, (float[,,] X, float[,] Y)? validation = null, FitOptions? options = null) =>
        FitCore(
            TensorData.From(x, "x"),
            TensorData.From(y, "y"),
            epochs,
            batchSize,
            validation is { } v ? TensorData.From(v.X, "validation.X") : null,
            validation is { } w ? TensorData.From(w.Y, "validation.Y") : null,
            options);

    public History FitTensors(TensorData x, TensorData y, int epochs = 1, int batchSize = 32, FitOptions? options = null) =>
        FitCore(x, y, epochs, batchSize, null, null, options);

    public float[,] Predict(float[,,] x, int batchSize = 256) => PredictVectorCore(TensorData.From(x, "x"), batchSize);

    public void Predict(float[,,] x, float[,] destination, int batchSize = 256) => PredictVectorIntoCore(TensorData.From(x, "x"), destination, batchSize);

    public float[,] PredictTensors(TensorData x, int batchSize = 256) => PredictVectorCore(x, batchSize);

    public (float[,] Mean, float[,] StandardDeviation) PredictWithUncertainty(float[,,] x, int samples = 10, int batchSize = 256) =>
        PredictVectorWithUncertaintyCore(TensorData.From(x, "x"), samples, batchSize);

    public Evaluation Evaluate(float[,,] x, float[,] y, int batchSize = 256) => EvaluateCore(TensorData.From(x, "x"), TensorData.From(y, "y"), batchSize);

    protected override NetworkProgram CreateProgram(SeqDevice device) =>
        CreatedProgram = new LastStepDenseProgram(device.Accelerator, Description.InputFeatures, Description.OutputFeatures);
}
