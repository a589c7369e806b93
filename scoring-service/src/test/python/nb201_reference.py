#!/usr/bin/env python3
"""PyTorch reference for the deterministic conformance case of docs/spec/nb201-and-mgm.md (section 5).

Builds NAS-Bench-201's TinyNetwork (C=16, N=5) in plain PyTorch, initialises it with the spec's sin formula,
and computes MGM the literal way: n single-sample forward/backward passes in training mode, the n x n Gram
matrix of the flattened gradients, and its mean. Prints one JSON object per architecture.

    /usr/bin/python3 nb201_reference.py --arch '|nor_conv_3x3~0|+|...|' [--arch ...] [--samples 50]
"""
import argparse
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

# NAS-Bench-201's network in PyTorch (pytorch-reference/), shared with the benchmarks against PyTorch.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), *[".."] * 4, "pytorch-reference"))
from nb201_torch import TinyNetwork, parse  # noqa: E402


def conformance_init(net):
    owners = {}
    for module in net.modules():
        for name, p in module.named_parameters(recurse=False):
            owners[id(p)] = (module, name)
    with torch.no_grad():
        for k, (_, p) in enumerate(net.named_parameters()):
            module, name = owners[id(p)]
            if isinstance(module, nn.BatchNorm2d):
                p.fill_(1.0 if name == "weight" else 0.0)
                continue
            if isinstance(module, nn.Conv2d):
                fan_in = module.in_channels * module.kernel_size[0] * module.kernel_size[1]
            else:
                fan_in = module.in_features
            i = torch.arange(p.numel(), dtype=torch.float64)
            p.copy_((torch.sin(0.37 * i + 1.3 * k) / math.sqrt(fan_in)).reshape(p.shape))


def sample(n):
    c, h, w = torch.meshgrid(torch.arange(3), torch.arange(32), torch.arange(32), indexing="ij")
    flat = (c * 1024 + h * 32 + w).to(torch.float64)
    return torch.sin(0.001 * flat + 0.5 * n).unsqueeze(0), torch.tensor([n % 10])


def run(arch, samples):
    net = TinyNetwork(parse(arch)).double()
    conformance_init(net)
    net.train()
    params = list(net.parameters())
    grads = []
    first = None
    for n in range(samples):
        x, y = sample(n)
        net.zero_grad(set_to_none=True)
        logits = net(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        grads.append(torch.cat([p.grad.reshape(-1).clone() for p in params]))
        if n == 0:
            first = (loss.item(), logits[0, :3].tolist())
    g = torch.stack(grads)
    gram = g @ g.T
    return {
        "architecture": arch,
        "precision": "float64",
        "mgm": gram.mean().item(),
        "sample0_loss": first[0],
        "sample0_logits": first[1],
        "parameter_count": sum(p.numel() for p in params),
        "engine": "PyTorch " + torch.__version__,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", action="append", required=True, help="NAS-Bench-201 string (repeatable)")
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for arch in args.arch:
        print(json.dumps(run(arch, args.samples)), flush=True)


if __name__ == "__main__":
    main()
