"""The run's history as columns: one numpy row per recorded action.

A Python object per record cost ~1 kB and forced a cap (50,000 records) that
forgot the start of a long run. Here every action appends one row to a few
numpy arrays grown by doubling (amortised O(1), ~30 bytes a row for the default
model), so a run of a million actions stays well under 100 MB and the plots read
the arrays directly (:mod:`playground.history_views` holds the read-only views:
``s.columns`` and ``s.history``, whose records are built on demand).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import struct
import weakref
from dataclasses import fields

import numpy as np
import torch

from .records import Record

__all__ = ["RunStore"]

_START = 1024  # rows allocated at first; doubled whenever full

_FLOAT_BITS = struct.Struct(">d").pack


def _exact_key(value: Any) -> Any:
    """A key equal only for the same call, bit for bit: Python's ``==`` (and so a dict)
    takes -0.0 for 0.0 and 1 for 1.0 or True, and an interned backward(v) with the
    other zero would then be replayed by undo, giving grads of the other sign."""
    kind = type(value)
    if kind is float:
        return kind, _FLOAT_BITS(value)
    if kind is list or kind is tuple:
        return kind, tuple(_exact_key(item) for item in value)
    if kind is dict:
        return kind, tuple((key, _exact_key(item)) for key, item in value.items())
    return kind, value


def _grown(array: np.ndarray, rows: int, fill: Any) -> np.ndarray:
    bigger = np.full((rows, *array.shape[1:]), fill, dtype=array.dtype)
    bigger[: len(array)] = array
    return bigger


class RunStore:
    """Columns of one run: action code, values, grads and output per row.

    Rows ``0 .. len-1`` are records; a row's index is its record index. Grads
    that were None are NaN in :meth:`grads` and False in :meth:`has_grad`; a row
    without output (before any forward) is NaN in :meth:`outputs` and False in
    :meth:`has_output`.
    """

    def __init__(self, params: dict[str, torch.Tensor], action_names: Sequence[str] = ()) -> None:
        self._names = list(params)
        self._shapes = {n: tuple(t.shape) for n, t in params.items()}
        self._n = 0
        cap = _START
        self._actions = np.zeros(cap, dtype=np.uint8)
        self._code = np.zeros(cap, dtype=np.uint32)
        self._call = np.zeros(cap, dtype=np.uint32)
        self._retain = np.zeros(cap, dtype=bool)
        self._values = {n: np.zeros((cap, t.numel()), np.float32) for n, t in params.items()}
        self._grads = {n: np.full((cap, t.numel()), np.nan, np.float32)
                       for n, t in params.items()}
        self._has_grad = np.zeros((cap, len(self._names)), dtype=bool)
        self._outputs: np.ndarray | None = None  # allocated at the first output (dtype, numel)
        self._has_output = np.zeros(cap, dtype=bool)
        self._output_shape: tuple[int, ...] = ()
        self._notes: dict[int, str] = {}
        self._views: dict[int, tuple[torch.Tensor, np.ndarray]] = {}
        # Per param, in order: the live tensors last seen with their numpy views
        # (shared memory: a loop changes them in place) and the two columns.
        # ``flat``: its values fit a row as they are (at most one dimension).
        self._slots: list[list[Any]] = [
            [None, None, None, None, self._values[n], self._grads[n], t.dim() <= 1]
            for n, t in params.items()
        ]
        self._out_slot: tuple[Any, Any] = (None, None)
        self._lazy: list[weakref.ref[_LazyRecord]] = []  # records not yet filled in
        self.action_names: list[str] = []
        self._action_codes: dict[str, int] = {}
        for name in action_names:
            self.action_code(name)
        # Interned tables: a long run repeats the same few code blocks and calls.
        self._code_table: list[tuple[str, ...]] = []
        self._code_ids: dict[tuple[str, ...], int] = {}
        self._call_table: list[tuple[str, dict[str, Any]]] = []
        self._call_ids: dict[Any, int] = {}

    # ------------------------------------------------------------- tables
    def action_code(self, name: str) -> int:
        """The small int standing for action ``name`` (new names are added)."""
        code = self._action_codes.get(name)
        if code is None:
            if len(self.action_names) >= 255:
                raise ValueError("too many action names")
            code = self._action_codes[name] = len(self.action_names)
            self.action_names.append(name)
        return code

    def _intern_code(self, code: list[str]) -> int:
        key = tuple(code)
        found = self._code_ids.get(key)
        if found is None:
            found = self._code_ids[key] = len(self._code_table)
            self._code_table.append(key)
        return found

    def _intern_call(self, call: tuple[str, dict[str, Any]]) -> int:
        name, kwargs = call
        try:
            key: Any = (name, _exact_key(kwargs))
            found = self._call_ids.get(key)
        except TypeError:  # something unhashable inside: key on its text
            key = (name, repr(sorted(kwargs.items())))
            found = self._call_ids.get(key)
        if found is None:
            found = self._call_ids[key] = len(self._call_table)
            self._call_table.append((name, dict(kwargs)))
        return found

    # ------------------------------------------------------------- writing
    def _grow(self) -> None:
        cap = 2 * len(self._actions)
        self._actions = _grown(self._actions, cap, 0)
        self._code = _grown(self._code, cap, 0)
        self._call = _grown(self._call, cap, 0)
        self._retain = _grown(self._retain, cap, False)
        self._values = {n: _grown(a, cap, 0.0) for n, a in self._values.items()}
        self._grads = {n: _grown(a, cap, np.nan) for n, a in self._grads.items()}
        self._has_grad = _grown(self._has_grad, cap, False)
        self._has_output = _grown(self._has_output, cap, False)
        if self._outputs is not None:
            self._outputs = _grown(self._outputs, cap, np.nan)
        for slot, name in zip(self._slots, self._names):
            slot[4], slot[5] = self._values[name], self._grads[name]

    def append(
        self,
        action: str,
        params: dict[str, torch.Tensor],
        output: torch.Tensor | None,
        note: str | None,
        code: list[str],
        call: tuple[str, dict[str, Any]],
        retain_grad: bool,
    ) -> Record:
        """Add one row (the state right after an action); returns its :class:`Record`."""
        row = self._n
        if row == len(self._actions):
            self._grow()
        code_ids = self._code_ids
        key = tuple(code)
        code_id = code_ids.get(key)
        if code_id is None:
            code_id = self._intern_code(code)
        action_id = self._action_codes.get(action)
        self._actions[row] = self.action_code(action) if action_id is None else action_id
        self._code[row] = code_id
        self._call[row] = self._intern_call(call)
        self._retain[row] = retain_grad
        has_grad = self._has_grad[row]
        slots = self._slots
        i = 0
        for tensor in params.values():
            slot = slots[i]  # [tensor, its numpy view, grad, its view, value col, grad col, flat?]
            if slot[0] is not tensor:
                slot[0], slot[1] = tensor, tensor.detach().numpy()
            slot[4][row] = slot[1] if slot[6] else slot[1].reshape(-1)
            grad = tensor.grad
            if grad is None:
                has_grad[i] = False
                slot[5][row] = np.nan
            else:
                if slot[2] is not grad:
                    slot[2], slot[3] = grad, grad.numpy()
                has_grad[i] = True
                slot[5][row] = slot[3] if slot[6] else slot[3].reshape(-1)
            i += 1
        if output is None:
            self._has_output[row] = False
            if self._outputs is not None:
                self._outputs[row] = np.nan
        else:
            if self._out_slot[0] is not output:
                self._out_slot = (output, output.detach().numpy())
            flat = self._out_slot[1]
            if self._outputs is None:
                self._output_shape = tuple(output.shape)
                dtype = flat.dtype if flat.dtype.kind == "f" else np.float64
                self._outputs = np.full((len(self._actions), flat.size), np.nan, dtype)
            self._outputs[row] = flat.reshape(-1)
            self._has_output[row] = True
        if note is not None:
            self._notes[row] = note
        elif self._notes:
            self._notes.pop(row, None)
        self._n = row + 1
        # Most records are never looked at (a fast auto-run): build them on demand.
        record = _LazyRecord.__new__(_LazyRecord)
        record.__dict__["_source"] = (self, row)
        lazy = self._lazy
        lazy.append(weakref.ref(record))
        if len(lazy) > 4096:
            self._lazy = [r for r in lazy if _pending(r) is not None]
        return record

    def _materialize_from(self, start: int) -> None:
        """Records of rows about to be overwritten read their numbers now."""
        keep = []
        for ref in self._lazy:
            record = _pending(ref)
            if record is None:
                continue
            if record.__dict__["_source"][1] >= start:
                record.values  # noqa: B018 - reading a field (not index, action, note) fills them all in
            else:
                keep.append(ref)
        self._lazy = keep

    def view(self, tensor: torch.Tensor) -> np.ndarray:
        """``tensor.detach().numpy()``, cached per tensor object.

        The view shares the tensor's memory, and a training loop changes params
        and grads in place, so the same view stays right; converting anew every
        action cost more than the rest of the recording.
        """
        key = id(tensor)
        cached = self._views.get(key)
        if cached is not None and cached[0] is tensor:
            return cached[1]
        if len(self._views) > 2 * len(self._names) + 4:  # old grads and outputs: forget them
            self._views.clear()
        array = tensor.detach().numpy()
        self._views[key] = (tensor, array)
        return array

    def truncate(self, length: int) -> None:
        """Drop rows ``length`` and after (the arrays keep their capacity)."""
        length = max(0, min(length, self._n))
        self._materialize_from(length)
        if self._notes:
            for row in [r for r in self._notes if r >= length]:
                del self._notes[row]
        self._n = length

    def tail(self, start: int) -> dict[str, Any]:
        """A copy of rows ``start`` and after, for :meth:`restore_tail`."""
        n = self._n
        return {
            "start": start,
            "n": n,
            "arrays": {k: v[start:n].copy() for k, v in self._arrays().items()},
            "notes": {r: t for r, t in self._notes.items() if r >= start},
        }

    def restore_tail(self, tail: dict[str, Any]) -> None:
        """Put back rows saved by :meth:`tail` (after a failed branch)."""
        start, n = tail["start"], tail["n"]
        self._materialize_from(start)
        while len(self._actions) < n:
            self._grow()
        if tail["arrays"].get("outputs") is not None and self._outputs is None:
            return  # cannot happen: outputs exist once any row had one
        for key, array in self._arrays().items():
            saved = tail["arrays"].get(key)
            if saved is not None:
                array[start:n] = saved
        for row in [r for r in self._notes if r >= start]:
            del self._notes[row]
        self._notes.update(tail["notes"])
        self._n = n

    def _arrays(self) -> dict[str, np.ndarray]:
        arrays = {"actions": self._actions, "code": self._code, "call": self._call,
                  "retain": self._retain, "has_grad": self._has_grad,
                  "has_output": self._has_output}
        for name in self._names:
            arrays["v:" + name] = self._values[name]
            arrays["g:" + name] = self._grads[name]
        if self._outputs is not None:
            arrays["outputs"] = self._outputs
        return arrays

    # ------------------------------------------------------------- reading
    def __len__(self) -> int:
        return self._n

    def call(self, row: int) -> tuple[str, dict[str, Any]]:
        """The session method and arguments that made ``row`` (for replay)."""
        return self._call_table[int(self._call[row])]

    def value_tensor(self, name: str, row: int) -> torch.Tensor:
        """Param ``name``'s value after ``row`` (``row >= 0``) as a new tensor."""
        return torch.from_numpy(self._values[name][row].reshape(self._shapes[name]).copy())

    def grad_tensor(self, name: str, row: int) -> torch.Tensor | None:
        """Param ``name``'s .grad after ``row`` as a new tensor (None if it was None;
        row -1, the start of a run, has no grads)."""
        if row < 0 or not self._has_grad[row, self._names.index(name)]:
            return None
        return torch.from_numpy(self._grads[name][row].reshape(self._shapes[name]).copy())

    def action_at(self, row: int) -> str:
        return self.action_names[int(self._actions[row])]

    def retain_at(self, row: int) -> bool:
        """Whether intermediates retained their grad when ``row`` was recorded."""
        return bool(self._retain[row])

    def last_of(self, names: Sequence[str], upto: int) -> int:
        """The last row ``<= upto`` whose action is one of ``names``, or -1."""
        codes = [self._action_codes[n] for n in names if n in self._action_codes]
        if not codes or upto < 0:
            return -1
        end = min(upto, self._n - 1) + 1
        chunk = 64
        while end > 0:  # search backwards in growing chunks: usually a few rows away
            start = max(0, end - chunk)
            hits = np.flatnonzero(np.isin(self._actions[start:end], codes))
            if hits.size:
                return start + int(hits[-1])
            end, chunk = start, chunk * 4
        return -1

    def record(self, row: int) -> Record:
        """The :class:`Record` of ``row``, built from the columns."""
        has_grad = self._has_grad[row]
        values = {}
        grads: dict[str, np.ndarray | None] = {}
        for i, name in enumerate(self._names):
            shape = self._shapes[name]
            values[name] = self._values[name][row].reshape(shape).copy()
            grads[name] = self._grads[name][row].reshape(shape).copy() if has_grad[i] else None
        output = None
        if self._has_output[row] and self._outputs is not None:
            output = self._outputs[row].reshape(self._output_shape).tolist()
        return Record(
            index=row,
            action=self.action_names[int(self._actions[row])],
            values=values,
            grads=grads,
            output=output,
            note=self._notes.get(row),
            code=list(self._code_table[int(self._code[row])]),
        )

    def nbytes(self) -> int:
        """Bytes held by the arrays (capacity included)."""
        return sum(a.nbytes for a in self._arrays().values())


_FIELDS = tuple(f.name for f in fields(Record))


class _LazyRecord(Record):
    """A :class:`Record` that reads its numbers from the columns when first used.

    The store fills in every record whose row is about to be overwritten
    (a branch), so a record kept by a view never changes.
    """

    def __getattr__(self, name: str) -> Any:
        source = self.__dict__.get("_source")
        if source is None or name not in _FIELDS:
            raise AttributeError(name)
        store, row = source
        # The fields every view reads on every action come straight from the columns,
        # without building the rest (copies of every value and grad) few ever read.
        if name == "index":
            return row
        if name == "action":
            return store.action_names[int(store._actions[row])]
        if name == "note":
            return store._notes.get(row)
        full = store.record(row)
        for field_name in _FIELDS:
            object.__setattr__(self, field_name, getattr(full, field_name))
        del self.__dict__["_source"]
        return getattr(self, name)


def _pending(ref: weakref.ref[_LazyRecord]) -> _LazyRecord | None:
    """The record behind ``ref`` if it is alive and not yet filled in."""
    record = ref()
    if record is None or "_source" not in record.__dict__:
        return None
    return record
