"""The run as columns, for a session that does not keep its own column store.

The engine's ``Session.columns`` (issue 7 item 2) is what the plots read. A
session object without it (an older engine) gets this stand-in, fed from the
session's records, with the same reading API: ``len``, ``actions``,
``action_names``, ``values(name)``, ``grads(name)`` and ``outputs()``. It is the
one copy the plots read, never a copy per curve.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: Action codes, in the engine's order.
ACTION_NAMES = ("forward", "backward", "step", "zero_grad", "requires_grad", "reset")


class _Rows:
    """A (rows, width) float64 array that doubles when full."""

    def __init__(self, width: int) -> None:
        self.data = np.full((64, width), np.nan)
        self.n = 0

    def append(self, row: np.ndarray) -> None:
        if self.n == len(self.data):
            grown = np.full((2 * self.n, self.data.shape[1]), np.nan)
            grown[:self.n] = self.data
            self.data = grown
        self.data[self.n] = row
        self.n += 1

    def view(self) -> np.ndarray:
        return self.data[:self.n]


def _flat(value: Any, size: int) -> np.ndarray:
    if value is None:
        return np.full(size, np.nan)
    flat = np.asarray(value, dtype=np.float64).ravel()[:size]
    return flat if len(flat) == size else np.resize(flat, size)


class RecordColumns:
    """Columns of values, grads, outputs and action codes, one row per record."""

    def __init__(self, session: Any) -> None:
        self.action_names = list(ACTION_NAMES)
        self._sizes = {n: int(np.size(session.value(n))) for n in session.param_names}
        self._values = {n: _Rows(k) for n, k in self._sizes.items()}
        self._grads = {n: _Rows(k) for n, k in self._sizes.items()}
        self._outputs: _Rows | None = None
        self._actions = _Rows(1)
        for record in session.history:
            self.append(record)

    def __len__(self) -> int:
        return self._actions.n

    def append(self, record: Any) -> None:
        """Add one record's numbers as a row."""
        for name, size in self._sizes.items():
            self._values[name].append(_flat(record.values.get(name), size))
            self._grads[name].append(_flat(record.grads.get(name), size))
        if record.output is not None and self._outputs is None:
            self._outputs = _Rows(int(np.size(record.output)))
            for _ in range(self._actions.n):
                self._outputs.append(np.full(self._outputs.data.shape[1], np.nan))
        if self._outputs is not None:
            self._outputs.append(_flat(record.output, self._outputs.data.shape[1]))
        action = record.action if record.action in self.action_names else "reset"
        self._actions.append(np.array([self.action_names.index(action)]))

    def clear(self) -> None:
        """Forget every row (a reset)."""
        for rows in (*self._values.values(), *self._grads.values(), self._actions):
            rows.n = 0
        self._outputs = None

    @property
    def actions(self) -> np.ndarray:
        return self._actions.view()[:, 0]  # float codes: compared, never used as indices

    def values(self, name: str) -> np.ndarray:
        return self._values[name].view()

    def grads(self, name: str) -> np.ndarray:
        return self._grads[name].view()

    def outputs(self) -> np.ndarray:
        if self._outputs is None:
            return np.empty((self._actions.n, 0))
        return self._outputs.view()
