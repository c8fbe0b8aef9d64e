"""What a session reports: plain numbers, never live tensors."""

from __future__ import annotations

from dataclasses import dataclass
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


def numbers(tensor: torch.Tensor) -> Any:
    return tensor.detach().tolist()


def snapshot(tensor: torch.Tensor | None) -> np.ndarray | None:
    if tensor is None:
        return None
    return tensor.detach().numpy().copy()
