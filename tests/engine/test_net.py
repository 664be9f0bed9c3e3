"""Trainable networks (cnn_tui.engine.net): spec grammar, PyTorch-style parameters, shapes,
initialisation, forward against a plain-loop reference, whole-network gradients against finite
differences, dtypes and a sanity training run.

Golden values come from hand calculation or from the plain loops below, never from the engine.
"""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest

from cnn_tui.engine.net import MAX_PARAMS, LayerSpec, LayerSummary, Network, parse_spec
from cnn_tui.engine.optim import SGD, Adam
from cnn_tui.engine.shapes import EngineError

LECTURE = "conv 8 3, relu, conv 8 3, relu, maxpool 2, flatten, dense 32, relu, dense 2"


def one_sentence(message: str) -> None:
    assert message and "\n" not in message
    assert not re.search(r"[.!?]\s+[A-Z]", message), message


# --- plain-loop reference network (nothing from the engine) -----------------------------------
def ref_forward(spec: str, params: dict, x: np.ndarray) -> np.ndarray:
    """The network ``spec`` on the batch ``x`` with nested Python loops over everything."""
    out = []
    for example in np.asarray(x, dtype=float):
        a = example.tolist()
        shape = list(example.shape)
        for index, layer in enumerate(s.strip() for s in spec.split(",")):
            words = layer.split()
            kind, nums = words[0], words[1:]
            if kind == "conv":
                k = int(nums[1])
                opts = dict(zip(nums[2::2], map(int, nums[3::2])))
                a, shape = ref_conv(a, shape, params[f"{index}.weight"], params[f"{index}.bias"],
                                    k, opts.get("stride", 1), opts.get("pad", 0))
            elif kind == "relu":
                a = ref_map(a, lambda v: v if v > 0 else 0.0)
            elif kind in ("maxpool", "avgpool"):
                k = int(nums[0])
                stride = int(nums[2]) if len(nums) > 2 else k
                a, shape = ref_pool(a, shape, k, stride, kind)
            elif kind == "flatten":
                a, shape = ref_flatten(a), [math.prod(shape)]
            elif kind == "dense":
                w, b = params[f"{index}.weight"], params[f"{index}.bias"]
                a = [sum(float(w[o][i]) * a[i] for i in range(len(a))) + float(b[o])
                     for o in range(len(b))]
                shape = [len(b)]
        out.append(a)
    return np.array(out)


def ref_map(a, fn):
    return [ref_map(v, fn) for v in a] if isinstance(a, list) else fn(a)


def ref_flatten(a):
    return [v for item in a for v in ref_flatten(item)] if isinstance(a, list) else [a]


