"""PyTorch (cuDNN) side of the device check's workloads W1, W3 and W5 on the GPU, for ratios against SeqDsl's CUDA
figures in the same run. Same shapes, batch sizes and optimizer as benchmarks/SeqDsl.Benchmarks; random data (timing
only: the loss-level comparison with SeqDsl is the CPU benchmark's job). Prints one line per figure."""
import time

import torch
from torch import nn


class SeqToSeqLstm(nn.Module):  # W1, W5: LSTM(20) -> LSTM(20) -> TimeDistributed(Dense(10))
    def __init__(self):
        super().__init__()
        self.l1 = nn.LSTM(1, 20, batch_first=True)
        self.l2 = nn.LSTM(20, 20, batch_first=True)
        self.out = nn.Linear(20, 10)

    def forward(self, x):
        return self.out(self.l2(self.l1(x)[0])[0])


class WideGru(nn.Module):  # W3: GRU(128) -> GRU(128) -> Dense(1) on the last step
    def __init__(self):
        super().__init__()
        self.g1 = nn.GRU(1, 128, batch_first=True)
        self.g2 = nn.GRU(128, 128, batch_first=True)
        self.out = nn.Linear(128, 1)

    def forward(self, x):
        return self.out(self.g2(self.g1(x)[0])[0][:, -1])


def sync():
    torch.cuda.synchronize()


def epoch(net, x, y, batch):
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.MSELoss()
    sync()
    start = time.perf_counter()
    for i in range(0, x.shape[0], batch):
        opt.zero_grad()
        loss = loss_fn(net(x[i:i + batch]), y[i:i + batch])
        loss.backward()
        opt.step()
    sync()
    return time.perf_counter() - start


def best(n, f):
    return min(f() for _ in range(n))


def main():
    dev = torch.device("cuda")
    torch.manual_seed(42)
    print(f"torch {torch.__version__}, cuDNN {torch.backends.cudnn.version()}, {torch.cuda.get_device_name(0)}")
    x = torch.rand(7000, 50, 1, device=dev)
    y = torch.rand(7000, 50, 10, device=dev)
    net = SeqToSeqLstm().to(dev)
    epoch(net, x[:320], y[:320], 32)
    print(f"torch W1 epoch 7,000x50 batch 32: {best(3, lambda: epoch(net, x, y, 32)):.4f} s")
    xv = torch.rand(2000, 50, 1, device=dev)

    def infer(inputs, to_host=False):
        sync()
        start = time.perf_counter()
        with torch.no_grad():
            out = net(inputs)
            if to_host:  # what SeqDsl's Predict returns: the predictions in host memory
                out = out.cpu()
        sync()
        return time.perf_counter() - start

    infer(xv)
    print(f"torch W1 inference 2,000 series: {best(3, lambda: infer(xv)):.5f} s")
    print(f"torch W1 inference 2,000 series, predictions copied to host: {best(3, lambda: infer(xv, True)):.5f} s")
    one = xv[:1]
    infer(one)
    calls = 300
    latency = best(3, lambda: sum(infer(one) for _ in range(calls))) / calls
    print(f"torch W5 batch-1 latency: {latency * 1e6:.0f} us")
    many = torch.rand(4096, 50, 1, device=dev)
    infer(many)
    print(f"torch W5 batch 4,096: {4096 / best(3, lambda: infer(many)):,.0f} seq/s")
    print(f"torch W5 batch 4,096, predictions copied to host: {4096 / best(3, lambda: infer(many, True)):,.0f} seq/s")

    wide = WideGru().to(dev)
    xw = torch.rand(128, 256, 1, device=dev)
    yw = torch.rand(128, 1, device=dev)
    epoch(wide, xw, yw, 64)
    print(f"torch W3 training step (GRU(128)x2, 256 steps, batch 64): {best(3, lambda: epoch(wide, xw, yw, 64)) / 2:.5f} s")


if __name__ == "__main__":
    main()
