"""What a session reports: plain numbers, never live tensors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch


@dataclass(frozen=True)
class Record:
    """What one action left behind: plain numbers, never live tensors."""

    index: int
    action: str
    values: dict[str, np.ndarray]
    grads: dict[str, np.ndarray | None]
    output: Any
    note: str | None
    code: list[str]


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