def ref_conv(a, shape, w, b, k, stride, pad):
    """One example (C, *S) -> (F, *out); cells outside the input read 0."""
    c, spatial = shape[0], shape[1:]
    out = [(n + 2 * pad - k) // stride + 1 for n in spatial]
    flat = np.array(a, dtype=float)
    result = np.zeros([w.shape[0]] + out)
    for f in range(w.shape[0]):
        for o in itertools.product(*(range(m) for m in out)):
            total = float(b[f])
            for ch in range(c):
                for kk in itertools.product(range(k), repeat=len(spatial)):
                    pos = [oi * stride + ki - pad for oi, ki in zip(o, kk)]
                    if all(0 <= p < n for p, n in zip(pos, spatial)):
                        total += float(w[(f, ch) + kk]) * flat[(ch, *pos)]
            result[(f, *o)] = total
    return result.tolist(), [w.shape[0]] + out


def ref_pool(a, shape, k, stride, kind):
    c, spatial = shape[0], shape[1:]
    out = [(n - k) // stride + 1 for n in spatial]
    flat = np.array(a, dtype=float)
    result = np.zeros([c] + out)
    for ch in range(c):
        for o in itertools.product(*(range(m) for m in out)):
            vals = [flat[(ch, *[oi * stride + ki for oi, ki in zip(o, kk)])]
                    for kk in itertools.product(range(k), repeat=len(spatial))]
            result[(ch, *o)] = max(vals) if kind == "maxpool" else sum(vals) / len(vals)
    return result.tolist(), [c] + out


def ref_loss(logits, labels) -> float:
    total = 0.0
    for row, y in zip(logits, labels):
        top = max(row)
        lse = top + math.log(sum(math.exp(v - top) for v in row))
        total += lse - row[y]
    return total / len(labels)


# --- spec grammar -----------------------------------------------------------------------------
def test_lecture_spec_parses_to_its_layers():
    assert parse_spec(LECTURE) == (
        LayerSpec("conv", 8, 3), LayerSpec("relu"), LayerSpec("conv", 8, 3), LayerSpec("relu"),
        LayerSpec("maxpool", 0, 2, 2), LayerSpec("flatten"), LayerSpec("dense", 32),
        LayerSpec("relu"), LayerSpec("dense", 2))


def test_options_case_spaces_and_canonical_spec():
    layers = parse_spec("  CONV 4 3 pad 1   stride 2 ,Relu,maxpool 3 stride 1, avgpool 2 stride 2,"
                        "FLATTEN , dense 5")
    assert layers == (LayerSpec("conv", 4, 3, 2, 1), LayerSpec("relu"),
                      LayerSpec("maxpool", 0, 3, 1), LayerSpec("avgpool", 0, 2, 2),
                      LayerSpec("flatten"), LayerSpec("dense", 5))
    net = Network.from_spec("CONV 4 3 pad 1  stride 2, Relu, maxpool 3 stride 1, flatten, "
                            "dense 5", input_shape=(1, 9, 9))
    assert net.spec == "conv 4 3 stride 2 pad 1, relu, maxpool 3 stride 1, flatten, dense 5"
    assert parse_spec("conv 2 3 stride 1 pad 0, maxpool 2 stride 2")[0].text == "conv 2 3"
    assert parse_spec("maxpool 2 stride 2")[0].text == "maxpool 2"


@pytest.mark.parametrize("spec, words", [
    ("", "empty"),
    ("   ", "empty"),
    ("conv 8 3,, relu", "layer 1 of the network spec is empty"),
    ("conv 8 3, relu,", "layer 2 of the network spec is empty"),
    ("maxpol 2", "did you mean 'maxpool'"),
    ("softmax", "unknown layer 'softmax' (layer 0)"),
    ("conv 8", "needs a number of filters and a kernel size"),
    ("conv", "needs a number of filters and a kernel size"),
    ("conv 8 stride 2", "needs a number of filters and a kernel size"),
    ("conv eight 3", "must be a whole number"),
    ("conv 0 3", "must be at least 1"),
    ("conv 8 0", "must be at least 1"),
    ("conv 8 3 stride 0", "stride must be at least 1"),
    ("conv 8 3 pad -1", "pad must be a whole number"),
    ("conv 8 3 stride", "stride needs a number"),
    ("conv 8 3 stride 2 stride 1", "gives stride twice"),
    ("conv 8 3 strides 2", "unknown option 'strides'"),
    ("conv 8 3 4", "one number too many"),
    ("relu 3", "takes no numbers"),
    ("flatten 2", "takes no numbers"),
    ("dense 3 4", "takes only a number of outputs"),
    ("dense", "needs a number of outputs"),
    ("dense 2.5", "must be a whole number"),
    ("dense 99999999", "at most 1,000,000"),
    ("maxpool", "needs a window size"),
    ("maxpool 2 pad 1", "unknown option 'pad'"),
    ("avgpool 2 stride x", "stride must be a whole number"),
    (", ".join(["relu"] * 101), "more than the 100 allowed"),
    ("dense " + "9" * 20000, "characters long"),
])
def test_bad_specs_are_refused_with_one_sentence(spec, words):
    with pytest.raises(EngineError) as info:
        parse_spec(spec)
    assert words in str(info.value)
    one_sentence(str(info.value))
    with pytest.raises(EngineError):
        Network.from_spec(spec, input_shape=(1, 9, 9))


def test_a_spec_must_be_text():
    with pytest.raises(EngineError, match="must be text"):
        Network.from_spec(["conv 8 3"], input_shape=(1, 9, 9))


@pytest.mark.parametrize("spec, shape, words", [
    ("conv 8 11, flatten, dense 2", (1, 9, 9), "would give an empty output: its 11x11 kernel"),
    ("conv 8 12 pad 1, flatten, dense 2", (1, 9, 9), "padded to 11x11"),
    ("conv 8 3, maxpool 8, flatten, dense 2", (1, 9, 9), "'maxpool 8' (layer 1) would give an "
                                                         "empty output"),
    ("conv 8 3, dense 2", (1, 9, 9), "needs a flat input but gets maps of shape (8, 7, 7); put "
                                     "'flatten' before it"),
    ("flatten, conv 8 3, flatten, dense 2", (1, 9, 9), "needs maps"),
    ("maxpool 2, dense 2", (3,), "needs maps"),
    ("conv 8 3", (1, 9, 9), "must end with one score per class"),
    ("conv 8 3, relu, maxpool 2", (1, 9, 9), "end it with 'flatten, dense N'"),
    ("flatten, dense 100000, dense 1000", (1, 9, 9), f"more than the {MAX_PARAMS:,} allowed"),
    ("conv 1000000 1, flatten, dense 2", (1, 9, 9), "would hold 81,000,000 values"),
])
def test_layers_that_do_not_fit_are_refused(spec, shape, words):
    parse_spec(spec)  # the grammar is fine
    with pytest.raises(EngineError) as info:
        Network.from_spec(spec, input_shape=shape)
    assert words in str(info.value)
    one_sentence(str(info.value))


@pytest.mark.parametrize("kw, words", [
    (dict(input_shape=()), "input_shape must be"),
    (dict(input_shape=(1, 2, 3, 4, 5)), "input_shape must be"),
    (dict(input_shape=(0, 9, 9)), "from 1 to"),
    (dict(input_shape=(1.5, 9, 9)), "whole numbers"),
    (dict(input_shape=(True, 9, 9)), "whole numbers"),
    (dict(input_shape="199"), "input_shape must be"),
    (dict(input_shape=9), "input_shape must be"),
    (dict(input_shape=(1, 9, 9), dtype=np.float16), "float32 or float64"),
    (dict(input_shape=(1, 9, 9), dtype=np.int32), "float32 or float64"),
    (dict(input_shape=(1, 9, 9), dtype="bogus"), "float32 or float64"),
    (dict(input_shape=(1, 9, 9), dtype=None), "float32 or float64"),
    (dict(input_shape=(1, 9, 9), seed=-1), "seed"),
    (dict(input_shape=(1, 9, 9), seed=1.5), "seed"),
])
def test_bad_settings_are_refused(kw, words):
    with pytest.raises(EngineError, match=re.escape(words)):
        Network.from_spec("conv 2 3, flatten, dense 2", **kw)


def test_flatten_of_a_flat_input_is_allowed_and_changes_nothing():
    net = Network.from_spec("flatten, dense 3, flatten", input_shape=(4,))
    assert [r.output_shape for r in net.summary()] == [(4,), (3,), (3,)]


# --- parameters and summary ---------------------------------------------------------------------
def test_lecture_params_are_named_and_shaped_as_pytorch_state_dict():
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9))
    # nn.Sequential(Conv2d(1,8,3), ReLU(), Conv2d(8,8,3), ReLU(), MaxPool2d(2), Flatten(),
    #               Linear(32,32), ReLU(), Linear(32,2)).state_dict(), written out by hand:
    expected = [("0.weight", (8, 1, 3, 3)), ("0.bias", (8,)),
                ("2.weight", (8, 8, 3, 3)), ("2.bias", (8,)),
                ("6.weight", (32, 32)), ("6.bias", (32,)),
                ("8.weight", (2, 32)), ("8.bias", (2,))]
    assert isinstance(net.params, dict)
    assert [(k, v.shape) for k, v in net.params.items()] == expected
    assert net.num_params == 80 + 584 + 1056 + 66 == 1786
    assert net.num_classes == 2 and net.output_shape == (2,)


