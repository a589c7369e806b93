"""darts_torch against NAS-Bench-Suite-Zero's published params and flops (millions, CIFAR-10 input), the two
text forms, a training step, and the parser's errors. Run: /usr/bin/python3 -m pytest pytorch-reference/tests"""
import ast
import os
import sys

import pytest
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import darts_torch  # noqa: E402

torch.set_num_threads(1)

# NASLib compact form, NAS-Bench-Suite-Zero's params (M) and flops (M)
PUBLISHED = [
    ("[[(0, 0), (1, 5), (1, 1), (0, 1), (1, 3), (0, 3), (1, 3), (3, 2)], "
     "[(1, 0), (0, 2), (1, 3), (0, 3), (3, 0), (0, 1), (2, 0), (3, 6)]]", 0.856298, 153.499136),
    ("[[(1, 0), (0, 5), (2, 4), (0, 4), (3, 2), (0, 0), (2, 6), (0, 1)], "
     "[(0, 3), (1, 2), (2, 0), (0, 5), (1, 3), (0, 2), (3, 4), (4, 1)]]", 0.913066, 162.051584),
    ("[[(1, 2), (0, 2), (1, 2), (0, 0), (1, 6), (3, 6), (3, 0), (2, 6)], "
     "[(0, 1), (1, 1), (2, 3), (1, 0), (1, 5), (0, 0), (2, 4), (0, 1)]]", 0.672234, 125.9904),
]

# DARTS_V2 from DARTS's genotypes.py, and the same architecture in NASLib's compact form, written by hand
DARTS_V2 = ("Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), "
            "('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], "
            "normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), "
            "('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), "
            "('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])")
DARTS_V2_COMPACT = ("[[(0, 3), (1, 3), (0, 3), (1, 3), (1, 3), (0, 2), (0, 2), (2, 5)], "
                    "[(0, 0), (1, 0), (2, 2), (1, 0), (0, 0), (2, 2), (2, 2), (1, 0)]]")


@pytest.mark.parametrize("arch,params,flops", PUBLISHED)
def test_published_params_and_flops(arch, params, flops):
    model = darts_torch.Network(arch)
    p, f = darts_torch.profile(model)
    assert abs(p / 1e6 - params) <= 1e-6, (p, params)
    assert abs(f / 1e6 - flops) <= 1e-6, (f, flops)
    assert p == round(params * 1e6) and f == round(flops * 1e6)
    assert darts_torch.count_params(model) == p == sum(x.numel() for x in model.parameters())
    assert darts_torch.count_flops(model) == f


def _built(arch):
    torch.manual_seed(0)
    model = darts_torch.Network(arch)
    torch.manual_seed(1)
    x = torch.randn(2, 3, 32, 32)
    model.eval()
    with torch.no_grad():
        y = model(x)
    return model, y


@pytest.mark.parametrize("genotype,compact", [
    (DARTS_V2, DARTS_V2_COMPACT),
    (darts_torch.to_genotype(darts_torch.parse(PUBLISHED[0][0])), PUBLISHED[0][0]),
])
def test_both_forms_build_the_same_network(genotype, compact):
    assert darts_torch.parse(genotype) == darts_torch.parse(compact)
    assert darts_torch.to_compact(darts_torch.parse(genotype)) == tuple(tuple(map(tuple, cell)) for cell in ast.literal_eval(compact))
    a, ya = _built(genotype)
    b, yb = _built(compact)
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert str(a) == str(b)
    assert torch.equal(ya, yb)
    assert darts_torch.profile(a) == darts_torch.profile(b)


def test_genotype_accepts_range_and_positional_fields():
    normal, reduce = darts_torch.parse(DARTS_V2)
    text = "Genotype(%r, range(2, 6), %r, range(2, 6))" % (list(normal), list(reduce))
    assert darts_torch.parse(text) == (normal, reduce)


def test_forward_and_backward_in_train_mode():
    torch.manual_seed(0)
    model = darts_torch.Network(PUBLISHED[1][0])
    model.train()
    x = torch.randn(2, 3, 32, 32)
    y = model(x)
    assert y.shape == (2, 10)
    loss = torch.nn.functional.cross_entropy(y, torch.tensor([3, 7]))
    loss.backward()
    assert torch.isfinite(loss)
    for name, p in model.named_parameters():
        assert p.grad is not None, name
        assert torch.isfinite(p.grad).all(), name
    assert model.training


def test_shapes_through_the_cells():
    model = darts_torch.Network(PUBLISHED[2][0])
    shapes = []
    hooks = [c.register_forward_hook(lambda m, i, o: shapes.append(tuple(o.shape))) for c in model.cells]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, 32, 32))
    for h in hooks:
        h.remove()
    assert shapes == [(1, 128, 32, 32)] * 2 + [(1, 256, 16, 16)] * 3 + [(1, 512, 8, 8)] * 3


@pytest.mark.parametrize("text,fragment", [
    ("Genotype(normal=[('sep_conv_7x7', 0)] + [('skip_connect', 1)] * 7, normal_concat=[2, 3, 4, 5], "
     "reduce=[], reduce_concat=[2, 3, 4, 5])", "normal is not a literal"),
    (DARTS_V2.replace("('dil_conv_3x3', 2)", "('conv_7x1_1x7', 2)"), "normal edge 7"),
    (DARTS_V2.replace("('dil_conv_3x3', 2)", "('dil_conv_3x3', 5)"), "normal edge 7 ('dil_conv_3x3', 5): input must be an integer 0..4"),
    (DARTS_V2.replace("reduce_concat=[2, 3, 4, 5]", "reduce_concat=[4, 5]"), "reduce_concat"),
    (DARTS_V2.replace(", reduce_concat=[2, 3, 4, 5]", ""), "missing field(s) reduce_concat"),
    (DARTS_V2.replace("normal=", "normals="), "unknown field 'normals'"),
    (DARTS_V2.replace("Genotype(", "Genotyp("), "other than Genotype"),
    (DARTS_V2.replace("('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0)",
                      "('sep_conv_3x3', 0), ('sep_conv_3x3', 0), ('sep_conv_3x3', 0)", 1), "node 2: both edges read input 0"),
    (PUBLISHED[0][0].replace("(3, 6)]]", "(3, 7)]]"), "reduce cell, pair 7 (3, 7): op index"),
    (PUBLISHED[0][0].replace("(1, 1), (0, 1)", "(3, 1), (0, 1)", 1), "normal cell, pair 2 (3, 1): input must be an integer 0..2"),
    (PUBLISHED[0][0].replace("(3, 2)]", "(3, 2), (0, 0)]"), "normal cell must list 8"),
    (PUBLISHED[0][0].replace("(0, 0)", "(0, 0, 1)", 1), "pair 0 (0, 0, 1): expected an (input, op index) pair"),
    (PUBLISHED[0][0][:-1], "not a Genotype"),
    ("[[(0, 0)] * 8] * 2", "not a Genotype(...) nor a literal"),
    ("[[(0, 0), (1, 0)]]", "expected two cells"),
])
def test_parse_errors_name_the_bad_part(text, fragment):
    with pytest.raises(darts_torch.ParseError) as e:
        darts_torch.parse(text)
    assert fragment in str(e.value)
