#!/usr/bin/env python3
"""PyTorch reference for NesterovSgd: torch.optim.SGD(nesterov=True) on p = (1, -2, 0.5) in float64, loss
sum(c_k * p^2) at step k with learning rate lr_k. Prints the parameters after the steps as one JSON list.

    /usr/bin/python3 sgd_reference.py --momentum 0.9 --weight-decay 5e-4 --step 1.0,0.1 --step 3.0,0.05 ...
"""
import argparse
import json

import torch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--momentum", type=float, required=True)
    parser.add_argument("--weight-decay", type=float, required=True)
    parser.add_argument("--step", action="append", required=True, help="c,lr (repeatable)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    p = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
    # PyTorch refuses Nesterov without momentum; with momentum 0 both are plain SGD.
    sgd = torch.optim.SGD([p], lr=1.0, momentum=args.momentum, weight_decay=args.weight_decay,
                          nesterov=args.momentum > 0)
    for step in args.step:
        c, lr = (float(v) for v in step.split(","))
        for group in sgd.param_groups:
            group["lr"] = lr
        sgd.zero_grad()
        (c * p * p).sum().backward()
        sgd.step()
    print(json.dumps(p.detach().tolist()))


if __name__ == "__main__":
    main()