def test_lecture_summary_by_hand():
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9))
    # 9-3+1 = 7; 7-3+1 = 5; floor(5/2) = 2; 8*2*2 = 32.
    # params: 8*1*9+8 = 80; 8*8*9+8 = 584; 32*32+32 = 1056; 32*2+2 = 66.
    assert net.summary() == [
        LayerSummary(0, "conv 8 3", "conv", (8, 7, 7), 80),
        LayerSummary(1, "relu", "relu", (8, 7, 7), 0),
        LayerSummary(2, "conv 8 3", "conv", (8, 5, 5), 584),
        LayerSummary(3, "relu", "relu", (8, 5, 5), 0),
        LayerSummary(4, "maxpool 2", "maxpool", (8, 2, 2), 0),
        LayerSummary(5, "flatten", "flatten", (32,), 0),
        LayerSummary(6, "dense 32", "dense", (32,), 1056),
        LayerSummary(7, "relu", "relu", (32,), 0),
        LayerSummary(8, "dense 2", "dense", (2,), 66),
    ]


def test_summary_with_stride_padding_and_pools():
    net = Network.from_spec("conv 4 3 stride 2 pad 1, avgpool 2 stride 1, maxpool 3 stride 2, "
                            "flatten, dense 3", input_shape=(3, 12, 10))
    # conv: (12+2-3)//2+1 = 6, (10+2-3)//2+1 = 5; avgpool 2/1: 5x4; maxpool 3/2: 2x1.
    assert [(r.output_shape, r.params) for r in net.summary()] == [
        ((4, 6, 5), 4 * 3 * 9 + 4), ((4, 5, 4), 0), ((4, 2, 1), 0), ((8,), 0), ((3,), 27)]


