"""Time travel: go to any record of the run, undo, redo, and branch.

One mechanism carries all of it: a *checkpoint* (param values, grads,
requires_grad flags, the optimizer's whole ``state_dict()``, retain_grad and
diverged flags, config) taken just before a forward every
:data:`CHECKPOINT_EVERY` records, plus a replay of the recorded calls from
there. Because a checkpoint always sits before a forward, replaying from the
checkpoint before the target's last forward rebuilds the live autograd graph
exactly as it was (alive, or freed by a backward), so the next press gives
what plain torch gives, bit for bit.

Reset is undoable too: it puts the whole run aside (live objects and all) so
that undo at the start of the new run brings it back untouched.

A mixin of :class:`~playground.session.Session`; see docs/engine_api.md.
"""

from __future__ import annotations

import bisect
import copy
import operator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import torch

from .action_log import ActionLog
from .errors import PlaygroundError
from .history_views import Columns, History
from .run_store import RunStore

if TYPE_CHECKING:
    from .config import SessionConfig
    from .events import SessionEvents

__all__ = ["CHECKPOINT_EVERY", "Checkpoint", "TimeTravel"]

#: Records between checkpoints: a goto replays at most about this many actions
#: (plus the actions since the target's last forward).
CHECKPOINT_EVERY = 32
#: Runs put aside by reset() kept for undo (the oldest is forgotten first).
RUNS_KEPT = 20
#: ...and at most about this many records in all of them.
RECORDS_KEPT = 2_000_000


@dataclass
class Checkpoint:
    """The state right after record ``row`` (-1: the start of the run), minus the graph.

    Values and grads after a record are in the run's columns already, so only
    the start of a run keeps its own; what does not change between checkpoints
    (requires_grad flags, param_groups, config) is shared with the one before.
    A checkpoint of the default model costs a few hundred bytes.
    """

    row: int
    values: dict[str, torch.Tensor] | None  # only at row -1
    requires_grad: tuple[bool, ...]
    optimizer: Any  # the optimizer object itself (an action may replace it)
    optimizer_state: Any  # its state (tensors cloned) or None
    param_groups: Any  # its param_groups, shared while they do not change
    retain_grad: bool
    diverged: bool
    config: SessionConfig
    manual_lr: float = 0.0  # the manual update's lr (set_lr changes it; the optimizer's is in its state)
    trace: Any = None  # the last backward's node capture (playground.trace), kept by reference


@dataclass
class _Run:
    """A whole run put aside by reset(): live objects, so it comes back exactly."""

    fields: dict[str, Any]


_RUN_FIELDS = (
    "params", "inputs", "optimizer", "_results", "_output", "_graph_freed", "_retain_grad",
    "_diverged", "config", "_store", "log", "_checkpoints", "_count", "_end_retain",
    "_history_view", "_columns_view", "_manual_lr", "_trace",
)


_ROW = operator.attrgetter("row")


def _same(a: Any, b: Any) -> bool:
    """Whether two param_groups are equal (False when they cannot be compared)."""
    try:
        return bool(a == b)
    except (RuntimeError, TypeError, ValueError):  # e.g. a tensor lr
        return False


