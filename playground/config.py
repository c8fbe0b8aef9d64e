"""What a session is built from: a plain, JSON-friendly dataclass, checked up front."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Union

from ._ast_guard import check_user_name
from .errors import PlaygroundError
from .optimizers import check_optimizer

Spec = Union[float, int, str, list[Any]]

UPDATES = ("optimizer", "manual")
ZERO_GRAD_MODES = ("zeros", "none")


@dataclass(frozen=True)
class SessionConfig:
    """Everything a :class:`~playground.session.Session` is built from.

    ``Session(**dataclasses.asdict(config))`` rebuilds an equal session.
    """

    params: dict[str, Spec]
    inputs: dict[str, Spec] = field(default_factory=dict)
    forward: str = ""
    lr: float = 0.1
    momentum: float = 0.0
    weight_decay: float = 0.0
    seed: int = 0
    update: str = "optimizer"
    zero_grad_mode: str = "zeros"
    auto_zero_grad: bool = False
    #: One of playground.optimizers.OPTIMIZER_NAMES (sgd, adam, adamw, rmsprop, adagrad).
    optimizer: str = "sgd"
    #: Its other keyword settings, e.g. {"betas": (0.9, 0.99)}; checked and made canonical
    #: (lower-case name, floats, betas as a tuple even when JSON gave a list).
    optimizer_options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_config(self)
        # Canonical form, so a config read back from JSON equals the one saved.
        clean = check_optimizer(self.optimizer, self.optimizer_options,
                                momentum=self.momentum, update=self.update)
        object.__setattr__(self, "optimizer", self.optimizer.lower())
        object.__setattr__(self, "optimizer_options", clean)


def check_name(name: object, field_name: str) -> None:
    """Refuse a tensor name the program or the exported script could not use."""
    if not isinstance(name, str):
        raise PlaygroundError(f"{name!r} is not a valid name", field=field_name)
    check_user_name(name, field=field_name)


def _check_number(value: object, name: str, *, low: float = 0.0) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PlaygroundError(f"{name} must be a number", field=name)
    if not math.isfinite(value) or value < low or value > 1e6:
        raise PlaygroundError(
            f"{name} must be a finite number between {low:g} and 1e6, not {value!r}",
            field=name,
        )


def check_config(cfg: SessionConfig) -> None:
    """Raise PlaygroundError naming the field at fault; torch is not needed."""
    if not isinstance(cfg.params, dict) or not cfg.params:
        raise PlaygroundError(
            "The model needs at least one param",
            field="params",
            hint="Add a param such as w = ones(3): the optimizer updates params.",
        )
    if not isinstance(cfg.inputs, dict):
        raise PlaygroundError("inputs must be a table of name: value", field="inputs")
    for name in cfg.params:
        check_name(name, f"params.{name}")
    for name in cfg.inputs:
        check_name(name, f"inputs.{name}")
        if name in cfg.params:
            raise PlaygroundError(
                f"`{name}` is both a param and an input", field=f"inputs.{name}"
            )
    if len(cfg.params) + len(cfg.inputs) > 20:
        raise PlaygroundError("At most 20 tensors (params and inputs) are allowed", field="params")
    if not isinstance(cfg.forward, str) or not cfg.forward.strip():
        raise PlaygroundError(
            "The forward program is empty",
            field="forward",
            hint="Write at least one line such as out = (w * x).sum()",
        )
    _check_number(cfg.lr, "lr")
    _check_number(cfg.momentum, "momentum")
    _check_number(cfg.weight_decay, "weight_decay")
    if isinstance(cfg.seed, bool) or not isinstance(cfg.seed, int) or not 0 <= cfg.seed < 2**63:
        raise PlaygroundError("seed must be a whole number from 0", field="seed")
    if cfg.update not in UPDATES:
        raise PlaygroundError(f"update must be one of {UPDATES}", field="update")
    if cfg.zero_grad_mode not in ZERO_GRAD_MODES:
        raise PlaygroundError(
            f"zero_grad_mode must be one of {ZERO_GRAD_MODES}", field="zero_grad_mode"
        )
    if cfg.update == "manual" and (cfg.momentum or cfg.weight_decay):
        raise PlaygroundError(
            "The manual update `w -= lr * w.grad` is plain SGD: it has no momentum "
            "or weight decay",
            field="momentum" if cfg.momentum else "weight_decay",
            hint="Set them to 0, or use the torch.optim.SGD update.",
        )
    if not isinstance(cfg.auto_zero_grad, bool):
        raise PlaygroundError("auto_zero_grad must be true or false", field="auto_zero_grad")