def test_one_and_three_dimensional_inputs():
    net1 = Network.from_spec("conv 3 3 pad 1, maxpool 2, flatten, dense 2", input_shape=(2, 9))
    assert net1.params["0.weight"].shape == (3, 2, 3)
    assert [r.output_shape for r in net1.summary()] == [(3, 9), (3, 4), (12,), (2,)]
    net3 = Network.from_spec("conv 2 2, avgpool 2, flatten, dense 2", input_shape=(1, 5, 5, 5))
    assert net3.params["0.weight"].shape == (2, 1, 2, 2, 2)
    assert [r.output_shape for r in net3.summary()] == [(2, 4, 4, 4), (2, 2, 2, 2), (16,), (2,)]


def test_init_follows_pytorch_bounds_drawn_in_order_from_default_rng():
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=7, dtype=np.float64)
    rng = np.random.default_rng(7)
    fan_in = {"0": 1 * 3 * 3, "2": 8 * 3 * 3, "6": 32, "8": 32}
    for key, a in net.params.items():   # weight then bias, layer by layer, float64 draws
        bound = 1 / math.sqrt(fan_in[key.split(".")[0]])
        np.testing.assert_array_equal(a, rng.uniform(-bound, bound, size=a.shape))
        assert np.all(np.abs(a) <= bound)
        if a.size >= 64:  # spread over the whole range, not a narrower one
            assert a.max() > 0.8 * bound and a.min() < -0.8 * bound


