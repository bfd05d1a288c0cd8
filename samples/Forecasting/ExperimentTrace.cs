namespace SeqDsl.Samples.Forecasting;

/// <summary>What the figures of one experiment show: its learning curves and its forecast of the first validation series.</summary>
/// <param name="Loss">Training loss per epoch (empty for the naive forecast).</param>
/// <param name="ValidationLoss">Validation loss per epoch (empty for the naive forecast).</param>
/// <param name="Series">The 50 input values of the first validation series.</param>
/// <param name="Actual">The values that follow it: one, or ten for the multi-step models.</param>
/// <param name="Forecast">The model's forecast of <paramref name="Actual"/> (seq-to-seq: the forecasts made at the last input step).</param>
public sealed record ExperimentTrace(
    IReadOnlyList<double> Loss,
    IReadOnlyList<double> ValidationLoss,
    float[] Series,
    float[] Actual,
    float[] Forecast)
{
    /// <summary>The first validation series, what followed it and its forecast, from <c>[samples, steps, 1]</c> inputs and <c>[samples, ahead]</c> rows.</summary>
    public static ExperimentTrace FirstSeries(History? history, float[,,] xValid, float[,] yValid, float[,] forecast)
    {
        int steps = xValid.GetLength(1);
        var series = new float[steps];
        for (int t = 0; t < steps; t++)
            series[t] = xValid[0, t, 0];
        return new ExperimentTrace(
            history?.Loss ?? [], history?.ValidationLoss ?? [], series, Row(yValid, 0), Row(forecast, 0));
    }

    /// <summary>The forecasts a seq-to-seq model made at its last input step, as <c>[samples, ahead]</c> rows.</summary>
    public static float[,] LastStep(float[,,] sequence)
    {
        int samples = sequence.GetLength(0), last = sequence.GetLength(1) - 1, ahead = sequence.GetLength(2);
        var rows = new float[samples, ahead];
        for (int i = 0; i < samples; i++)
        {
            for (int k = 0; k < ahead; k++)
                rows[i, k] = sequence[i, last, k];
        }

        return rows;
    }

    private static float[] Row(float[,] values, int row)
    {
        var result = new float[values.GetLength(1)];
        for (int k = 0; k < result.Length; k++)
            result[k] = values[row, k];
        return result;
    }
}