class TimeTravel:
    """goto / undo / redo / position / columns for :class:`Session`."""

    params: dict[str, torch.Tensor]
    optimizer: Any
    config: SessionConfig
    events: SessionEvents
    log: ActionLog
    _results: dict[str, torch.Tensor]
    _output: torch.Tensor | None
    _graph_freed: bool
    _retain_grad: bool
    _diverged: bool
    _manual_lr: float
    _trace: Any
    _count: int
    _store: RunStore
    _checkpoints: list[Checkpoint]
    _replaying: bool
    _branched: bool
    _end_retain: bool | None
    _runs_before: list[_Run]
    _runs_after: list[_Run]
    _history_view: History
    _columns_view: Columns

    # ---------------------------------------------------------------- set-up
    def _new_run(self) -> None:
        """Fresh columns, log and the start checkpoint (called by Session._start)."""
        self._store = RunStore(self.params, ("forward", "backward", "step", "zero_grad"))
        self._history_view = History(self._store)
        self._columns_view = Columns(self._store)
        self.log = ActionLog()  # at the end of a run: no branch hook (see _rearm)
        self._count = 0
        self._replaying = False
        self._branched = False
        self._end_retain = None
        self._checkpoints = []
        self._checkpoints.append(self._checkpoint(-1))

    # -------------------------------------------------------------- reading
    @property
    def history(self) -> History:
        """Every record of the run, oldest first (records after :attr:`position` too)."""
        return self._history_view

    @property
    def columns(self) -> Columns:
        """The history as read-only numpy columns (see :class:`~playground.history_views.Columns`)."""
        return self._columns_view

    @property
    def position(self) -> int:
        """Index of the record the session is at (-1: the start, before any record)."""
        return self._count - 1

    @property
    def can_undo(self) -> bool:
        return self._count > 0 or bool(self._runs_before)

    @property
    def can_redo(self) -> bool:
        return self._count < len(self._store) or bool(self._runs_after)

    # ---------------------------------------------------------- checkpoints
    def _checkpoint(self, row: int) -> Checkpoint:
        optimizer = self.optimizer
        last = self._checkpoints[-1] if self._checkpoints else None
        flags = tuple(bool(t.requires_grad) for t in self.params.values())
        if last is not None and last.requires_grad == flags:
            flags = last.requires_grad
        state = groups = None
        if optimizer is not None:
            packed = optimizer.state_dict()
            state = copy.deepcopy(packed["state"])
            groups = packed["param_groups"]
            if last is None or last.optimizer is not optimizer or not _same(last.param_groups,
                                                                            groups):
                groups = copy.deepcopy(groups)
            else:
                groups = last.param_groups
        return Checkpoint(
            row=row,
            values=None if row >= 0 else {n: t.detach().clone() for n, t in self.params.items()},
            requires_grad=flags,
            optimizer=optimizer,
            optimizer_state=state,
            param_groups=groups,
            retain_grad=self._retain_grad,
            diverged=self._diverged,
            config=self.config,
            manual_lr=self._manual_lr,
            trace=self._trace,
        )

    def _maybe_checkpoint(self) -> None:
        """Before a forward at the end of the run, every CHECKPOINT_EVERY records."""
        row = self._count - 1
        if (not self._replaying and row - self._checkpoints[-1].row >= CHECKPOINT_EVERY
                and self._count == len(self._store)):
            self._checkpoints.append(self._checkpoint(row))

    def _restore_checkpoint(self, point: Checkpoint) -> None:
        store = self._store
        with torch.no_grad():
            for (name, tensor), flag in zip(self.params.items(), point.requires_grad):
                if point.values is not None:
                    tensor.copy_(point.values[name])
                else:
                    tensor.copy_(store.value_tensor(name, point.row))
                tensor.requires_grad_(flag)
                tensor.grad = store.grad_tensor(name, point.row)
        self.optimizer = point.optimizer
        if point.optimizer is not None:
            # load_state_dict keeps the state tensors it is given (it copies the
            # param_groups itself): hand it a copy.
            point.optimizer.load_state_dict({"state": copy.deepcopy(point.optimizer_state),
                                             "param_groups": point.param_groups})
        self._retain_grad = point.retain_grad
        self._diverged = point.diverged
        self._manual_lr = point.manual_lr
        self._trace = point.trace
        # auto_zero_grad is a setting of the window, not a moment of the run.
        self.config = replace(point.config, auto_zero_grad=self.config.auto_zero_grad)
        self._results = {}
        self._output = None
        self._graph_freed = False

    # --------------------------------------------------------------- travel
    def _travel(self, target: int) -> None:
        """Put the session in the state right after record ``target`` (-1: the start)."""
        store = self._store
        last_forward = store.last_of(("forward",), target)
        limit = last_forward - 1 if last_forward >= 0 else target
        point = self._checkpoints[bisect.bisect_right(self._checkpoints, limit, key=_ROW) - 1]
        self._restore_checkpoint(point)
        log, self.log = self.log, ActionLog()  # replayed calls are not logged again
        self._replaying = True
        try:
            for row in range(point.row + 1, target + 1):
                name, kwargs = store.call(row)
                if name == "forward":
                    self._retain_grad = store.retain_at(row)
                getattr(self, name)(**kwargs)
        finally:
            self._replaying = False
            self.log = log
        if target >= 0:
            self._retain_grad = store.retain_at(target)
        if target == len(store) - 1 and self._end_retain is not None:
            self._retain_grad = self._end_retain  # toggled after the last record
        self._count = target + 1

    def goto(self, index: int) -> None:
        """Put the session exactly as it was right after ``history[index]``.

        ``index`` runs from -1 (the start of the run, before any record; negative
        indices do not count from the end here) to ``len(history) - 1``. Values,
        grads, optimizer state, output and the autograd graph (alive or freed)
        come back as they were; the records after it stay until an action
        branches the run. Emits ``events.moved``.
        """
        try:
            if isinstance(index, bool):
                raise TypeError
            index = operator.index(index)  # numpy integers from the columns are fine
        except TypeError:
            raise PlaygroundError(f"goto needs a record index, not {index!r}",
                                  field="index") from None
        n = len(self._store)
        if not -1 <= index < n:
            raise PlaygroundError(
                f"There is no record {index}: the run has records 0 to {n - 1}"
                if n else f"There is no record {index}: the run has no records yet",
                field="index",
                hint="Use -1 for the start of the run, or an index of s.history.",
            )
        if index != self._count - 1:
            if self._count == n:
                self._end_retain = self._retain_grad
            self._travel(index)
            self._rearm()
        self.events.moved.emit()

    def undo(self) -> None:
        """One press back: to just before the press that made the current record (an
        Iterate's forward, backward, step [, zero_grad] go together; a reset is undone
        by bringing the run before it back). goto moves record by record."""
        if self._count > 0:
            first, _ = self.log.press_bounds(self._count - 1)
            self.goto(first - 1)
        elif self._runs_before:
            self._runs_after.append(self._put_run_aside())
            self._take_run(self._runs_before.pop())
            self._rearm()
            self.events.moved.emit()
        else:
            raise PlaygroundError("There is nothing to undo", hint="Undo goes back one press of a button.")

    def redo(self) -> None:
        """One press forward again, after undo or goto (to the end of the press that
        made the next record)."""
        if self._count < len(self._store):
            _, last = self.log.press_bounds(self._count)
            self.goto(last)
        elif self._runs_after:
            self._runs_before.append(self._put_run_aside())
            self._take_run(self._runs_after.pop())
            self._rearm()
            self.events.moved.emit()
        else:
            raise PlaygroundError("There is nothing to redo", hint="Redo follows an undo.")

    # ------------------------------------------------------------- branching
    def _before_change(self) -> None:
        """The log is about to change: an action from the past drops the future."""
        if self._replaying:
            return
        if self._count < len(self._store):
            row = self._count - 1
            self._store.truncate(self._count)
            self.log.truncate(row)
            del self._checkpoints[bisect.bisect_right(self._checkpoints, row, key=_ROW):]
            self._branched = True
        if self._runs_after:
            self._runs_after.clear()
            self._branched = True
        self._end_retain = None
        self._rearm()

    def _rearm(self) -> None:
        """Hook the log only while a press would branch: at the end of a run (the
        usual case, a loop running) an action pays nothing for time travel."""
        armed = self._count < len(self._store) or bool(self._runs_after)
        self.log.before_change = self._before_change if armed else None

    def _emit_branched(self) -> None:
        if self._branched:
            self._branched = False
            self.events.moved.emit()

    def _future(self) -> tuple[Any, ...] | None:
        """What a branch would drop, so a failed iterate() can put it back."""
        if self._count == len(self._store) and not self._runs_after:
            return None
        return (self._store.tail(self._count), self.log.copy(), list(self._checkpoints),
                list(self._runs_after), self._end_retain)

    def _restore_future(self, future: tuple[Any, ...]) -> None:
        tail, log, checkpoints, runs_after, end_retain = future
        self._store.restore_tail(tail)
        self.log = log
        self._checkpoints = checkpoints
        self._runs_after = runs_after
        self._end_retain = end_retain
        self._branched = False
        self._rearm()

    # ------------------------------------------------------- runs and reset
    def _put_run_aside(self) -> _Run:
        return _Run({name: getattr(self, name) for name in _RUN_FIELDS})

    def _take_run(self, run: _Run) -> None:
        for name, value in run.fields.items():
            setattr(self, name, value)

    def _keep_run_for_undo(self) -> None:
        """reset(): put the run aside for undo (if anything ran), as it is: undo
        brings it back at the same position, its records after it still redoable."""
        if len(self._store) or self.log.entries:
            self._runs_before.append(self._put_run_aside())
            del self._runs_before[:-RUNS_KEPT]
            # Bound the memory too: long runs are forgotten, oldest first.
            while len(self._runs_before) > 1 and sum(
                    len(r.fields["_store"]) for r in self._runs_before) > RECORDS_KEPT:
                del self._runs_before[0]
        self._runs_after.clear()