def test_init_is_determined_by_the_seed_and_rounds_the_same_draws_to_float32():
    a = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=3)
    b = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=3)
    c = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=4)
    d = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=3, dtype=np.float64)
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])
        assert not np.array_equal(a.params[key], c.params[key])
        np.testing.assert_array_equal(a.params[key], d.params[key].astype(np.float32))
    assert Network.from_spec(LECTURE, (1, 9, 9)).params["0.bias"].tolist() == \
        Network(LECTURE, (1, 9, 9), seed=0).params["0.bias"].tolist()


# --- forward ----------------------------------------------------------------------------------
REFERENCE_SPECS = [
    ("conv 3 3 stride 2 pad 1, relu, maxpool 2 stride 1, flatten, dense 4, relu, dense 3",
     (2, 5, 5)),
    ("conv 2 2 pad 1, relu, avgpool 2, conv 2 2, flatten, dense 2", (1, 6, 6)),
    ("avgpool 3 stride 2, flatten, dense 3, relu, dense 2", (2, 7, 7)),
    ("maxpool 3 stride 2, conv 2 2 stride 2, relu, flatten, dense 2", (1, 9, 9)),
    ("dense 5, relu, dense 3", (6,)),
    ("conv 3 3 stride 2 pad 1, relu, maxpool 2, flatten, dense 2", (2, 8)),
    ("conv 2 3 pad 2, relu, maxpool 2, flatten, dense 2", (1, 3, 4)),
]


@pytest.mark.parametrize("spec, shape", REFERENCE_SPECS)
def test_forward_matches_the_plain_loop_network(spec, shape):
    net = Network.from_spec(spec, input_shape=shape, seed=1, dtype=np.float64)
    x = np.random.default_rng(2).normal(size=(3,) + shape)
    np.testing.assert_allclose(net.forward(x), ref_forward(spec, net.params, x), rtol=1e-12,
                               atol=1e-12)


def test_lecture_forward_matches_the_plain_loop_network_in_float32():
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=5)
    x = np.random.default_rng(6).choice([-1.0, 1.0], size=(2, 1, 9, 9))
    got = net.forward(x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, ref_forward(LECTURE, net.params, x), rtol=1e-5, atol=1e-5)


def test_the_callers_arrays_are_never_changed():
    net = Network.from_spec("conv 2 3 pad 1, relu, maxpool 2, flatten, dense 2",
                            input_shape=(1, 4, 4), dtype=np.float64)
    x = np.random.default_rng(0).normal(size=(2, 1, 4, 4))
    labels = np.array([0, 1])
    keep = x.copy(), {k: v.copy() for k, v in net.params.items()}
    net.forward(x)
    net.loss_and_grads(x, labels)
    np.testing.assert_array_equal(x, keep[0])
    for key, value in keep[1].items():
        np.testing.assert_array_equal(net.params[key], value)


def test_a_batch_gives_what_each_example_gives_alone():
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=2, dtype=np.float64)
    x = np.random.default_rng(3).normal(size=(5, 1, 9, 9))
    whole = net.forward(x)
    for i in range(5):
        np.testing.assert_allclose(whole[i], net.forward(x[i:i + 1])[0], rtol=1e-12, atol=1e-12)


