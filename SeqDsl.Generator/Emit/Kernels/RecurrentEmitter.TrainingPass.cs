using System.Linq;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>A narrow recurrent layer's part of the CPU thread schedule's training-pass kernel (<see cref="TrainingPassKernel"/>).</summary>
internal sealed partial class RecurrentEmitter
{
    /// <summary>
    /// The one-sequence forward, then the joined backward and partials: a plain narrow layer whose partials the model
    /// sums (the kernels the CPU thread schedule launches for it a thread per sequence). Null for any other layer.
    /// </summary>
    public override TrainingPassPart? TrainingPassPart
    {
        get
        {
            if (!JoinsBackwardAndPartials || HasSequenceBlocks || !SumsPartialsModelWide)
            {
                return null;
            }

            var d = directions[0];
            return new TrainingPassPart(
                new[] { new SampleKernel(Prefix + d.Tag + "Forward", "forward", ForwardArguments(d).Select(a => a.Value).ToList()) },
                new[] { new SampleKernel(BackwardWithPartialsMethod, "backpropagation through time, then the partial weight gradients", BackwardWithPartialsArguments(d).Select(a => a.Value).ToList()) });
        }
    }
}
