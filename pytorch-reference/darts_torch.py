"""The DARTS / NAS-Bench-301 scoring network in plain PyTorch, as NAS-Bench-Suite-Zero (Krishnakumar et al.,
NeurIPS 2022 Datasets and Benchmarks) built it with NASLib, independently of the service and of NASLib.

Follows (automl/NASLib, read at 0b51bc1, 2023-11; channels as before commit a4412f18, see below):
  naslib/search_spaces/nasbench301/graph.py        the macro graph, stem multiplier 3, cell preprocessing,
                                                    the per-edge ops (_set_ops), the head
  naslib/search_spaces/nasbench301/primitives.py   FactorizedReduce
  naslib/search_spaces/core/primitives.py          Stem, ReLUConvBN, SepConv, DilConv, MaxPool, AvgPool
  naslib/search_spaces/core/graph.py               forward: a node sums its inputs in input order
  naslib/search_spaces/nasbench301/conversions.py  compact form: (input, op index) pairs, OPS order
  naslib/search_spaces/__init__.py                 get_search_space: auxiliary=True for cifar10
  naslib/runners/zc/benchmarks/runner.py           set_spec, parse, ZeroCost.query
  naslib/predictors/utils/pruners/predictive.py    'flops' / 'params': tensorwatch ModelStats on the shape
                                                    1x3x32x32, / 1e6 (measures/model_stats.py)
  microsoft/tensorwatch tensorwatch/model_graph/torchstat_utils.py, torchstat/{analyzer,compute_flops}.py

Channels: 32, 64, 128 (stem 96). NASLib's graph.py had [32, 64, 128] until commit a4412f18 (2022-10-06,
"Reduce number of channels in NB301 graph") made it [16, 32, 64]; the suite's published params and flops
match 32/64/128 exactly and 16/32/64 not at all (0.226682 M params, 43.46 MFLOPs for the first test
architecture against 0.856298 and 153.499136), so the suite was computed before that commit. The
`channels` argument builds the later, narrower network.

The network: stem conv3x3(3 -> 3C) + BN; 8 cells N N R N N R N N with C = 32, 64, 128 (the reduction cells
are the 3rd and 6th, and double C); every cell preprocesses its two inputs (s0 from cell k-2, s1 from cell
k-1; the stem for both at cell 1) with ReLU-conv1x1-BN (affine), or with an affine FactorizedReduce when
s0 comes from before a reduction; the 4 intermediate nodes sum two ops each, the cell output concatenates
them (4C channels); head: global average pool, flatten, linear(512 -> classes), no ReLU before the pool.
Cell ops are those of DARTS's *search* model: BatchNorm without affine parameters, pooling followed by a
non-affine BatchNorm, skip_connect with stride 2 a non-affine FactorizedReduce; in a reduction cell only
the edges from the two cell inputs have stride 2. The auxiliary head that NASLib's graph has for CIFAR-10
is an identity edge unless prepare_evaluation() is called, which the suite did not do: no auxiliary head
here. No drop path.

What differs from DARTS's own evaluation network (Liu et al., ICLR 2019, NetworkCIFAR): there 20 cells with
36 initial channels (reductions at cells 7 and 14), an auxiliary head at 2/3 depth, drop path 0.2, and
cell ops with affine BatchNorm and pooling without BatchNorm; the suite's network has 8 cells, 32 channels,
no auxiliary head, non-affine cell ops and BatchNorm after pooling.

Counting, as tensorwatch's ModelStats counts in one forward pass (eval mode, batch of 1) with hooks on the
leaf modules, each module counted once (its last call):
  params: the parameters of the leaf modules that ran (BatchNorm running statistics are buffers, not counted)
  flops:  Conv2d  k_h * k_w * C_in * (C_out / groups) * H_out * W_out (+ C_out * H_out * W_out with a bias)
          BatchNorm2d  the input's elements, twice that when affine
          ReLU  the input's elements
          MaxPool2d / AvgPool2d  C * H_out * W_out * k * k
          AdaptiveAvgPool2d to 1x1  C * (H + 1) * (W + 1)  (tensorwatch's formula, +1 included)
          Linear  in * out (bias not counted)
          anything else (Identity, Flatten, the sums and concatenations between modules)  0
The suite's figures are these counts / 1e6.
"""
import ast