def test_activations_give_every_layer_output_and_probabilities_sum_to_one():
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=2)
    x = np.random.default_rng(3).normal(size=(4, 1, 9, 9))
    acts = net.activations(x)
    assert [a.shape[1:] for a in acts] == [r.output_shape for r in net.summary()]
    assert all(a.shape[0] == 4 and a.dtype == np.float32 for a in acts)
    assert np.all(acts[1] >= 0) and np.all(acts[3] >= 0)           # after ReLU
    np.testing.assert_array_equal(acts[-1], net.forward(x))
    p = net.predict_proba(x)
    z = net.forward(x).astype(np.float64)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(p, e / e.sum(axis=1, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(net.predict(x), np.argmax(z, axis=1))


def test_writing_into_params_changes_the_network_and_replacing_them_badly_is_refused():
    net = Network.from_spec("flatten, dense 2", input_shape=(1, 1, 2))
    net.params["1.weight"][...] = [[1.0, 0.0], [0.0, 2.0]]
    net.params["1.bias"][...] = [0.5, -0.5]
    np.testing.assert_array_equal(net.forward([[[[3.0, 4.0]]]]), [[3.5, 7.5]])
    net.params["1.bias"] = np.zeros(2, dtype=np.float32)       # same shape and dtype: fine
    np.testing.assert_array_equal(net.forward([[[[3.0, 4.0]]]]), [[3.0, 8.0]])
    net.params["1.bias"] = np.zeros(2)                          # float64 in a float32 network
    with pytest.raises(EngineError, match="must be a float32 array of shape"):
        net.forward([[[[3.0, 4.0]]]])
    del net.params["1.bias"]
    with pytest.raises(EngineError, match="1.bias"):
        net.loss_and_grads([[[[3.0, 4.0]]]], [0])


@pytest.mark.parametrize("x, words", [
    (np.zeros((2, 9, 9)), "must be a batch of shape (N, 1, 9, 9), got (2, 9, 9)"),
    (np.zeros((2, 1, 9, 8)), "got (2, 1, 9, 8)"),
    (np.zeros((0, 1, 9, 9)), "the batch is empty"),
    (np.full((1, 1, 9, 9), np.nan), "NaN or infinity"),
    (np.full((1, 1, 9, 9), 1e300), "NaN or infinity"),
    (np.full((1, 1, 9, 9), "a"), "must be numbers"),
])
def test_bad_inputs_are_refused(x, words):
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9))
    with pytest.raises(EngineError, match=re.escape(words)):
        net.forward(x)
    with pytest.raises(EngineError, match=re.escape(words)):
        net.loss_and_grads(x, np.zeros(len(x), dtype=int))


def test_a_batch_too_large_for_the_cell_cap_is_refused_before_any_work():
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9))
    assert net.max_batch == 50_000_000 // (8 * 7 * 7)
    x = np.broadcast_to(np.float32(0), (net.max_batch + 1, 1, 9, 9))
    with pytest.raises(EngineError, match="too large for this network"):
        net.forward(x)


@pytest.mark.parametrize("labels, words", [
    ([0.0, 1.0], "whole numbers"),
    ([True, False], "whole numbers"),
    ([0, 2], "from 0 to 1, got 2"),
    ([-1, 0], "got -1"),
    ([0, 1, 1], "expected shape (2,)"),
    ([[0, 1]], "expected shape (2,)"),
])
def test_bad_labels_are_refused(labels, words):
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9))
    with pytest.raises(EngineError, match=re.escape(words)):
        net.loss_and_grads(np.zeros((2, 1, 9, 9)), labels)


