"""What a session reports: plain numbers, never live tensors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch


@dataclass(frozen=True, eq=False)
class Record:
    """What one action left behind: plain numbers, never live tensors.

    Records are built on demand from the run's columns, so two records are
    equal when their fields are (arrays compared by value, NaN equal to NaN).
    """

    index: int
    action: str
    values: dict[str, np.ndarray]
    grads: dict[str, np.ndarray | None]
    output: Any
    note: str | None
    code: list[str]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return (
            (self.index, self.action, self.output, self.note, self.code)
            == (other.index, other.action, other.output, other.note, other.code)
            and _arrays_equal(self.values, other.values)
            and _arrays_equal(self.grads, other.grads)
        )

    __hash__ = None  # type: ignore[assignment]


def _arrays_equal(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.keys() != b.keys():
        return False
    for name, x in a.items():
        y = b[name]
        if x is None or y is None:
            if x is not y:
                return False
        elif not np.array_equal(x, y, equal_nan=True):
            return False
    return True


@dataclass(frozen=True)
class TensorInfo:
    """One row of the state table."""

    name: str
    kind: str
    value: np.ndarray
    grad: np.ndarray | None
    requires_grad: bool
    is_leaf: bool
    grad_fn: str | None
    shape: tuple[int, ...]
    #: A param's optimizer state as torch keeps it (``momentum_buffer``, ``exp_avg``,
    #: ``exp_avg_sq``, ``step``...): numpy copies, ``step`` a float; empty otherwise.
    optimizer_state: dict[str, Any] = field(default_factory=dict)


def numbers(tensor: torch.Tensor) -> Any:
    return tensor.detach().tolist()


def snapshot(tensor: torch.Tensor | None) -> np.ndarray | None:
    if tensor is None:
        return None
    return tensor.detach().numpy().copy()
