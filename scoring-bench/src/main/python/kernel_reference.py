#!/usr/bin/env python3
"""PyTorch baselines of the gradient-kernel benchmark (bin/knas-bench kernel-vs-pytorch).

For each architecture: builds NAS-Bench-201's TinyNetwork with PyTorch's default initialisation and computes MGM
on n CIFAR-10 training images (float32, training mode), timing network construction plus the passes:
  per-sample  what the KNAS code does: n single-image forward+backward passes, then the Gram matrix;
  batched     one forward+backward of the n images with per-sample normalisation (instance statistics in every
              BatchNorm), the floor for this definition of MGM.
Runs as a worker, so that the benchmark can time the service and PyTorch in turn under the same conditions: after
one warm-up computation of --warm-up-arch, reads one architecture per line from standard input, computes it once
and prints {"arch", "mode", "seconds", "mgm"} as one JSON line; ends at the end of its input.
"""
import argparse
import gzip
import json
import os
import random
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# NAS-Bench-201's network in PyTorch, shared with the conformance tests (pytorch-reference/).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), *[".."] * 4, "pytorch-reference"))
from nb201_torch import TinyNetwork, parse  # noqa: E402

MEAN = [125.3 / 255, 123.0 / 255, 113.9 / 255]
STD = [63.0 / 255, 62.1 / 255, 66.7 / 255]
RECORD = 1 + 3 * 32 * 32


def cifar_train(folder):
    data = bytearray()
    for b in range(1, 6):
        name = os.path.join(folder, "data_batch_%d.bin" % b)
        opener = gzip.open if not os.path.exists(name) else open
        with opener(name if os.path.exists(name) else name + ".gz", "rb") as f:
            data += f.read()
    count = len(data) // RECORD
    raw = torch.frombuffer(data, dtype=torch.uint8).reshape(count, RECORD)
    return raw[:, 1:].reshape(count, 3, 32, 32), raw[:, 0].long()


def samples(folder, n, seed):
    images, labels = cifar_train(folder)
    chosen = random.Random(seed).sample(range(len(labels)), n)
    x = images[chosen].float() / 255
    x = (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)
    return x.contiguous(), labels[chosen]


def per_sample_mgm(arch, x, y):
    net = TinyNetwork(parse(arch)).train()
    params = list(net.parameters())
    grads = []
    for i in range(len(y)):
        net.zero_grad(set_to_none=True)
        F.cross_entropy(net(x[i:i + 1]), y[i:i + 1]).backward()
        grads.append(torch.cat([p.grad.reshape(-1) for p in params]))
    g = torch.stack(grads)
    return (g @ g.T).mean().item()


def batched_mgm(arch, x, y):
    net = TinyNetwork(parse(arch)).train()
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.forward = lambda t, m=m: F.instance_norm(t, weight=m.weight, bias=m.bias, eps=m.eps)
    net.zero_grad(set_to_none=True)
    F.cross_entropy(net(x), y, reduction="sum").backward()
    total = sum((p.grad.double() ** 2).sum() for p in net.parameters())
    return (total / len(y) ** 2).item()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["per-sample", "batched"], required=True)
    parser.add_argument("--cifar-dir", required=True)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--warm-up-arch", required=True, help="computed once first (thread pools, allocator)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    x, y = samples(args.cifar_dir, args.samples, args.seed)
    compute = per_sample_mgm if args.mode == "per-sample" else batched_mgm
    torch.manual_seed(args.seed)
    compute(args.warm_up_arch, x, y)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        arch = line.strip()
        start = time.perf_counter()
        mgm = compute(arch, x, y)
        seconds = time.perf_counter() - start
        print(json.dumps({"arch": arch, "mode": args.mode, "seconds": seconds, "mgm": mgm}), flush=True)


if __name__ == "__main__":
    main()
