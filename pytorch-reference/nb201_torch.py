"""NAS-Bench-201's TinyNetwork (C = 16, N = 5) in plain PyTorch, as docs/spec/nb201-and-mgm.md (section 3)
defines it, independently of the service: shared by the conformance references (scoring-service/src/test/python)
and the benchmarks against PyTorch (scoring-bench/src/main/python).
"""
import torch.nn as nn
import torch.nn.functional as F

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]


def parse(arch):
    ops = {}
    for target, node in enumerate(arch.split("+"), start=1):
        for edge in node.strip("|").split("|"):
            op, source = edge.split("~")
            assert op in OPS, op
            ops[(target, int(source))] = op
    assert sorted(ops) == sorted(EDGES), arch
    return [ops[e] for e in EDGES]


class ReLUConvBN(nn.Module):
    def __init__(self, c_in, c_out, kernel, stride):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=(kernel - 1) // 2, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        return self.bn(self.conv(F.relu(x)))


class Cell(nn.Module):
    def __init__(self, ops, channels):
        super().__init__()
        self.ops = ops
        self.edges = nn.ModuleList()
        for op in ops:
            if op == "nor_conv_1x1":
                self.edges.append(ReLUConvBN(channels, channels, 1, 1))
            elif op == "nor_conv_3x3":
                self.edges.append(ReLUConvBN(channels, channels, 3, 1))
            else:
                self.edges.append(nn.Identity())

    def forward(self, x):
        nodes = [x]
        for target in range(1, 4):
            total = 0
            for source in range(target):
                e = EDGES.index((target, source))
                op, module, inp = self.ops[e], self.edges[e], nodes[source]
                if op == "none":
                    total = total + inp * 0.0
                elif op == "skip_connect":
                    total = total + inp
                elif op == "avg_pool_3x3":
                    total = total + F.avg_pool2d(inp, 3, stride=1, padding=1, count_include_pad=False)
                else:
                    total = total + module(inp)
            nodes.append(total)
        return nodes[3]


class Reduction(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.a = ReLUConvBN(c_in, c_out, 3, 2)
        self.b = ReLUConvBN(c_out, c_out, 3, 1)
        self.shortcut = nn.Sequential(nn.AvgPool2d(2, stride=2, padding=0),
                                      nn.Conv2d(c_in, c_out, 1, bias=False))

    def forward(self, x):
        return self.b(self.a(x)) + self.shortcut(x)


class TinyNetwork(nn.Module):
    def __init__(self, ops, c_in=3, classes=10, channels=16, cells=5):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(c_in, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels))
        blocks = []
        c = channels
        for stage in range(3):
            if stage > 0:
                blocks.append(Reduction(c, 2 * c))
                c *= 2
            blocks.extend(Cell(ops, c) for _ in range(cells))
        self.blocks = nn.ModuleList(blocks)
        self.last = nn.BatchNorm2d(c)
        self.classifier = nn.Linear(c, classes)

    def forward(self, x):
        x = self.stem(x)
        for block in self.blocks:
            x = block(x)
        x = F.relu(self.last(x))
        return self.classifier(x.mean(dim=(2, 3)))
