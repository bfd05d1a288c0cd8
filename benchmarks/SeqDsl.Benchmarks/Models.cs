using SeqDsl;
using static SeqDsl.Cell;

namespace SeqDsl.Benchmarks;

/// <summary>W1: the seed's seq-to-seq model.</summary>
[SequenceModel(InputFeatures = 1)]
[Recurrent(LSTM, 20, ReturnSequences = true)]
[Recurrent(LSTM, 20, ReturnSequences = true)]
[TimeDistributed(Dense = 10)]
public partial class SeqToSeqLstm { }