import torch
import torch.nn as nn

# NASLib's compact op index -> DARTS op name (conversions.py, convert_compact_to_genotype)
OPS = ["max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5",
       "dil_conv_3x3", "dil_conv_5x5"]
CONCAT = [2, 3, 4, 5]
CHANNELS = 32  # the suite's width (NASLib before a4412f18); NASLib's later default is 16
STEM_MULTIPLIER = 3
LAYOUT = "NNRNNRNN"
CELL_NAMES = ("normal", "reduce")


class ParseError(ValueError):
    pass


def parse(text):
    """Either DARTS's Genotype(normal=[(op, input) x 8], normal_concat=[2, 3, 4, 5], reduce=..., reduce_concat=...)
    or NASLib's compact [[(input, op index) x 8], [(input, op index) x 8]]; returns the canonical form
    ((normal (op, input) x 8), (reduce (op, input) x 8)), DARTS's order: edges 2i and 2i+1 feed node i."""
    if not isinstance(text, str):
        raise ParseError("architecture: expected a string, got %s" % type(text).__name__)
    text = text.strip()
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as e:
        raise ParseError("architecture: not a Genotype(...) nor a compact [[...], [...]] form: %s" % e.msg)
    if isinstance(tree, ast.Call):
        return _parse_genotype(tree)
    try:
        value = ast.literal_eval(tree)
    except ValueError:
        raise ParseError("architecture: not a Genotype(...) nor a literal compact [[...], [...]] form")
    return _parse_compact(value)


def _parse_genotype(call):
    if not (isinstance(call.func, ast.Name) and call.func.id == "Genotype"):
        raise ParseError("architecture: a call to something other than Genotype")
    fields = ["normal", "normal_concat", "reduce", "reduce_concat"]
    if len(call.args) > len(fields):
        raise ParseError("Genotype: %d positional arguments, at most 4" % len(call.args))
    given = {}
    for name, node in list(zip(fields, call.args)) + [(k.arg, k.value) for k in call.keywords]:
        if name not in fields:
            raise ParseError("Genotype: unknown field %r" % name)
        if name in given:
            raise ParseError("Genotype: field %r given twice" % name)
        given[name] = node
    missing = [f for f in fields if f not in given]
    if missing:
        raise ParseError("Genotype: missing field(s) %s" % ", ".join(missing))
    cells = []
    for cell in CELL_NAMES:
        concat = _literal_or_range(given[cell + "_concat"], cell + "_concat")
        if concat != CONCAT:
            raise ParseError("Genotype: %s_concat is %r; the suite's network concatenates %r" % (cell, concat, CONCAT))
        try:
            edges = ast.literal_eval(given[cell])
        except ValueError:
            raise ParseError("Genotype: %s is not a literal list of (op, input) pairs" % cell)
        if not isinstance(edges, (list, tuple)) or len(edges) != 8:
            raise ParseError("Genotype: %s must list 8 (op, input) pairs" % cell)
        pairs = []
        for i, edge in enumerate(edges):
            where = "Genotype: %s edge %d %r" % (cell, i, edge)
            if not isinstance(edge, (list, tuple)) or len(edge) != 2:
                raise ParseError(where + ": expected an (op, input) pair")
            op, source = edge
            if op not in OPS:
                raise ParseError(where + ": unknown op %r (known: %s)" % (op, ", ".join(OPS)))
            pairs.append((op, _check_input(source, i, where)))
        cells.append(_check_distinct(tuple(pairs), "Genotype: " + cell))
    return tuple(cells)


def _literal_or_range(node, what):
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range"
            and not node.keywords):
        try:
            return list(range(*[ast.literal_eval(a) for a in node.args]))
        except (ValueError, TypeError):
            raise ParseError("Genotype: %s is not a literal range" % what)
    try:
        value = ast.literal_eval(node)
    except ValueError:
        raise ParseError("Genotype: %s is not a literal list" % what)
    return list(value) if isinstance(value, (list, tuple)) else value


