"""Read-only views of a run's columns: ``s.columns`` for plots, ``s.history`` for records."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, overload

import numpy as np

from .records import Record

if TYPE_CHECKING:
    from .run_store import RunStore

__all__ = ["Columns", "History"]


def _read_only(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view


class Columns:
    """Read-only column views of a session's history, for plots.

    Each method returns a view of the live arrays (no copy); fetch them again
    each frame, since the arrays are replaced when they grow. Row ``i`` is the
    record ``s.history[i]``.
    """

    def __init__(self, store: RunStore) -> None:
        self._store = store

    def __len__(self) -> int:
        return len(self._store)

    @property
    def action_names(self) -> list[str]:
        """Action name of each code in :attr:`actions`."""
        return list(self._store.action_names)

    @property
    def actions(self) -> np.ndarray:
        """(n,) uint8 action codes; ``action_names[code]`` is the name."""
        return _read_only(self._store._actions[: len(self._store)])

    def action_code(self, name: str) -> int | None:
        """The code of action ``name``, or None if no row used it yet."""
        return self._store._action_codes.get(name)

    @property
    def param_names(self) -> list[str]:
        return list(self._store._names)

    def values(self, name: str) -> np.ndarray:
        """(n, numel) float32: param ``name``'s value after each action (flattened)."""
        return _read_only(self._store._values[name][: len(self._store)])

    def grads(self, name: str) -> np.ndarray:
        """(n, numel) float32: ``name``'s .grad after each action; NaN rows where it was None."""
        return _read_only(self._store._grads[name][: len(self._store)])

    def has_grad(self, name: str) -> np.ndarray:
        """(n,) bool: whether ``name``'s .grad was a tensor (not None) after each action."""
        i = self._store._names.index(name)
        return _read_only(self._store._has_grad[: len(self._store), i])

    def outputs(self) -> np.ndarray:
        """(n, k) float: the output (flattened) after each action; NaN rows before any forward."""
        out = self._store._outputs
        if out is None:
            return np.full((len(self._store), 1), np.nan, np.float32)
        return _read_only(out[: len(self._store)])

    def has_output(self) -> np.ndarray:
        """(n,) bool: whether there was an output after each action."""
        return _read_only(self._store._has_output[: len(self._store)])

    @property
    def notes(self) -> dict[int, str]:
        """Row index -> note, for the rows that have one (a copy)."""
        return dict(self._store._notes)

    def nbytes(self) -> int:
        return self._store.nbytes()


class History(Sequence[Record]):
    """``s.history``: the run's records, built on demand from the columns.

    Supports len, ``h[i]`` (negative too), slices (a list), iteration,
    ``reversed`` and ``==`` with any sequence of records (``s.history == []``).
    Includes the records after :attr:`Session.position` while they can be redone.
    """

    def __init__(self, store: RunStore) -> None:
        self._store = store

    def __len__(self) -> int:
        return len(self._store)

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...

    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        n = len(self._store)
        if isinstance(index, slice):
            return [self._store.record(i) for i in range(*index.indices(n))]
        i = int(index)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("history index out of range")
        return self._store.record(i)

    def __iter__(self) -> Iterator[Record]:
        for i in range(len(self._store)):
            yield self._store.record(i)

    def __reversed__(self) -> Iterator[Record]:
        for i in range(len(self._store) - 1, -1, -1):
            yield self._store.record(i)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, History):
            other = list(other)
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<History of {len(self)} records>"
