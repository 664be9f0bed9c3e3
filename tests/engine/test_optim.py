"""SGD and Adam against PyTorch's update formulas written out by hand, step by step, and the
softmax cross-entropy of cnn_tui.engine.loss by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cnn_tui.engine.loss import cross_entropy, log_softmax, softmax_cross_entropy
from cnn_tui.engine.net import Network
from cnn_tui.engine.optim import SGD, Adam
from cnn_tui.engine.shapes import EngineError

P0 = [1.0, -2.0, 0.5, 0.0]
GRADS = [[0.5, -1.0, 0.25, 2.0], [0.1, 0.3, -0.2, -1.5], [-0.4, 0.0, 0.6, 0.7]]


def run(opt, dtype=np.float64, steps=3):
    """Three steps of ``opt`` on one parameter, returning the values after each step."""
    params = {"w": np.array(P0, dtype=dtype)}
    seen = []
    for g in GRADS[:steps]:
        opt.step(params, {"w": np.array(g, dtype=dtype)})
        seen.append(params["w"].copy())
    return seen


def sgd_by_hand(lr, momentum=0.0, weight_decay=0.0, dampening=0.0, nesterov=False):
    """torch.optim.SGD's rule, one element at a time in plain Python floats."""
    p = list(P0)
    buf = [None] * len(p)
    out = []
    for grads in GRADS:
        for i, g in enumerate(grads):
            g = g + weight_decay * p[i]
            if momentum:
                buf[i] = g if buf[i] is None else momentum * buf[i] + (1 - dampening) * g
                g = g + momentum * buf[i] if nesterov else buf[i]
            p[i] = p[i] - lr * g
        out.append(list(p))
    return out


