"""Optimisers that follow PyTorch's update rules exactly: :class:`SGD` and :class:`Adam`.

``opt.step(params, grads)`` updates every array of ``params`` (a network's ``net.params``) in
place from the gradient of the same name (``net.loss_and_grads``), so the network sees the new
values at once. The optimiser keeps its state (momentum buffers, Adam's moments and step count)
per parameter name; :meth:`Optimizer.reset` forgets it.

The rules are those of ``torch.optim.SGD`` and ``torch.optim.Adam`` (PyTorch 2.x, defaults
``maximize=False``, ``amsgrad=False``, no ``foreach`` fusion), written out here:

SGD (``lr``, ``momentum`` μ, ``weight_decay`` λ, ``dampening`` τ, ``nesterov``)::

    g = grad + λ·p                                   (when λ ≠ 0)
    b = g                      on the first step      (when μ ≠ 0)
    b = μ·b + (1 − τ)·g        afterwards
    g = g + μ·b  if nesterov else  g = b
    p = p − lr·g

Adam (``lr``, ``betas`` (β1, β2), ``eps`` ε, ``weight_decay`` λ), with step count t from 1::

    g = grad + λ·p                                   (when λ ≠ 0; L2, not AdamW)
    m = m + (1 − β1)·(g − m)        (torch's lerp: the same as β1·m + (1 − β1)·g)
    v = β2·v + (1 − β2)·g²
    p = p − (lr / (1 − β1^t)) · m / (sqrt(v) / sqrt(1 − β2^t) + ε)

State and arithmetic are in each parameter's dtype (float32 stays float32); the scalar factors
are Python floats, as in PyTorch. Bad settings raise :class:`EngineError` (a ``ValueError``, as
PyTorch raises) with one sentence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from .shapes import EngineError


def _setting(value, name: str, low: float = 0.0, below: float | None = None) -> float:
    """``value`` as a finite float ``>= low`` (and ``< below`` when given), or a clear error."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise EngineError(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or v < low or (below is not None and v >= below):
        upper = f" and below {below:g}" if below is not None else ""
        raise EngineError(f"{name} must be a finite number of at least {low:g}{upper}, got "
                          f"{value!r}")
    return v


class Optimizer:
    """Common part of the optimisers: checks the arrays and keeps per-name state."""

    def __init__(self) -> None:
        self.state: dict[str, dict] = {}

    def reset(self) -> None:
        """Forget every momentum buffer, moment and step count (start afresh)."""
        self.state.clear()

    def step(self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        """Update every array of ``params`` in place from ``grads`` (same names, same shapes)."""
        if set(grads) != set(params):
            missing = sorted(set(params) - set(grads))
            extra = sorted(set(grads) - set(params))
            what = (f"no gradient for {missing[0]!r}" if missing
                    else f"a gradient for {extra[0]!r}, which is not a parameter")
            raise EngineError(f"the gradients must match the parameters one to one: there is "
                              f"{what}")
        pairs = []
        for name, p in params.items():
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f" or not p.flags.writeable:
                raise EngineError(f"parameter {name!r} must be a writeable floating NumPy array")
            g = np.asarray(grads[name])
            if g.shape != p.shape:
                raise EngineError(f"the gradient of {name!r} has shape {g.shape}, but the "
                                  f"parameter has {p.shape}")
            if g.dtype.kind not in "fiu":
                raise EngineError(f"the gradient of {name!r} must be numbers")
            state = self.state.get(name)
            if state is not None and state["shape"] != p.shape:
                raise EngineError(f"parameter {name!r} changed shape from {state['shape']} to "
                                  f"{p.shape}; call reset() before using this optimiser on "
                                  f"another network")
            pairs.append((name, p, g.astype(p.dtype, copy=False)))
        for name, p, g in pairs:
            state = self.state.get(name)
            if state is None:
                state = self.state[name] = {"shape": p.shape}
            self._update(p, g, state)

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict) -> None:  # pragma: no cover
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, weight decay, dampening, Nesterov.

    Exactly ``torch.optim.SGD(params, lr, momentum, dampening, weight_decay, nesterov)``: the
    momentum buffer starts as the first step's gradient (not zero).
    """

    def __init__(self, lr: float, momentum: float = 0.0, weight_decay: float = 0.0, *,
                 dampening: float = 0.0, nesterov: bool = False) -> None:
        super().__init__()
        self.lr = _setting(lr, "the learning rate")
        self.momentum = _setting(momentum, "momentum")
        self.weight_decay = _setting(weight_decay, "weight decay")
        self.dampening = _setting(dampening, "dampening")
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise EngineError("Nesterov momentum needs a momentum above 0 and no dampening")

    def __repr__(self) -> str:
        return (f"SGD(lr={self.lr:g}, momentum={self.momentum:g}, "
                f"weight_decay={self.weight_decay:g})")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict) -> None:
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        if self.momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= self.momentum
                buf += (1 - self.dampening) * g
            g = g + self.momentum * buf if self.nesterov else buf
        p -= self.lr * g


class Adam(Optimizer):
    """Adam, exactly ``torch.optim.Adam(params, lr, betas, eps, weight_decay)`` (no AMSGrad).

    Each parameter counts its own steps, as in PyTorch.
    """

    def __init__(self, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__()
        self.lr = _setting(lr, "the learning rate")
        try:
            b1, b2 = betas
        except (TypeError, ValueError):
            raise EngineError(f"betas must be two numbers (beta1, beta2), got {betas!r}") from None
        self.betas = (_setting(b1, "beta1", below=1.0), _setting(b2, "beta2", below=1.0))
        self.eps = _setting(eps, "eps")
        self.weight_decay = _setting(weight_decay, "weight decay")

    def __repr__(self) -> str:
        return (f"Adam(lr={self.lr:g}, betas=({self.betas[0]:g}, {self.betas[1]:g}), "
                f"eps={self.eps:g})")

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict) -> None:
        b1, b2 = self.betas
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        m = state.get("exp_avg")
        if m is None:
            m = state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
            state["step"] = 0
        v = state["exp_avg_sq"]
        state["step"] += 1
        t = state["step"]
        w = 1 - b1                         # torch: exp_avg.lerp_(grad, 1 - beta1), which
        if w < 0.5:                        # computes either form depending on the weight
            m += w * (g - m)
        else:
            m[...] = g - (g - m) * (1 - w)
        v *= b2
        v += (1 - b2) * (g * g)            # torch: exp_avg_sq.mul_(beta2).addcmul_(g, g, 1 - beta2)
        step_size = self.lr / (1 - b1 ** t)
        denom = np.sqrt(v)
        denom /= math.sqrt(1 - b2 ** t)
        denom += self.eps
        p -= step_size * (m / denom)
