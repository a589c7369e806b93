#!/usr/bin/env python3
"""Per-op profile of PyTorch's batched MGM pass (bin/knas-bench ops).

For each architecture: two unprofiled warm-up computations of kernel_reference.batched_mgm (network
construction, PyTorch's initialisation, one forward+backward with per-sample normalisation, the sum of squares),
then --repeats computations under torch.autograd.profiler with input shapes recorded. Prints one JSON object per
architecture: {"arch", "wall_us" (mean per computation, profiled), "ops": [[name, input shapes, calls, self
microseconds], ...]} with calls and self time summed over the repeats and divided by them, so the service's
profile of the same computation can be set beside it op by op. Then, unprofiled, the network's main ops alone on
their shapes (median milliseconds of --isolated-runs after 5 warm-ups) as one more line, {"torch_version",
"isolated": [[op, shape, ms], ...]}, in the order and on the inputs that knas-bench ops times them in the engine.
"""
import argparse
import collections
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kernel_reference import batched_mgm, samples  # noqa: E402


def profile(arch, x, y, repeats):
    batched_mgm(arch, x, y)
    batched_mgm(arch, x, y)
    with torch.autograd.profiler.profile(record_shapes=True) as prof:
        start = time.perf_counter()
        for _ in range(repeats):
            batched_mgm(arch, x, y)
        wall = time.perf_counter() - start
    calls = collections.Counter()
    self_us = collections.Counter()
    for event in prof.function_events:
        key = (event.name, json.dumps(event.input_shapes, separators=(",", ":")))
        calls[key] += 1
        self_us[key] += event.self_cpu_time_total
    ops = [[name, json.loads(shapes), calls[(name, shapes)] / repeats, self_us[(name, shapes)] / repeats]
           for name, shapes in calls]
    return {"arch": arch, "wall_us": wall / repeats * 1e6, "ops": ops}


STAGES = ((16, 32), (32, 16), (64, 8))


def median_ms(run, runs):
    for _ in range(5):
        run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def isolated(n, runs):
    """Convolutions 3x3 and 1x1, per-sample BatchNorm and ReLU of each stage, forward and forward + backward."""
    rows = []
    for channels, size in STAGES:
        shape = "%dx%dx%dx%d" % (n, channels, size, size)
        x = torch.randn(n, channels, size, size)
        w = torch.randn(channels, channels, 3, 3) * 0.1
        pointwise = torch.randn(channels, channels, 1, 1) * 0.1
        g = torch.randn(n, channels, size, size)
        gamma = torch.ones(channels)
        beta = torch.zeros(channels)

        # Fresh leaves each run, so gradients are new tensors as in a real computation, not accumulated.
        def conv():
            F.conv2d(x, w, None, 1, 1)

        def conv_backward():
            xr, wr = x.detach().requires_grad_(), w.detach().requires_grad_()
            (F.conv2d(xr, wr, None, 1, 1) * g).sum().backward()

        def pointwise_conv():
            F.conv2d(x, pointwise, None, 1, 0)

        def pointwise_conv_backward():
            xr, wr = x.detach().requires_grad_(), pointwise.detach().requires_grad_()
            (F.conv2d(xr, wr, None, 1, 0) * g).sum().backward()

        def norm_backward():
            xr, gr, br = x.detach().requires_grad_(), gamma.detach().requires_grad_(), beta.detach().requires_grad_()
            folded = xr.reshape(1, n * channels, size, size)
            out = F.batch_norm(folded, None, None, gr.repeat(n), br.repeat(n), True, 0.1, 1e-5)
            (out.reshape(n, channels, size, size) * g).sum().backward()

        def relu_backward():
            xr = x.detach().requires_grad_()
            (F.relu(xr) * g).sum().backward()

        rows.append(["conv 3x3, forward", shape, median_ms(conv, runs)])
        rows.append(["conv 3x3, forward+backward", shape, median_ms(conv_backward, runs)])
        rows.append(["conv 1x1, forward", shape, median_ms(pointwise_conv, runs)])
        rows.append(["conv 1x1, forward+backward", shape, median_ms(pointwise_conv_backward, runs)])
        rows.append(["per-sample batch norm, forward+backward", shape, median_ms(norm_backward, runs)])
        rows.append(["ReLU, forward+backward", shape, median_ms(relu_backward, runs)])
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", action="append", required=True)
    parser.add_argument("--cifar-dir", required=True)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--isolated-runs", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    x, y = samples(args.cifar_dir, args.samples, args.seed)
    torch.manual_seed(args.seed)
    for arch in args.arch:
        print(json.dumps(profile(arch, x, y, args.repeats)), flush=True)
    print(json.dumps({"torch_version": torch.__version__, "isolated": isolated(args.samples, args.isolated_runs)}),
          flush=True)


if __name__ == "__main__":
    main()
