"""What the plots read from a session's column store: element names, real-nan flags, a growing x.

Helpers of :mod:`ui.plot_series` (the curves of one session); numpy only.
"""

from __future__ import annotations

import numpy as np

__all__ = ["GrowingVector", "NanFlags", "element_names"]


class NanFlags:
    """1.0 where a row holds a real nan, else 0.0, computed slice by slice for a pyramid.

    A grad that is None is stored as NaN too: with ``has`` (one bool per row,
    whether there was a grad or an output) those rows are gaps, not nan. The
    pyramid reads only the rows it summarises or returns, so a frame still costs
    the same at any run length.
    """

    def __init__(self, rows: np.ndarray, has: np.ndarray | None = None) -> None:
        self.rows, self.has = rows, has

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: slice) -> np.ndarray:
        flags = np.isnan(self.rows[index])
        if self.has is not None:
            flags &= np.asarray(self.has[index], dtype=bool)[:, None]
        return flags.astype(np.float64)


class GrowingVector:
    """A float64 vector that doubles when full (the twin's x per row)."""

    def __init__(self) -> None:
        self.data = np.empty(256, dtype=np.float64)
        self.n = 0

    def append(self, value: float) -> None:
        if self.n == len(self.data):
            self.data = np.resize(self.data, 2 * self.n)
        self.data[self.n] = value
        self.n += 1

    def view(self) -> np.ndarray:
        return self.data[:self.n]


def element_names(name: str, shape: tuple[int, ...]) -> list[str]:
    """Names like ``w[0]`` or ``w[1,2]`` for every element of a tensor, in row-major order."""
    if not shape:
        return [name]
    return [f"{name}[{','.join(str(i) for i in idx)}]" for idx in np.ndindex(*shape)]
