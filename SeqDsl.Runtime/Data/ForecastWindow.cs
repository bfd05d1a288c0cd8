namespace SeqDsl.Data;

/// <summary>What <see cref="Forecasting.Iterative"/> hands the one-step model after each prediction.</summary>
public enum ForecastWindow
{
    /// <summary>
    /// The whole sequence so far: the inputs plus every prediction, one step longer each time
    /// (the notebook's <c>model.predict(X)</c> on the concatenated <c>X</c>; fits recurrent models that take any length).
    /// </summary>
    Growing,

    /// <summary>
    /// The latest window of the original length: the oldest value drops out as each prediction is appended
    /// (the notebook's <c>model.predict(X[:, step_ahead:])</c>; needed by models with a fixed input length, such as Flatten + Dense).
    /// </summary>
    Sliding,
}