# --- loss and gradients ---------------------------------------------------------------------
def test_cross_entropy_on_two_classes_by_hand():
    # "flatten, dense 2" with identity weights and zero bias: the logits are the input.
    net = Network.from_spec("dense 2", input_shape=(2,), dtype=np.float64)
    net.params["0.weight"][...] = np.eye(2)
    net.params["0.bias"][...] = 0
    x = np.array([[1.0, 2.0], [0.0, 0.0]])
    loss, grads = net.loss_and_grads(x, [0, 1])
    # row 0: -log(e/(e+e^2)) = log(1+e); row 1: -log(1/2) = log 2.
    assert loss == pytest.approx((math.log(1 + math.e) + math.log(2)) / 2, rel=1e-14)
    p0 = 1 / (1 + math.e)                    # softmax([1, 2])[0]
    dz = np.array([[p0 - 1, 1 - p0], [0.5, -0.5]]) / 2
    np.testing.assert_allclose(grads["0.weight"], dz.T @ x, rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(grads["0.bias"], dz.sum(axis=0), rtol=1e-14, atol=1e-16)
    assert net.loss(x, [0, 1]) == pytest.approx(loss, rel=1e-15)
    assert net.accuracy(x, [0, 0]) == 0.5   # row 0 predicts 1; row 1 ties and predicts 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_is_stable_for_huge_logits(dtype):
    net = Network.from_spec("dense 2", input_shape=(2,), dtype=dtype)
    net.params["0.weight"][...] = np.eye(2)
    net.params["0.bias"][...] = 0
    loss, grads = net.loss_and_grads(np.array([[1000.0, 0.0], [0.0, -1000.0]]), [1, 1])
    assert loss == pytest.approx(1000.0, rel=1e-6)        # (1000 + 1000) / 2
    assert all(np.isfinite(g).all() for g in grads.values())
    np.testing.assert_allclose(net.predict_proba(np.array([[1000.0, 0.0]])), [[1.0, 0.0]])


def numeric_grads(net, x, labels, eps=1e-6):
    grads = {}
    for key, a in net.params.items():
        g = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            old = a[i]
            a[i] = old + eps
            plus = net.loss(x, labels)
            a[i] = old - eps
            minus = net.loss(x, labels)
            a[i] = old
            g[i] = (plus - minus) / (2 * eps)
        grads[key] = g
    return grads


@pytest.mark.parametrize("spec, shape", REFERENCE_SPECS)
def test_whole_network_gradients_match_finite_differences(spec, shape):
    net = Network.from_spec(spec, input_shape=shape, seed=11, dtype=np.float64)
    rng = np.random.default_rng(12)
    x = rng.normal(size=(3,) + shape)
    labels = rng.integers(0, net.num_classes, size=3)
    loss, grads = net.loss_and_grads(x, labels)
    assert loss == pytest.approx(ref_loss(ref_forward(spec, net.params, x).tolist(), labels),
                                 rel=1e-12)
    assert list(grads) == list(net.params)
    numeric = numeric_grads(net, x, labels)
    for key in net.params:
        assert grads[key].shape == net.params[key].shape
        np.testing.assert_allclose(grads[key], numeric[key], rtol=1e-5, atol=1e-8, err_msg=key)


def test_lecture_network_gradients_match_finite_differences():
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=4, dtype=np.float64)
    rng = np.random.default_rng(5)
    x = rng.choice([-1.0, 1.0], size=(2, 1, 9, 9))
    loss, grads = net.loss_and_grads(x, [0, 1])
    numeric = numeric_grads(net, x, [0, 1])
    for key in net.params:
        np.testing.assert_allclose(grads[key], numeric[key], rtol=1e-5, atol=1e-8, err_msg=key)


def test_a_tied_max_pool_window_passes_its_gradient_once():
    # conv 1 1 with weight 1, bias 0 copies the input; every 2x2 window of ones is a tie.
    net = Network.from_spec("conv 1 1, maxpool 2, flatten, dense 2", input_shape=(1, 2, 2),
                            dtype=np.float64)
    net.params["0.weight"][...] = 1.0
    net.params["0.bias"][...] = 0.0
    net.params["3.weight"][...] = [[1.0], [-1.0]]
    net.params["3.bias"][...] = 0.0
    loss, grads = net.loss_and_grads(np.ones((1, 1, 2, 2)), [0])
    # pooled p = 1, logits (1, -1); dL/dlogits = softmax - onehot = (s0 - 1, 1 - s0);
    # dL/dp = 1*(s0 - 1) - 1*(1 - s0) = 2*(s0 - 1); dL/dw = dL/dp * x[first max] = dL/dp * 1.
    s0 = math.exp(1) / (math.exp(1) + math.exp(-1))
    assert grads["0.weight"].item() == pytest.approx(2 * (s0 - 1), rel=1e-12)
    assert grads["0.bias"].item() == pytest.approx(2 * (s0 - 1), rel=1e-12)
    assert loss == pytest.approx(-math.log(s0), rel=1e-12)


