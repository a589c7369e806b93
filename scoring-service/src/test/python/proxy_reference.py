#!/usr/bin/env python3
"""PyTorch reference for the zero-cost NAS proxies of docs/spec/zero-cost-proxies.md.

Builds NAS-Bench-201's TinyNetwork (pytorch-reference/nb201_torch.py) for each architecture string exactly as written,
in float64 with the conformance initialisation of docs/spec/nb201-and-mgm.md (section 5), training mode, and
prints one JSON line per architecture:

    {"architecture": ARCH, "values": {"params": ..., "flops": ..., ...}, "errors": {"synflow": "reason", ...}}

A proxy whose value is NaN or infinite (or whose computation fails) is reported under "errors" instead.

    /usr/bin/python3 proxy_reference.py --arch ARCH [--arch ...] [--batch-size 64] [--samples 50] [--threads 2]
        [--images FILE --labels FILE] [--channels 3 --height 32 --width 32 --classes 10] [--proxies a,b,...]

Data: 2B images x_0..x_{2B-1}; batch 1 is images 0..B-1, batch 2 is images B..2B-1, MGM uses images 0..N-1.
Without --images: the conformance case, x_n[c][h][w] = sin(0.001 * (c * 1024 + h * 32 + w) + 0.5 * n), label
n mod classes. With --images FILE: raw little-endian float64, shape [2B, channels, height, width] (NCHW, already
normalised, used as is), and --labels FILE: raw little-endian int32, 2B values.
"""
import argparse
import copy
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# NAS-Bench-201's network in PyTorch (pytorch-reference/), shared with the benchmarks against PyTorch; the
# initialisation is nb201_reference.py's.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, *[".."] * 4, "pytorch-reference"))
sys.path.insert(0, HERE)
from nb201_reference import conformance_init  # noqa: E402
from nb201_torch import ReLUConvBN, TinyNetwork, parse  # noqa: E402

PROXIES = {}


def proxy(name):
    """Registers fn(net, data) -> number under name; net is a fresh, conformance-initialised network."""
    def register(fn):
        PROXIES[name] = fn
        return fn
    return register


