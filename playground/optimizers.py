"""The optimizers a session can use: names, their settings, checks and construction.

Each name maps to one ``torch.optim`` class, built exactly as a user would
build it (``torch.optim.Adam([w, b], lr=0.1, betas=(0.9, 0.99))``), so the
session and the exported script run the same update, bit for bit. ``lr``,
``momentum`` and ``weight_decay`` are the session's own fields (the window
has a box for each); every other keyword goes in ``optimizer_options``.
Checking needs no torch, so a config can be refused before anything is built.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import PlaygroundError

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class OptimizerKind:
    """One optimizer: its torch class name and the options the playground offers."""

    name: str
    torch_class: str
    #: Option name -> torch's default (a float, a bool, or a pair of floats for betas).
    options: Mapping[str, Any]
    #: Whether the session's ``momentum`` field means something for it.
    has_momentum: bool
    #: What plays momentum's part when it has none (for the message refusing momentum).
    momentum_instead: str = ""


OPTIMIZERS: dict[str, OptimizerKind] = {
    "sgd": OptimizerKind("sgd", "SGD", {"dampening": 0.0, "nesterov": False, "maximize": False},
                         has_momentum=True),
    "adam": OptimizerKind("adam", "Adam", {"betas": (0.9, 0.999), "eps": 1e-8, "amsgrad": False,
                                           "maximize": False},
                          has_momentum=False,
                          momentum_instead="its first beta, betas[0], the decay of the running "
                                           "mean of gradients"),
    "adamw": OptimizerKind("adamw", "AdamW", {"betas": (0.9, 0.999), "eps": 1e-8,
                                              "amsgrad": False, "maximize": False},
                           has_momentum=False,
                           momentum_instead="its first beta, betas[0], the decay of the running "
                                            "mean of gradients"),
    "rmsprop": OptimizerKind("rmsprop", "RMSprop", {"alpha": 0.99, "eps": 1e-8, "centered": False,
                                                    "maximize": False},
                             has_momentum=True),
    "adagrad": OptimizerKind("adagrad", "Adagrad", {"lr_decay": 0.0,
                                                    "initial_accumulator_value": 0.0,
                                                    "eps": 1e-10, "maximize": False},
                             has_momentum=False,
                             momentum_instead="nothing: Adagrad divides by the square root of the "
                                              "sum of all past squared gradients instead"),
}
#: The names ``Session(optimizer=...)`` accepts, in the order a menu shows them.
OPTIMIZER_NAMES: tuple[str, ...] = tuple(OPTIMIZERS)
#: Session fields that are never optimizer options (they have their own box).
_OWN_FIELDS = ("lr", "momentum", "weight_decay")
#: Implementation switches of torch.optim that change nothing a learner sees on a CPU.
_NOT_OFFERED = ("foreach", "fused", "capturable", "differentiable", "decoupled_weight_decay")
# Ranges torch (or the maths) requires; upper bounds keep a typo from blowing up the run.
_RANGES: dict[str, tuple[float, float, bool]] = {  # name -> (low, high, high is open)
    "dampening": (0.0, 1.0, False),
    "eps": (0.0, 1.0, False),
    "alpha": (0.0, 1.0, False),
    "lr_decay": (0.0, 1e6, False),
    "initial_accumulator_value": (0.0, 1e6, False),
    "beta": (0.0, 1.0, True),
}


def optimizer_kind(name: object) -> OptimizerKind:
    """The :class:`OptimizerKind` called ``name``; PlaygroundError for an unknown name."""
    if not isinstance(name, str) or name.lower() not in OPTIMIZERS:
        raise PlaygroundError(
            f"Unknown optimizer {name!r}",
            field="optimizer",
            hint="Choose one of: " + ", ".join(OPTIMIZER_NAMES) + ".",
        )
    return OPTIMIZERS[name.lower()]


def _number(value: object, where: str, low: float, high: float, open_high: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PlaygroundError(f"{where} must be a number, not {value!r}",
                              field="optimizer_options")
    number = float(value)
    too_high = number >= high if open_high else number > high
    if not math.isfinite(number) or number < low or too_high:
        closing = ")" if open_high else "]"
        raise PlaygroundError(
            f"{where} must be a number in [{low:g}, {high:g}{closing}, not {value!r}",
            field="optimizer_options",
        )
    return number


def _option_value(kind: OptimizerKind, key: str, value: object) -> Any:
    """One option checked and in canonical form (floats, bools, betas as a tuple)."""
    default = kind.options[key]
    where = f"{kind.torch_class} option {key}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise PlaygroundError(f"{where} must be true or false, not {value!r}",
                                  field="optimizer_options")
        return value
    if isinstance(default, tuple):  # betas; JSON gives a list
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 2:
            raise PlaygroundError(
                f"{where} must be a pair of numbers like (0.9, 0.999), not {value!r}",
                field="optimizer_options",
            )
        low, high, open_high = _RANGES["beta"]
        return tuple(_number(v, f"{where}[{i}]", low, high, open_high) for i, v in enumerate(value))
    low, high, open_high = _RANGES[key]
    return _number(value, where, low, high, open_high)


def check_optimizer(
    name: object, options: object, *, momentum: float, update: str
) -> dict[str, Any]:
    """Check an optimizer choice; return its options in canonical form.

    Raises PlaygroundError (field ``optimizer``, ``optimizer_options`` or
    ``momentum``) for an unknown name, an unknown option, a bad value, or a
    combination torch refuses (nesterov without momentum).
    """
    kind = optimizer_kind(name)
    if options is None:
        options = {}
    if not isinstance(options, Mapping):
        raise PlaygroundError("optimizer_options must be a table of name: value",
                              field="optimizer_options")
    if update == "manual" and (kind.name != "sgd" or options):
        raise PlaygroundError(
            "The manual update `w -= lr * w.grad` is plain SGD: it takes no optimizer or options",
            field="optimizer",
            hint="Choose the torch.optim update to use another optimizer.",
        )
    clean: dict[str, Any] = {}
    for key, value in options.items():
        if key in _OWN_FIELDS:
            raise PlaygroundError(
                f"{key} is set in its own box, not in optimizer_options",
                field="optimizer_options",
                hint=f"Pass {key}=... to the session instead.",
            )
        if key not in kind.options:
            offered = ", ".join(kind.options)
            why = (" (an implementation switch that changes no number on a CPU)"
                   if key in _NOT_OFFERED else "")
            raise PlaygroundError(
                f"{kind.torch_class} has no option {key!r}{why}",
                field="optimizer_options",
                hint=f"{kind.torch_class} options: {offered}.",
            )
        clean[key] = _option_value(kind, key, value)
    if momentum and not kind.has_momentum:
        raise PlaygroundError(
            f"{kind.torch_class} has no momentum; what plays its part is {kind.momentum_instead}",
            field="momentum",
            hint="Set momentum to 0" + (" and set betas in optimizer_options."
                                        if "betas" in kind.options else "."),
        )
    if clean.get("nesterov") and (momentum <= 0 or clean.get("dampening", 0.0) != 0):
        raise PlaygroundError(
            "Nesterov momentum needs momentum > 0 and dampening 0 (torch.optim.SGD refuses "
            "anything else)",
            field="optimizer_options",
            hint="Set a momentum such as 0.9, or turn nesterov off.",
        )
    return clean


def build_optimizer(
    name: str, params: list[torch.Tensor], *, lr: float, momentum: float, weight_decay: float,
    options: Mapping[str, Any],
) -> torch.optim.Optimizer:
    """Construct the torch optimizer exactly as :func:`optimizer_line` writes it."""
    import torch

    kind = optimizer_kind(name)
    cls = getattr(torch.optim, kind.torch_class)
    kwargs: dict[str, Any] = {"lr": lr, "weight_decay": weight_decay, **options}
    if kind.has_momentum:
        kwargs["momentum"] = momentum
    return cls(params, **kwargs)  # type: ignore[no-any-return]


def current_setting(optimizer: torch.optim.Optimizer | None, key: str, manual: float) -> float:
    """``optimizer.param_groups[0][key]`` (0 when the optimizer has no such setting);
    ``manual`` for the manual update."""
    if optimizer is None:
        return manual
    return float(optimizer.param_groups[0].get(key, 0.0))


def checked_setting(
    config: Any, optimizer: torch.optim.Optimizer | None, key: str, value: object
) -> float:
    """Check a mid-run change of ``lr`` or ``momentum``; return it as a float.

    Refused (PlaygroundError, field ``key``) when it is not a finite number in
    [0, 1e6], or when it means nothing for this update: momentum for the manual
    update or for an optimizer without one (the message says what it has
    instead), 0 for Nesterov SGD, and a first momentum for RMSprop after its
    first step (torch creates RMSprop's momentum buffer at the first step only).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
        math.isfinite(value) and 0 <= value <= 1e6
    ):
        raise PlaygroundError(f"{key} must be a finite number between 0 and 1e6, not {value!r}",
                              field=key)
    number = float(value)
    if key == "lr":
        return number
    if optimizer is None:
        raise PlaygroundError(
            "The manual update `w -= lr * w.grad` has no momentum",
            field="momentum", hint="Choose the torch.optim update to use momentum.",
        )
    kind = optimizer_kind(config.optimizer)
    if not kind.has_momentum:
        raise PlaygroundError(
            f"{kind.torch_class} has no momentum; what plays its part is {kind.momentum_instead}",
            field="momentum",
            hint="Compare with SGD or RMSprop to change momentum while the run goes on.",
        )
    group = optimizer.param_groups[0]
    if group.get("nesterov") and number <= 0:
        raise PlaygroundError("Nesterov momentum needs momentum > 0", field="momentum",
                              hint="Give a momentum such as 0.9.")
    started = [state for state in optimizer.state.values() if state]
    if kind.name == "rmsprop" and number > 0 and any(
        "momentum_buffer" not in state for state in started
    ):
        raise PlaygroundError(
            "RMSprop makes its momentum buffer at its first step only, and this run has "
            "stepped without momentum",
            field="momentum",
            hint="Reset, then set the momentum before the first step.",
        )
    return number