# --- dtypes -----------------------------------------------------------------------------------
def test_float32_by_default_everywhere():
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9))
    assert net.dtype == np.float32
    x = np.random.default_rng(0).normal(size=(3, 1, 9, 9))     # float64 input is converted
    assert all(a.dtype == np.float32 for a in net.params.values())
    assert net.forward(x).dtype == np.float32
    assert all(a.dtype == np.float32 for a in net.activations(x))
    loss, grads = net.loss_and_grads(x, [0, 1, 0])
    assert isinstance(loss, float)
    assert all(g.dtype == np.float32 for g in grads.values())


def test_float64_on_request_everywhere():
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9), dtype="float64")
    x = np.random.default_rng(0).normal(size=(3, 1, 9, 9)).astype(np.float32)
    assert net.dtype == np.float64
    assert all(a.dtype == np.float64 for a in net.params.values())
    assert net.forward(x).dtype == np.float64
    assert all(a.dtype == np.float64 for a in net.activations(x))
    assert all(g.dtype == np.float64 for g in net.loss_and_grads(x, [0, 1, 0])[1].values())
    ints = np.ones((1, 1, 9, 9), dtype=int)                     # whole numbers are converted too
    assert net.forward(ints).dtype == np.float64


def test_float32_and_float64_networks_agree():
    x = np.random.default_rng(1).normal(size=(4, 1, 9, 9))
    a = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=9)
    b = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=9, dtype=np.float64)
    for key in b.params:
        b.params[key][...] = a.params[key]
    np.testing.assert_allclose(a.forward(x), b.forward(x), rtol=1e-4, atol=1e-5)
    la, ga = a.loss_and_grads(x, [0, 1, 1, 0])
    lb, gb = b.loss_and_grads(x, [0, 1, 1, 0])
    assert la == pytest.approx(lb, rel=1e-5)
    for key in ga:
        np.testing.assert_allclose(ga[key], gb[key], rtol=1e-3, atol=1e-5)


def test_copy_is_independent():
    net = Network.from_spec(LECTURE, input_shape=(1, 9, 9), seed=1)
    twin = net.copy()
    x = np.ones((1, 1, 9, 9))
    np.testing.assert_array_equal(twin.forward(x), net.forward(x))
    twin.params["8.bias"][...] += 1
    assert not np.array_equal(twin.forward(x), net.forward(x))


# --- training ---------------------------------------------------------------------------------
def bars(n: int, seed: int):
    """9x9 pictures of a vertical (class 0) or horizontal (class 1) bar of +1 on -1 with a little
    noise: trivially separable. The bars keep off the last two rows and columns, which the
    floor-mode 2x2 pooling of a 7x7 map never sees."""
    rng = np.random.default_rng(seed)
    x = np.full((n, 1, 9, 9), -1.0)
    labels = np.arange(n) % 2
    for i in range(n):
        at = rng.integers(0, 7)
        if labels[i] == 0:
            x[i, 0, :, at] = 1.0
        else:
            x[i, 0, at, :] = 1.0
    return x + rng.normal(scale=0.1, size=x.shape), labels


@pytest.mark.parametrize("make_opt", [lambda: Adam(0.01), lambda: SGD(0.05, momentum=0.9)],
                         ids=["adam", "sgd-momentum"])
def test_a_tiny_network_learns_a_separable_set(make_opt):
    x, labels = bars(32, seed=0)
    net = Network.from_spec("conv 4 3, relu, maxpool 2, flatten, dense 2", input_shape=(1, 9, 9),
                            seed=0)
    opt = make_opt()
    order = np.random.default_rng(1)
    first = net.loss(x, labels)
    accuracy = 0.0
    for _ in range(20):
        idx = order.permutation(32)
        for s in range(0, 32, 8):
            batch = idx[s:s + 8]
            _, grads = net.loss_and_grads(x[batch], labels[batch])
            opt.step(net.params, grads)
        accuracy = net.accuracy(x, labels)
        if accuracy == 1.0:
            break
    assert accuracy == 1.0
    assert net.loss(x, labels) < first