def weights(net):
    return [m.weight for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def loss_grads(net, x, y, params):
    """Fresh gradients of the mean cross-entropy on (x, y) w.r.t. params (zeros where none flows)."""
    net.zero_grad(set_to_none=True)
    F.cross_entropy(net(x), y).backward()
    return [torch.zeros_like(p) if p.grad is None else p.grad.detach().clone() for p in params]


@proxy("params")
def params(net, data):
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


@proxy("flops")
def flops(net, data):
    total = []

    def count(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            k_h, k_w = module.kernel_size
            c_out, h_out, w_out = output.shape[1:]
            total.append(c_out * h_out * w_out * (module.in_channels // module.groups) * k_h * k_w)
        else:
            total.append(module.in_features * module.out_features)

    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            m.register_forward_hook(count)
    with torch.no_grad():
        net(data.x1[:1])
    return sum(total) / 1e6


@proxy("grad_norm")
def grad_norm(net, data):
    return sum(g.norm().item() for g in loss_grads(net, data.x1, data.y1, weights(net)))


@proxy("snip")
def snip(net, data):
    ws = weights(net)
    return sum((w.detach() * g).abs().sum().item() for w, g in zip(ws, loss_grads(net, data.x1, data.y1, ws)))


@proxy("synflow")
def synflow(net, data):
    net = copy.deepcopy(net).double()
    for parent in list(net.modules()):
        for name, child in parent.named_children():
            if isinstance(child, nn.BatchNorm2d):
                setattr(parent, name, nn.Identity())
    with torch.no_grad():
        for p in net.parameters():
            p.abs_()
    net.zero_grad(set_to_none=True)
    net(torch.ones((1,) + data.x1.shape[1:], dtype=torch.float64)).sum().backward()
    score = sum((w.detach() * w.grad).abs().sum().item() for w in weights(net) if w.grad is not None)
    return math.log(score) if score > 0 else -math.inf


@proxy("naswot")
def naswot(net, data):
    b = data.x1.shape[0]
    kernel = torch.zeros(b, b, dtype=torch.float64)

    def add(relu_input):
        nonlocal kernel
        c = (relu_input > 0).to(torch.float64).reshape(b, -1)
        kernel = kernel + c @ c.T + (1 - c) @ (1 - c).T

    for m in net.modules():
        if isinstance(m, ReLUConvBN):
            m.register_forward_pre_hook(lambda module, inputs: add(inputs[0]))
    net.last.register_forward_hook(lambda module, inputs, output: add(output))
    with torch.no_grad():
        net(data.x1)
    return torch.linalg.slogdet(kernel).logabsdet.item()


@proxy("jacov")
def jacov(net, data):
    x = data.x1.clone().requires_grad_(True)
    net.zero_grad(set_to_none=True)
    net(x).sum().backward()
    v = torch.linalg.eigvalsh(torch.corrcoef(x.grad.reshape(x.shape[0], -1))) + 1e-5
    return -(torch.log(v) + 1 / v).sum().item()


@proxy("zico")
def zico(net, data):
    ws = weights(net)
    g1 = loss_grads(net, data.x1, data.y1, ws)
    g2 = loss_grads(net, data.x2, data.y2, ws)
    score = 0.0
    for a, b in zip(g1, g2):
        # The population std of two values is exactly |a - b| / 2; torch.std would subtract a rounded mean,
        # whose error dominates where the two gradients nearly agree (and m / std is largest).
        std, mean_abs = (a - b).abs() / 2, (a.abs() + b.abs()) / 2
        s = (mean_abs[std > 0] / std[std > 0]).sum().item()
        if s > 0:
            score += math.log(s)
    return score


@proxy("mgm")
def mgm(net, data):
    n = data.samples
    if n > data.images.shape[0]:
        raise ValueError(f"needs {n} samples, have {data.images.shape[0]} images")
    ps = list(net.parameters())
    g = torch.stack([torch.cat([t.reshape(-1) for t in loss_grads(net, data.images[i:i + 1], data.labels[i:i + 1], ps)])
                     for i in range(n)])
    return (g @ g.T).mean().item()


class Data:
    def __init__(self, images, labels, batch, samples):
        self.images, self.labels, self.samples = images, labels, samples
        self.x1, self.y1 = images[:batch], labels[:batch]
        self.x2, self.y2 = images[batch:2 * batch], labels[batch:2 * batch]


def conformance_images(count, channels, height, width, classes):
    c, h, w = torch.meshgrid(torch.arange(channels), torch.arange(height), torch.arange(width), indexing="ij")
    flat = (c * 1024 + h * 32 + w).to(torch.float64)
    images = torch.stack([torch.sin(0.001 * flat + 0.5 * n) for n in range(count)])
    return images, torch.arange(count) % classes


def load_data(args):
    count = 2 * args.batch_size
    if args.images is None:
        images, labels = conformance_images(max(count, args.samples), args.channels, args.height, args.width,
                                            args.classes)
        return Data(images, labels, args.batch_size, args.samples)
    shape = (count, args.channels, args.height, args.width)
    raw = np.fromfile(args.images, dtype="<f8")
    ys = np.fromfile(args.labels, dtype="<i4")
    if raw.size != np.prod(shape) or ys.size != count:
        sys.exit(f"expected {count} images of {shape[1:]} and {count} labels, got {raw.size} values and {ys.size}")
    images = torch.from_numpy(raw.astype(np.float64).reshape(shape))
    return Data(images, torch.from_numpy(ys.astype(np.int64)), args.batch_size, args.samples)


def build(arch, args):
    net = TinyNetwork(parse(arch), c_in=args.channels, classes=args.classes).double()
    conformance_init(net)
    return net.train()


def evaluate(arch, names, data, args):
    values, errors = {}, {}
    for name in names:
        try:
            value = PROXIES[name](build(arch, args), data)
        except Exception as e:  # a failing proxy is an error for that proxy only
            errors[name] = f"{type(e).__name__}: {e}"
            continue
        if isinstance(value, float) and not math.isfinite(value):
            errors[name] = f"value is {value}"
        else:
            values[name] = value
    return {"architecture": arch, "values": values, "errors": errors}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", action="append", required=True, help="NAS-Bench-201 string (repeatable)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--samples", type=int, default=50, help="MGM's n")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--images")
    parser.add_argument("--labels")
    parser.add_argument("--channels", type=int, default=3)
    parser.add_argument("--height", type=int, default=32)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--proxies", default=",".join(PROXIES), help="comma-separated names (default: all)")
    args = parser.parse_args()
    names = [n for n in args.proxies.split(",") if n]
    if any(n not in PROXIES for n in names):
        parser.error(f"unknown proxy in {names}; known: {', '.join(PROXIES)}")
    if (args.images is None) != (args.labels is None):
        parser.error("--images and --labels go together")
    torch.set_num_threads(args.threads)
    data = load_data(args)
    for arch in args.arch:
        print(json.dumps(evaluate(arch, names, data, args)), flush=True)


if __name__ == "__main__":
    main()
