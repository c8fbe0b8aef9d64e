"""The training loop, one phase at a time, on real PyTorch tensors.

Each public method is one button of the window and runs the torch call a user
would write. A method either succeeds, appends a :class:`Record` and emits
``events.action_done``, or raises :class:`PlaygroundError` and leaves the
session exactly as it was.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from . import script, trace
from .config import SessionConfig, Spec
from .errors import PlaygroundError
from .events import SessionEvents
from .explain import torch_error
from .inspection import PHASES, Inspection
from .optimizers import build_optimizer, checked_setting, current_setting
from .program import Program, parse_program
from .records import Record, TensorInfo
from .time_travel import TimeTravel
from .values import parse_value, spec_is_random

__all__ = ["DIVERGED", "PHASES", "Record", "Session", "TensorInfo"]
#: How a record's note starts when training has just diverged (the window pauses on it).
DIVERGED = "Diverged: "


class Session(TimeTravel, Inspection):
    """A tiny model and its training loop; see ``docs/engine_api.md``."""

    #: Whether backward() hooks its graph's nodes for :meth:`backward_trace` (about 40 us a
    #: backward on the presets; a caller running a very long fast run may switch it off).
    trace_backward: bool = True

    def __init__(
        self,
        params: Mapping[str, Spec],
        inputs: Mapping[str, Spec] | None = None,
        forward: str = "",
        lr: float = 0.1,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        seed: int = 0,
        update: str = "optimizer",
        zero_grad_mode: str = "zeros",
        auto_zero_grad: bool = False,
        optimizer: str = "sgd",
        optimizer_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.config = SessionConfig(
            params=dict(params),
            inputs=dict(inputs or {}),
            forward=forward,
            lr=lr,
            momentum=momentum,
            weight_decay=weight_decay,
            seed=seed,
            update=update,
            zero_grad_mode=zero_grad_mode,
            auto_zero_grad=auto_zero_grad,
            optimizer=optimizer,
            optimizer_options=optimizer_options or {},  # type: ignore[arg-type]  # checked there
        )
        self.program: Program = parse_program(forward)
        self._check_program_names()
        self._initial_params, self._initial_inputs = self._build_tensors()
        self._check_program_runs()
        self.events = SessionEvents()
        self._retain_grad = False
        self._runs_before: list[Any] = []  # runs put aside by reset(), for undo
        self._runs_after: list[Any] = []  # runs undone past their reset, for redo
        self._start()

    # ----------------------------------------------------------------- set-up
    def _check_program_names(self) -> None:
        known = set(self.config.params) | set(self.config.inputs)
        for line in self.program.lines:
            if line.name in known:
                raise PlaygroundError(
                    f"line {line.lineno}: `{line.name}` is a param or input and cannot be "
                    "assigned in the program",
                    field="forward",
                    line=line.lineno,
                    hint=f"Give the result a new name, such as {line.name}2 = ...",
                )
        missing = [n for n in self.program.free_names if n not in known]
        if missing:
            raise PlaygroundError(
                f"The program uses `{missing[0]}`, which is not a param or input",
                field="forward",
                line=self._line_using(missing[0]),
                hint=f"Add `{missing[0]}` as a param or input, or fix the spelling.",
            )

    def _check_program_runs(self) -> None:
        """Run the program once on the initial values, so a bad shape fails at Apply."""
        with torch.no_grad():
            self.program.run({**self._initial_inputs, **self._initial_params})

    def _line_using(self, name: str) -> int | None:
        for line in self.program.lines:
            if name in line.source:
                return line.lineno
        return None

    def _build_tensors(self) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
        generator = torch.Generator().manual_seed(self.config.seed)
        made: list[dict[str, torch.Tensor]] = []
        for kind, specs in (("params", self.config.params), ("inputs", self.config.inputs)):
            tensors = {}
            for name, spec in specs.items():
                try:
                    tensors[name] = parse_value(spec, generator=generator)
                    if kind == "params" and not tensors[name].is_floating_point():
                        raise PlaygroundError(
                            f"The param `{name}` is an integer tensor; only floats have gradients",
                            field=f"params.{name}",
                            hint="Make integers (such as class targets) an input, or drop "
                                 "dtype=torch.long.",
                        )
                except PlaygroundError as exc:
                    exc.field = exc.field or f"{kind}.{name}"
                    if not exc.field.startswith(kind):
                        exc.field = f"{kind}.{name}"
                    raise
            made.append(tensors)
        return made[0], made[1]

    def _start(self) -> None:
        """(Re)create live tensors from the initial values; clear everything else."""
        self.params: dict[str, torch.Tensor] = {
            n: t.clone().requires_grad_(True) for n, t in self._initial_params.items()
        }
        self.inputs: dict[str, torch.Tensor] = {
            n: t.clone() for n, t in self._initial_inputs.items()
        }
        self.optimizer: torch.optim.Optimizer | None = None
        if self.config.update == "optimizer":
            self.optimizer = build_optimizer(
                self.config.optimizer,
                list(self.params.values()),
                lr=self.config.lr,
                momentum=self.config.momentum,
                weight_decay=self.config.weight_decay,
                options=self.config.optimizer_options,
            )
        self._manual_lr = self.config.lr  # what set_lr changes for the manual update
        self._trace: trace.Capture | None = None  # what the last backward's node hooks saw
        self._results: dict[str, torch.Tensor] = {}
        self._output: torch.Tensor | None = None
        self._graph_freed = False
        self._pending: list[Record] | None = None
        # A param typed as nan or inf (or beyond float32, like 1e400) starts broken: no
        # update overflowed, so no step is blamed on the lr for it (see nonfinite_params).
        self._diverged = not all(bool(torch.isfinite(t).all()) for t in self.params.values())
        self._new_run()  # history columns, action log, first checkpoint (time_travel.py)

    @classmethod
    def from_config(cls, config: SessionConfig, **extra: Any) -> Session:
        """Build a session from a :class:`SessionConfig` (plus any extra constructor args)."""
        return cls(**asdict(config), **extra)

    # ------------------------------------------------------------- recording
    def _record(self, action: str, code: list[str], note: str | None = None) -> Record:
        if self._replaying:  # time travel re-runs recorded calls: nothing new to record
            return None  # type: ignore[return-value]
        record = self._store.append(action, self.params, self._output, note, code,
                                    self.log.last_call, self._retain_grad)
        self._count = len(self._store)
        return record

    def _done(self, record: Record) -> Record:
        if self._replaying:
            return record
        if self._pending is not None:  # inside iterate(): emitted once all phases succeed
            self._pending.append(record)
        else:
            self._emit_branched()
            self.events.action_done.emit(record)
        return record

    def _grads_restored_on_error(self) -> _GradsRestored:
        """Undo a half-done backward: PyTorch may accumulate into some leaves first,
        and into intermediates that retain their grad (see :class:`_GradsRestored`)."""
        return _GradsRestored(self)

    # ---------------------------------------------------------------- actions
    def forward(self, no_grad: bool = False) -> Record:
        """Run the forward program, building the autograd graph (unless no_grad)."""
        self._maybe_checkpoint()
        env = {**self.inputs, **self.params}
        with torch.no_grad() if no_grad else contextlib.nullcontext():
            results = self.program.run(env)
        retained = []
        if self._retain_grad:
            for name, tensor in results.items():
                if tensor.requires_grad and not tensor.is_leaf:
                    tensor.retain_grad()
                    retained.append(name)
        self._results = dict(results)
        self._output = results[self.output_name]
        self._graph_freed = False
        code = script.forward_lines(self.program, no_grad=no_grad, retained=retained)
        self.log.add("forward", {"no_grad": bool(no_grad)}, code, self._count)
        return self._done(self._record("forward", code))

    def backward(
        self, gradient: Spec | None = None, retain_graph: bool = False, of: str | None = None
    ) -> Record:
        """``out.backward(gradient, retain_graph=...)``; grads accumulate into .grad.

        ``of`` names another tensor of the forward program to start from (like
        ``SR.backward(v)`` in a notebook); by default it is the output.
        """
        if self._output is None:
            raise PlaygroundError(
                "There is no output to differentiate yet: press Forward first",
                hint="Press Forward first: backward() starts from the output it computes.",
            )
        start_name = self.output_name if of is None else str(of)
        if start_name not in self._results:
            raise PlaygroundError(
                f"`{start_name}` is not a tensor of the forward program",
                field="of",
                hint="backward() can start from a name the forward program assigns.",
            )
        vector = None
        if gradient is not None:
            try:
                vector = parse_value(gradient)
            except PlaygroundError as exc:
                exc.field = "gradient"
                raise
        retain = bool(retain_graph)
        with self._grads_restored_on_error():
            try:
                named = {**self.params, **self.inputs, **self._results}
                hooked = self.trace_backward
                with trace.capture(self._results[start_name], named) if hooked \
                        else contextlib.nullcontext() as captured:
                    self._results[start_name].backward(gradient=vector, retain_graph=retain)
            except RuntimeError as exc:
                error = torch_error(exc, f"{start_name}.backward()")
                if vector is not None and "shape" in str(exc):
                    error.field = "gradient"
                raise error from None
        self._trace = captured
        if not retain:
            self._graph_freed = True
        code = script.backward_lines(
            start_name, vector, retain, self._params_with_grad(), spec=gradient
        )
        if vector is not None and spec_is_random(gradient):
            gradient = vector.tolist()  # the numbers drawn, so a replay gets them again
        kwargs: dict[str, Any] = {"gradient": gradient, "retain_graph": retain}
        if of is not None:
            kwargs["of"] = start_name
        self.log.add("backward", kwargs, code, self._count)
        if vector is not None and spec_is_random(gradient):  # time travel replays this v
            self.log.last_call = ("backward", {**kwargs, "gradient": vector.tolist()})
        return self._done(self._record("backward", code))

    def nonfinite_params(self) -> list[str]:
        """The params holding inf or nan now (at the start: as typed, or beyond float32)."""
        # numpy, not torch.isfinite: a tenth of the cost on a loop's small tensors
        view = self._store.view
        return [n for n, t in self.params.items() if not np.isfinite(view(t)).all()]

    def _divergence_note(self) -> str | None:
        """A note the first time a param stops being finite (inf or nan), else None."""
        broken = self.nonfinite_params()
        was, self._diverged = self._diverged, bool(broken)
        if broken and not was:
            return (DIVERGED + ", ".join(broken) + " now holds inf or nan. The updates "
                    "overflowed: try a smaller lr, then Reset.")
        return None

    def _params_with_grad(self) -> list[str]:
        return [n for n, t in self.params.items() if t.grad is not None]

    def step(self) -> Record:
        """One update: ``optimizer.step()`` (SGD, Adam, ...) or ``w -= lr * w.grad`` under no_grad."""
        missing = [n for n, t in self.params.items() if t.grad is None]
        if self.optimizer is None:
            if len(missing) == len(self.params):
                raise PlaygroundError(
                    "No param has a .grad yet, so `w -= lr * w.grad` has nothing to use",
                    hint="Press Backward first to compute the gradients.",
                )
            updated = [n for n in self.params if n not in missing]
            with torch.no_grad():
                for name in updated:
                    param = self.params[name]
                    param -= self._manual_lr * param.grad  # type: ignore[operator]
            code = script.manual_step_lines(updated, self._manual_lr)
        else:
            self.optimizer.step()
            code = script.optimizer_step_lines(list(self.params))
        note = None
        if missing and len(missing) == len(self.params):
            note = "step did nothing: every .grad is None (press Backward first)"
        elif missing:
            note = "step left " + ", ".join(f"{n}" for n in missing) + " unchanged: .grad is None"
        note = self._divergence_note() or note
        self.log.add("step", {}, code, self._count)
        return self._done(self._record("step", code, note))

    def zero_grad(self, set_to_none: bool | None = None) -> Record:
        """Reset the grads: to zeros in place, or to None with set_to_none=True."""
        to_none = (self.config.zero_grad_mode == "none") if set_to_none is None else bool(set_to_none)
        with_grad = self._params_with_grad()
        if self.optimizer is not None:
            self.optimizer.zero_grad(set_to_none=to_none)
            code = script.optimizer_zero_lines(to_none, list(self.params))
        else:
            for name in with_grad:
                param = self.params[name]
                if to_none:
                    param.grad = None
                else:
                    param.grad.zero_()  # type: ignore[union-attr]
            code = script.manual_zero_lines(with_grad, to_none)
        note = None if with_grad else "zero_grad did nothing: every .grad was already None"
        self.log.add("zero_grad", {"set_to_none": to_none}, code, self._count)
        return self._done(self._record("zero_grad", code, note))

    def iterate(self) -> list[Record]:
        """forward, backward, step, then zero_grad when auto_zero_grad is on.

        All or nothing: if a phase fails, the phases before it are rolled back,
        nothing is recorded or emitted, and the error names the failing phase.
        """
        # Only forward and backward can fail, and before step nothing but the
        # output, the graph and the records changed: put those back, and never
        # write the params (a copy_ would bump their version counters and break
        # a graph built before, where PyTorch's would still work).
        saved = (self._results, self._output, self._graph_freed, self._diverged, self._count)
        future = self._future()  # from the past, forward branches; a failure undoes that
        self._pending = []
        self.log.begin_iteration()
        try:
            records = [self.forward(), self.backward(), self.step()]
            if self.config.auto_zero_grad:
                records.append(self.zero_grad())
        except BaseException:
            self.log.discard_iteration()
            stepped = len(self._pending) >= 2
            self._pending = None
            self._results, self._output, self._graph_freed, self._diverged, count = saved
            self._store.truncate(count)
            self._count = count
            if future is not None:
                self._restore_future(future)
            if stepped:  # step or zero_grad was interrupted: rebuild the state exactly
                self._travel(count - 1)
            raise
        pending, self._pending = self._pending, None
        self.log.end_iteration()
        self._emit_branched()
        for record in pending:
            self.events.action_done.emit(record)
        return records

    @contextlib.contextmanager
    def iteration(self) -> Iterator[None]:
        """Group the actions run inside as one loop iteration.

        Identical iterations in a row fold into one ``for epoch in range(n):`` in
        the code and the saved log, so a long run keeps them short. :meth:`iterate`
        uses it; so can a caller that runs the phases itself (the window's compare
        mode steps two sessions phase by phase).
        """
        self.log.begin_iteration()
        try:
            yield
        finally:
            self.log.end_iteration()

    def set_requires_grad(self, name: str, flag: bool) -> Record:
        """``w.requires_grad_(flag)``: the next forward tracks w, or stops tracking it."""
        if name not in self.params:
            raise PlaygroundError(
                f"`{name}` is not a param",
                field="name",
                hint="requires_grad can be switched for params; inputs are constants.",
            )
        self.params[name].requires_grad_(bool(flag))
        code = [f"{name}.requires_grad_({bool(flag)})", f"print({name})"]
        self.log.add("set_requires_grad", {"name": name, "flag": bool(flag)}, code, self._count)
        return self._done(self._record("requires_grad", code))

    def set_auto_zero_grad(self, flag: bool) -> None:
        """Whether :meth:`iterate` ends with zero_grad; the config records it."""
        self.config = replace(self.config, auto_zero_grad=bool(flag))

    def set_retain_grad(self, flag: bool) -> None:
        """From the next forward on, intermediates keep their .grad (``y.retain_grad()``)."""
        self._retain_grad = bool(flag)
        self.log.add("set_retain_grad", {"flag": bool(flag)}, [], None)
        self._emit_branched()  # no record follows: tell the views now if the future went

    @property
    def lr(self) -> float:
        """The learning rate the next step uses (changed by :meth:`set_lr`)."""
        return current_setting(self.optimizer, "lr", self._manual_lr)

    @property
    def momentum(self) -> float:
        """The momentum the next step uses (changed by :meth:`set_momentum`)."""
        return current_setting(self.optimizer, "momentum", 0.0)

    def set_lr(self, value: float) -> Record:
        """Change the learning rate mid-run: ``optimizer.param_groups[0]["lr"] = value``."""
        value = checked_setting(self.config, self.optimizer, "lr", value)
        if self.optimizer is None:
            self._manual_lr = value
        else:
            self.optimizer.param_groups[0]["lr"] = value
        code = script.setting_lines("lr", value, manual=self.optimizer is None)
        self.log.add("set_lr", {"value": value}, code, self._count)
        return self._done(self._record("set_lr", code))

    def set_momentum(self, value: float) -> Record:
        """Change the momentum mid-run: ``optimizer.param_groups[0]["momentum"] = value``
        (SGD and RMSprop; refused, saying what to use instead, for the others)."""
        value = checked_setting(self.config, self.optimizer, "momentum", value)
        self.optimizer.param_groups[0]["momentum"] = value  # type: ignore[union-attr]
        code = script.setting_lines("momentum", value, manual=False)
        self.log.add("set_momentum", {"value": value}, code, self._count)
        return self._done(self._record("set_momentum", code))

    def backward_trace(self) -> list[trace.TraceNode]:
        """The last backward's grad_fn nodes in the order PyTorch ran them, with the
        gradients each received and passed on, captured by node hooks during that
        backward (see playground/trace.py); [] before any backward."""
        return trace.trace_nodes(self._trace)

    def reset(self) -> None:
        """Back to the initial values (lr and momentum too); history, output and code cleared.

        Undoable: :meth:`undo` right after brings the run back as it was.
        """
        self._keep_run_for_undo()
        self._retain_grad = False
        self._start()
        self.events.reset.emit()

    # ---------------------------------------------------------------- export
    def setup_lines(self) -> list[str]:
        return script.setup_lines(self.config)

    def code_lines(self) -> list[script.CodeLine]:
        """The set-up, then each action's code, for the code panel."""
        return script.code_lines(self.setup_lines(), self.log)

    def to_script(self) -> str:
        """A runnable script that does everything this session did since the last reset."""
        return script.to_script(self.setup_lines(), self.log, list(self.params))

    def save(self, path: str | Path) -> None:
        """Write the session as JSON (see docs/session_format.md), atomically."""
        from .persist import save_session

        save_session(self, Path(path))

    @classmethod
    def load(cls, path: str | Path) -> Session:
        """Read a session saved by :meth:`save`; it continues exactly where it was."""
        from .persist import load_session

        return load_session(Path(path))

    def __repr__(self) -> str:
        return (
            f"Session(params={self.param_names}, inputs={self.input_names}, "
            f"output={self.output_name!r}, records={self._count})"
        )


class _GradsRestored:
    """Context manager: a backward that raises leaves every .grad as it was.

    Params' grads are not cloned up front (that cost a tenth of an iteration):
    a grad that backward replaced or changed in place (its version moved) is
    put back from the last record, which holds the grads as they are now.
    (A class, not @contextmanager: a generator costs more per backward.)
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.before = [(t, t.grad, None if t.grad is None else t.grad._version)
                       for t in session.params.values()]
        self.retained = [(t, None if t.grad is None else t.grad.clone())
                         for t in session._results.values() if t.retains_grad]

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is None:
            return
        session = self.session
        row = session._count - 1
        for (name, tensor), (_, grad, version) in zip(session.params.items(), self.before):
            if tensor.grad is not grad or (grad is not None and grad._version != version):
                tensor.grad = session._store.grad_tensor(name, row)
        for tensor, saved in self.retained:
            tensor.grad = saved