def _parse_compact(value):
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ParseError("compact: expected two cells [[(input, op) x 8], [(input, op) x 8]]")
    cells = []
    for cell, edges in zip(CELL_NAMES, value):
        if not isinstance(edges, (list, tuple)) or len(edges) != 8:
            raise ParseError("compact: %s cell must list 8 (input, op) pairs" % cell)
        pairs = []
        for i, edge in enumerate(edges):
            where = "compact: %s cell, pair %d %r" % (cell, i, edge)
            if not isinstance(edge, (list, tuple)) or len(edge) != 2:
                raise ParseError(where + ": expected an (input, op index) pair")
            source, op = edge
            if isinstance(op, bool) or not isinstance(op, int) or not 0 <= op < len(OPS):
                raise ParseError(where + ": op index must be an integer 0..%d" % (len(OPS) - 1))
            pairs.append((OPS[op], _check_input(source, i, where)))
        cells.append(_check_distinct(tuple(pairs), "compact: " + cell + " cell"))
    return tuple(cells)


def _check_input(source, edge, where):
    limit = edge // 2 + 2  # node i (edges 2i, 2i+1) reads the two cell inputs and nodes 0..i-1
    if isinstance(source, bool) or not isinstance(source, int) or not 0 <= source < limit:
        raise ParseError(where + ": input must be an integer 0..%d" % (limit - 1))
    return source


def _check_distinct(pairs, where):
    for node in range(4):
        a, b = pairs[2 * node][1], pairs[2 * node + 1][1]
        if a == b:
            # NASLib keys a cell's edges by (input, node): two ops from one input cannot be represented
            raise ParseError("%s, node %d: both edges read input %d" % (where, node + 2, a))
    return pairs


def to_compact(arch):
    return tuple(tuple((source, OPS.index(op)) for op, source in cell) for cell in arch)


def to_genotype(arch):
    normal, reduce = ([(op, source) for op, source in cell] for cell in arch)
    return "Genotype(normal=%r, normal_concat=%r, reduce=%r, reduce_concat=%r)" % (normal, CONCAT, reduce, CONCAT)


class ReLUConvBN(nn.Sequential):
    def __init__(self, c_in, c_out):
        super().__init__(nn.ReLU(), nn.Conv2d(c_in, c_out, 1, bias=False), nn.BatchNorm2d(c_out))


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out, affine):
        super().__init__()
        self.relu = nn.ReLU()
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.bn = nn.BatchNorm2d(c_out, affine=affine)

    def forward(self, x):
        x = self.relu(x)
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(x[:, :, 1:, 1:])], dim=1))


def sep_conv(c, kernel, stride):
    pad = kernel // 2
    return nn.Sequential(
        nn.ReLU(), nn.Conv2d(c, c, kernel, stride=stride, padding=pad, groups=c, bias=False),
        nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c, affine=False),
        nn.ReLU(), nn.Conv2d(c, c, kernel, padding=pad, groups=c, bias=False),
        nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c, affine=False))


def dil_conv(c, kernel, stride):
    return nn.Sequential(
        nn.ReLU(), nn.Conv2d(c, c, kernel, stride=stride, padding=kernel - 1, dilation=2, groups=c, bias=False),
        nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c, affine=False))


def make_op(op, c, stride):
    if op == "max_pool_3x3":
        return nn.Sequential(nn.MaxPool2d(3, stride=stride, padding=1), nn.BatchNorm2d(c, affine=False))
    if op == "avg_pool_3x3":
        return nn.Sequential(nn.AvgPool2d(3, stride=stride, padding=1, count_include_pad=False),
                             nn.BatchNorm2d(c, affine=False))
    if op == "skip_connect":
        return nn.Identity() if stride == 1 else FactorizedReduce(c, c, affine=False)
    if op.startswith("sep_conv_"):
        return sep_conv(c, int(op[-1]), stride)
    if op.startswith("dil_conv_"):
        return dil_conv(c, int(op[-1]), stride)
    raise ValueError(op)