def _literal(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(repr(v) for v in value) + ")"
    return repr(value)


def optimizer_line(
    name: str, params: list[str], *, lr: float, momentum: float, weight_decay: float,
    options: Mapping[str, Any],
) -> str:
    """``optimizer = torch.optim.<Class>([w, b], lr=..., ...)`` for the script.

    Settings equal to torch's default are left out, except AdamW's weight_decay:
    torch's default there is 0.01, so 0 must be written to mean 0.
    """
    kind = optimizer_kind(name)
    extra = ""
    if kind.has_momentum and momentum:
        extra += f", momentum={momentum!r}"
    if weight_decay or kind.name == "adamw":
        extra += f", weight_decay={weight_decay!r}"
    for key, value in options.items():
        if value != kind.options[key]:
            extra += f", {key}={_literal(value)}"
    return f"optimizer = torch.optim.{kind.torch_class}([{', '.join(params)}], lr={lr!r}{extra})"


def state_numbers(state: Mapping[str, Any]) -> dict[str, Any]:
    """torch's per-param optimizer state as plain data: 0-d tensors (like ``step``) as
    floats, other tensors as numpy copies, anything else as it is."""
    import torch

    out: dict[str, Any] = {}
    for key, value in state.items():
        if isinstance(value, torch.Tensor):
            out[key] = float(value) if value.dim() == 0 else value.detach().numpy().copy()
        else:
            out[key] = value
    return out