def adam_by_hand(lr, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0):
    """torch.optim.Adam's rule, one element at a time in plain Python floats."""
    p = list(P0)
    m = [0.0] * len(p)
    v = [0.0] * len(p)
    out = []
    for t, grads in enumerate(GRADS, start=1):
        for i, g in enumerate(grads):
            g = g + weight_decay * p[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            m_hat_step = lr / (1 - b1 ** t)
            denom = math.sqrt(v[i]) / math.sqrt(1 - b2 ** t) + eps
            p[i] = p[i] - m_hat_step * m[i] / denom
        out.append(list(p))
    return out


# --- SGD --------------------------------------------------------------------------------------
def test_sgd_momentum_by_hand_numbers():
    # p = 1, g = 0.5 every step, lr 0.1, momentum 0.9:
    # buf 0.5 -> p 0.95; buf 0.9*0.5 + 0.5 = 0.95 -> p 0.855; buf 0.9*0.95 + 0.5 = 1.355 -> 0.7195
    opt = SGD(0.1, momentum=0.9)
    params = {"w": np.array([1.0])}
    seen = []
    for _ in range(3):
        opt.step(params, {"w": np.array([0.5])})
        seen.append(params["w"].item())
    assert seen == pytest.approx([0.95, 0.855, 0.7195], rel=1e-14)


def test_sgd_weight_decay_by_hand_numbers():
    # g' = g + 0.1 * p: 0.5 + 0.1 = 0.6 -> p = 1 - 0.1*0.6 = 0.94
    opt = SGD(0.1, weight_decay=0.1)
    params = {"w": np.array([1.0])}
    opt.step(params, {"w": np.array([0.5])})
    assert params["w"].item() == pytest.approx(0.94, rel=1e-15)


@pytest.mark.parametrize("kw", [
    dict(lr=0.1),
    dict(lr=0.1, momentum=0.9),
    dict(lr=0.05, momentum=0.9, weight_decay=0.01),
    dict(lr=0.05, momentum=0.5, dampening=0.3, weight_decay=0.1),
    dict(lr=0.1, momentum=0.9, nesterov=True),
    dict(lr=0.1, momentum=0.8, nesterov=True, weight_decay=0.2),
])
def test_sgd_follows_pytorch_for_three_steps(kw):
    seen = run(SGD(**kw))
    np.testing.assert_allclose(seen, sgd_by_hand(**kw), rtol=1e-13, atol=1e-15)


# --- Adam -------------------------------------------------------------------------------------
def test_adam_first_step_moves_by_the_learning_rate_times_the_sign():
    # m = 0.1 g, v = 0.001 g^2; m/(1-0.9) = g, sqrt(v)/sqrt(1-0.999) = |g|:
    # p1 = p0 - lr * g / (|g| + eps)
    opt = Adam(0.01)
    params = {"w": np.array(P0)}
    g = np.array(GRADS[0])
    opt.step(params, {"w": g})
    np.testing.assert_allclose(params["w"], np.array(P0) - 0.01 * g / (np.abs(g) + 1e-8),
                               rtol=1e-12)


@pytest.mark.parametrize("kw", [
    dict(lr=0.001),
    dict(lr=0.01, b1=0.8, b2=0.99, eps=1e-6),
    dict(lr=0.01, b1=0.5, b2=0.9),            # torch's lerp takes its other form at weight 0.5
    dict(lr=0.01, b1=0.3, b2=0.9),
    dict(lr=0.02, weight_decay=0.1),
])
def test_adam_follows_pytorch_for_three_steps(kw):
    b1, b2 = kw.get("b1", 0.9), kw.get("b2", 0.999)
    opt = Adam(kw["lr"], betas=(b1, b2), eps=kw.get("eps", 1e-8),
               weight_decay=kw.get("weight_decay", 0.0))
    np.testing.assert_allclose(run(opt), adam_by_hand(**kw), rtol=1e-12, atol=1e-15)


def test_adam_counts_steps_per_parameter_and_reset_forgets():
    opt = Adam(0.01)
    a = {"w": np.array(P0)}
    opt.step(a, {"w": np.array(GRADS[0])})
    assert opt.state["w"]["step"] == 1
    opt.reset()
    b = {"w": np.array(P0)}
    opt.step(b, {"w": np.array(GRADS[0])})
    np.testing.assert_array_equal(a["w"], b["w"])


# --- both -------------------------------------------------------------------------------------
@pytest.mark.parametrize("opt", [SGD(0.1, momentum=0.9, weight_decay=0.01), Adam(0.01)],
                         ids=["sgd", "adam"])
def test_float32_stays_float32_and_close_to_float64(opt):
    seen = run(opt, dtype=np.float32)
    assert all(s.dtype == np.float32 for s in seen)
    state = next(iter(opt.state.values()))
    assert all(v.dtype == np.float32 for v in state.values() if isinstance(v, np.ndarray))
    expected = (sgd_by_hand(0.1, momentum=0.9, weight_decay=0.01) if isinstance(opt, SGD)
                else adam_by_hand(0.01))
    np.testing.assert_allclose(seen, expected, rtol=1e-6, atol=1e-6)


def test_steps_update_the_network_in_place():
    net = Network.from_spec("flatten, dense 2", input_shape=(1, 2, 2), seed=0)
    before = {k: v.copy() for k, v in net.params.items()}
    arrays = {k: id(v) for k, v in net.params.items()}
    x = np.ones((2, 1, 2, 2))
    loss, grads = net.loss_and_grads(x, [0, 1])
    SGD(0.5).step(net.params, grads)
    assert {k: id(v) for k, v in net.params.items()} == arrays
    for key in before:
        np.testing.assert_allclose(net.params[key], before[key] - 0.5 * grads[key], rtol=1e-6)
    assert net.loss(x, [0, 1]) != loss


@pytest.mark.parametrize("make, words", [
    (lambda: SGD(-0.1), "learning rate"),
    (lambda: SGD(float("nan")), "learning rate"),
    (lambda: SGD("0.1"), "must be a number"),
    (lambda: SGD(True), "must be a number"),
    (lambda: SGD(0.1, momentum=-1), "momentum"),
    (lambda: SGD(0.1, weight_decay=-1), "weight decay"),
    (lambda: SGD(0.1, nesterov=True), "Nesterov"),
    (lambda: SGD(0.1, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov"),
    (lambda: Adam(0.1, betas=(1.0, 0.999)), "beta1"),
    (lambda: Adam(0.1, betas=(0.9, -0.1)), "beta2"),
    (lambda: Adam(0.1, betas=0.9), "two numbers"),
    (lambda: Adam(0.1, eps=-1e-8), "eps"),
])
def test_bad_settings_are_refused(make, words):
    with pytest.raises(EngineError, match=words):
        make()


@pytest.mark.parametrize("params, grads, words", [
    ({"w": np.zeros(2)}, {}, "no gradient for 'w'"),
    ({"w": np.zeros(2)}, {"w": np.zeros(2), "v": np.zeros(2)}, "a gradient for 'v'"),
    ({"w": np.zeros(2)}, {"w": np.zeros(3)}, "has shape (3,)"),
    ({"w": np.zeros(2, dtype=int)}, {"w": np.zeros(2)}, "floating NumPy array"),
    ({"w": [0.0, 0.0]}, {"w": np.zeros(2)}, "floating NumPy array"),
    ({"w": np.zeros(2)}, {"w": np.array(["a", "b"])}, "must be numbers"),
])
def test_mismatched_params_and_grads_are_refused(params, grads, words):
    for opt in (SGD(0.1), Adam(0.1)):
        with pytest.raises(EngineError) as info:
            opt.step(params, grads)
        assert words in str(info.value)


def test_a_parameter_that_changes_shape_needs_a_reset():
    opt = SGD(0.1, momentum=0.9)
    opt.step({"w": np.zeros(2)}, {"w": np.ones(2)})
    with pytest.raises(EngineError, match="changed shape"):
        opt.step({"w": np.zeros(3)}, {"w": np.ones(3)})
    opt.reset()
    opt.step({"w": np.zeros(3)}, {"w": np.ones(3)})


# --- the loss on its own ----------------------------------------------------------------------
def test_softmax_cross_entropy_by_hand():
    loss, grad = softmax_cross_entropy([[1.0, 2.0], [3.0, 3.0]], [1, 0])
    # row 0: -log(e^2/(e+e^2)) = log(1 + e^-1); row 1: log 2
    assert loss == pytest.approx((math.log(1 + math.exp(-1)) + math.log(2)) / 2, rel=1e-14)
    s = 1 / (1 + math.e)           # softmax([1, 2])[0]
    np.testing.assert_allclose(grad, [[s / 2, (1 - s - 1) / 2], [(0.5 - 1) / 2, 0.25]],
                               rtol=1e-14)
    assert cross_entropy([[1.0, 2.0], [3.0, 3.0]], [1, 0]) == loss
    np.testing.assert_allclose(log_softmax([[0.0, 0.0, 0.0]]), [[-math.log(3)] * 3], rtol=1e-15)


def test_softmax_cross_entropy_keeps_float32_and_survives_huge_logits():
    loss, grad = softmax_cross_entropy(np.array([[1e30, -1e30]], dtype=np.float32), [1])
    assert grad.dtype == np.float32
    assert math.isfinite(loss) and loss == pytest.approx(2e30, rel=1e-6)
    np.testing.assert_array_equal(grad, [[1.0, -1.0]])


@pytest.mark.parametrize("logits, labels, words", [
    ([1.0, 2.0], [0], "(N, classes)"),
    (np.zeros((0, 2)), [], "non-empty"),
    ([["a", "b"]], [0], "must be numbers"),
    ([[1.0, 2.0]], [2], "from 0 to 1"),
    ([[1.0, 2.0]], [0.0], "whole numbers"),
])
def test_bad_logits_and_labels_are_refused(logits, labels, words):
    with pytest.raises(EngineError) as info:
        softmax_cross_entropy(logits, labels)
    assert words in str(info.value)