class Cell(nn.Module):
    def __init__(self, pairs, c_prev_prev, c_prev, c, reduction, reduction_prev):
        super().__init__()
        self.preprocess0 = FactorizedReduce(c_prev_prev, c, affine=True) if reduction_prev \
            else ReLUConvBN(c_prev_prev, c)
        self.preprocess1 = ReLUConvBN(c_prev, c)
        self.sources = [source for _, source in pairs]
        self.ops = nn.ModuleList(make_op(op, c, 2 if reduction and source < 2 else 1) for op, source in pairs)

    def forward(self, s0, s1):
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        for node in range(4):
            edges = sorted((2 * node, 2 * node + 1), key=lambda e: self.sources[e])  # NASLib sums by input
            states.append(sum(self.ops[e](states[self.sources[e]]) for e in edges))
        return torch.cat(states[2:], dim=1)


class Network(nn.Module):
    def __init__(self, arch, c_in=3, classes=10, channels=CHANNELS, layout=LAYOUT):
        super().__init__()
        if isinstance(arch, str):
            arch = parse(arch)
        self.arch = arch
        c_stem = STEM_MULTIPLIER * channels
        self.stem = nn.Sequential(nn.Conv2d(c_in, c_stem, 3, padding=1, bias=False), nn.BatchNorm2d(c_stem))
        c_prev_prev, c_prev, c = c_stem, c_stem, channels
        reduction_prev = False
        cells = []
        for kind in layout:
            reduction = kind == "R"
            if reduction:
                c *= 2
            cells.append(Cell(arch[1] if reduction else arch[0], c_prev_prev, c_prev, c, reduction, reduction_prev))
            c_prev_prev, c_prev = c_prev, len(CONCAT) * c
            reduction_prev = reduction
        self.cells = nn.ModuleList(cells)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_prev, classes))

    def forward(self, x):
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        return self.head(s1)


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _flops(module, x, y):
    if isinstance(module, nn.Conv2d):
        k_h, k_w = module.kernel_size
        out_c, out_h, out_w = y.shape[1:]
        active = x.shape[0] * out_h * out_w
        bias = out_c * active if module.bias is not None else 0
        return k_h * k_w * x.shape[1] * (out_c // module.groups) * active + bias
    if isinstance(module, nn.BatchNorm2d):
        return x.numel() * (2 if module.affine else 1)
    if isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)):
        (k_h, k_w), (s, _), (p_h, p_w) = _pair(module.kernel_size), _pair(module.stride), _pair(module.padding)
        out_w = (x.shape[3] + 2 * p_h - k_h) // s + 1  # tensorwatch pairs padding[0] with the width
        out_h = (x.shape[2] + 2 * p_w - k_w) // s + 1
        return x.shape[0] * x.shape[1] * out_w * out_h * k_h * k_w
    if isinstance(module, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
        total = 0
        in_h, in_w = x.shape[2:]
        out_h, out_w = y.shape[2:]
        for i in range(out_h):
            rows = -(-(i + 1) * in_h // out_h) - (i * in_h // out_h) + 1
            for j in range(out_w):
                cols = -(-(j + 1) * in_w // out_w) - (j * in_w // out_w) + 1
                total += x.shape[0] * x.shape[1] * rows * cols
        return total
    if isinstance(module, (nn.ReLU, nn.ReLU6, nn.PReLU, nn.ELU, nn.LeakyReLU)):
        return x.numel()
    if isinstance(module, nn.Linear):
        return x.shape[0] * x.shape[1] * y.shape[1]
    return 0


def profile(model, input_shape=(1, 3, 32, 32)):
    """(params, flops) as tensorwatch's ModelStats counts them: one forward pass in eval mode on a random
    input, a hook on every leaf module, each module's last call counted."""
    seen = {}

    def hook(module, inputs, output):
        params = sum(p.numel() for p in module.parameters())
        seen[module] = (params, int(_flops(module, inputs[0], output)))

    leaves = [m for m in model.modules() if not list(m.children())]
    handles = [m.register_forward_hook(hook) for m in leaves]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(torch.rand(*input_shape))
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return sum(p for p, _ in seen.values()), sum(f for _, f in seen.values())


def count_params(model, input_shape=(1, 3, 32, 32)):
    """NAS-Bench-Suite-Zero's 'params' is this / 1e6."""
    return profile(model, input_shape)[0]


def count_flops(model, input_shape=(1, 3, 32, 32)):
    """NAS-Bench-Suite-Zero's 'flops' is this / 1e6."""
    return profile(model, input_shape)[1]
