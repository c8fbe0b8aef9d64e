"""A hypothesis state machine: Session against an independent plain-torch reference.

The reference below is written from PyTorch's documentation, not from the
engine: tensors, an optimizer, ``out.backward(v, retain_graph=...)``,
``optimizer.step()``, ``zero_grad`` both ways, ``requires_grad_``,
``retain_grad``. Time travel (undo / redo / goto) is modelled the simplest way
there is: replay the run's calls from scratch in plain torch up to the point.
Each call remembers which press made it: goto moves call by call, undo and
redo by whole presses (an iterate's phases are one press, even cut by a branch).
After every rule the session and the reference must agree bit for bit (values,
grads of params and of retained intermediates, output), and the session must
raise ``PlaygroundError`` exactly where torch raised (leaving everything as it
was) and nowhere else.

Profiles: the default run is short and derandomized (CI, 60 sequences of up to
25 actions); the long one explores 10,000 sequences of up to 40 actions::

    PLAYGROUND_LONG=1 PLAYGROUND_SM_STATS=/tmp/sm.txt tools/test tests/engine/test_state_machine.py -q

(``PLAYGROUND_SM_STATS`` appends each sequence's action count to that file.)
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import runpy
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from playground import PlaygroundError, Session

LONG = os.environ.get("PLAYGROUND_LONG") == "1"
F32 = torch.float32


# ----------------------------------------------------------------------- models
@dataclass(frozen=True)
class Model:
    """A forward program for the session and the same computation in torch."""

    forward: str
    params: dict[str, tuple[int, ...]]
    inputs: dict[str, tuple[int, ...]]
    run: Callable[[dict[str, torch.Tensor]], dict[str, torch.Tensor]]


def _a(e: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    y = e["w"] * e["x"]
    return {"y": y, "out": y.sum()}


def _b(e: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    y = e["w"] * e["w"]
    return {"y": y, "out": y.sum()}


def _c(e: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {"out": e["w"] * 2 + e["b"]}


def _d(e: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {"out": e["W"].reshape(-1)}


def _e(e: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    z = e["x"] @ e["w"] + e["b"]
    return {"z": z, "out": torch.sigmoid(z).mean()}


MODELS = (
    Model("y = w * x\nout = y.sum()", {"w": (3,)}, {"x": (3,)}, _a),
    Model("y = w * w\nout = y.sum()", {"w": (2,)}, {}, _b),
    Model("out = w * 2 + b", {"w": (2,), "b": (2,)}, {}, _c),
    Model("out = W.reshape(-1)", {"W": (2,)}, {}, _d),
    Model("z = x @ w + b\nout = torch.sigmoid(z).mean()", {"w": (2,), "b": (1,)}, {"x": (3, 2)}, _e),
)
OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
              "rmsprop": torch.optim.RMSprop, "adagrad": torch.optim.Adagrad}
WITH_MOMENTUM = ("sgd", "rmsprop")

numbers = st.floats(-2.0, 2.0, width=32, allow_nan=False, allow_infinity=False)


def _nested(shape: tuple[int, ...]) -> st.SearchStrategy[Any]:
    if not shape:
        return numbers
    return st.lists(_nested(shape[1:]), min_size=shape[0], max_size=shape[0])


@st.composite
def setups(draw: Any) -> dict[str, Any]:
    model = draw(st.sampled_from(MODELS))
    update = draw(st.sampled_from(["optimizer", "optimizer", "manual"]))
    optimizer = "sgd" if update == "manual" else draw(st.sampled_from(sorted(OPTIMIZERS)))
    plain = update == "manual"
    momentum = 0.0 if plain or optimizer not in WITH_MOMENTUM else draw(st.sampled_from([0.0, 0.9]))
    return {
        "model": model,
        "params": {n: draw(_nested(s)) for n, s in model.params.items()},
        "inputs": {n: draw(_nested(s)) for n, s in model.inputs.items()},
        "lr": draw(st.sampled_from([0.1, 0.01, 0.5])),
        "momentum": momentum,
        "weight_decay": 0.0 if plain else draw(st.sampled_from([0.0, 0.01])),
        "update": update,
        "optimizer": optimizer,
        "zero_grad_mode": draw(st.sampled_from(["zeros", "none"])),
        "auto_zero_grad": draw(st.booleans()),
    }


# -------------------------------------------------------------------- reference
class Refused(Exception):
    """The reference could not do it (torch raised, or there was nothing to do)."""


@dataclass
class Run:
    """One run: the record-making calls in order (with the retain_grad flag each saw)."""

    calls: list[tuple[str, dict[str, Any], bool]] = field(default_factory=list)
    presses: list[int] = field(default_factory=list)  # which press made each call
    pos: int = -1  # index of the last call applied (-1: the start)
    logged: bool = False  # anything logged (set_retain_grad logs without a record)
    retain_end: bool = False


class Reference:
    """The same model in plain torch, with the semantics the playground promises."""

    def __init__(self, setup: dict[str, Any]) -> None:
        self.setup = setup
        self.model: Model = setup["model"]
        self.run = Run()
        self.runs_before: list[Run] = []
        self.runs_after: list[Run] = []
        self.pressed = 0  # presses so far: each call is tagged with the press that made it
        self._fresh()

    def _fresh(self) -> None:
        s = self.setup
        self.params = {n: torch.tensor(v, dtype=F32, requires_grad=True) for n, v in s["params"].items()}
        self.inputs = {n: torch.tensor(v, dtype=F32) for n, v in s["inputs"].items()}
        self.opt = None
        self.lr = s["lr"]
        if s["update"] == "optimizer":
            kwargs = {"lr": s["lr"], "weight_decay": s["weight_decay"]}
            if s["optimizer"] in WITH_MOMENTUM:
                kwargs["momentum"] = s["momentum"]
            self.opt = OPTIMIZERS[s["optimizer"]](list(self.params.values()), **kwargs)
        self.results: dict[str, torch.Tensor] = {}
        self.out: torch.Tensor | None = None
        self.retain = False

    # -- the calls, in torch -----------------------------------------------------
    def forward(self, no_grad: bool = False) -> None:
        env = {**self.inputs, **self.params}
        with torch.no_grad() if no_grad else contextlib.nullcontext():
            results = self.model.run(env)
        if self.retain:
            for t in results.values():
                if t.requires_grad and not t.is_leaf:
                    t.retain_grad()
        self.results, self.out = results, results["out"]

    def _grads(self) -> dict[int, Any]:
        tensors = [*self.params.values(), *(t for t in self.results.values() if t.retains_grad)]
        return {id(t): (t, None if t.grad is None else t.grad.clone()) for t in tensors}

    def backward(self, gradient: Any = None, retain_graph: bool = False) -> None:
        if self.out is None:
            raise Refused("no output")
        saved = self._grads()
        v = None if gradient is None else torch.tensor(gradient, dtype=F32)
        try:
            self.out.backward(gradient=v, retain_graph=retain_graph)
        except RuntimeError as exc:
            for t, g in saved.values():  # the promise: a refused backward changes nothing
                t.grad = g
            raise Refused(str(exc)) from None

    def step(self) -> None:
        if self.opt is not None:
            self.opt.step()
            return
        with_grad = [p for p in self.params.values() if p.grad is not None]
        if not with_grad:
            raise Refused("manual step without any grad")
        with torch.no_grad():
            for p in with_grad:
                p -= self.lr * p.grad

    def zero_grad(self, set_to_none: bool | None = None) -> None:
        to_none = self.setup["zero_grad_mode"] == "none" if set_to_none is None else set_to_none
        if self.opt is not None:
            self.opt.zero_grad(set_to_none=to_none)
            return
        for p in self.params.values():
            if p.grad is not None:
                if to_none:
                    p.grad = None
                else:
                    p.grad.zero_()

    def iterate(self) -> None:
        results, out, grads = self.results, self.out, self._grads()
        self.forward()
        try:
            self.backward()
        except Refused:  # nothing after the backward ran: params were never written
            self.results, self.out = results, out
            for t, g in grads.values():
                t.grad = g
            raise
        self.step()
        if self.setup["auto_zero_grad"]:
            self.zero_grad()

    def set_requires_grad(self, name: str, flag: bool) -> None:
        self.params[name].requires_grad_(flag)

    def set_lr(self, value: float) -> None:
        if self.opt is None:
            self.lr = value
        else:
            self.opt.param_groups[0]["lr"] = value

    def set_momentum(self, value: float) -> None:
        """``param_groups[0]["momentum"] = value``; refused where the playground promises
        to refuse: no momentum to set (manual update, Adam, AdamW, Adagrad), or an RMSprop
        that already stepped without a momentum buffer (torch's next step would fail)."""
        if self.opt is None or self.setup["optimizer"] not in WITH_MOMENTUM:
            raise Refused("no momentum here")
        started = [state for state in self.opt.state.values() if state]
        if self.setup["optimizer"] == "rmsprop" and value > 0 and any(
                "momentum_buffer" not in state for state in started):
            raise Refused("RMSprop stepped without a momentum buffer")
        self.opt.param_groups[0]["momentum"] = value

    # -- the run and time travel --------------------------------------------------
    def do(self, action: str, **kwargs: Any) -> None:
        """Run a call; on success it joins the run (dropping any future)."""
        retain = self.retain
        before = len(self.run.calls)
        if action == "iterate":
            self.iterate()
            self._branch()
            self.run.calls += [("forward", {"no_grad": False}, retain), ("backward", {}, retain),
                               ("step", {}, retain)]
            if self.setup["auto_zero_grad"]:
                self.run.calls.append(("zero_grad", {"set_to_none": None}, retain))
        else:
            getattr(self, action)(**kwargs)
            self._branch()
            self.run.calls.append((action, kwargs, retain))
        self.pressed += 1
        cut = min(before, self.run.pos + 1)  # _branch dropped the future
        self.run.presses[cut:] = [self.pressed] * (len(self.run.calls) - cut)
        self.run.pos = len(self.run.calls) - 1
        self.run.logged = True

    def _branch(self) -> None:
        """An action from the past drops the future (as an editor's undo does)."""
        run = self.run
        if run.pos < len(run.calls) - 1:
            del run.calls[run.pos + 1:]
            del run.presses[run.pos + 1:]
            if run.pos == -1:
                run.logged = False  # cut back to the start: nothing of it is left
        self.runs_after.clear()

    def set_retain_grad(self, flag: bool) -> None:
        self._branch()
        self.retain = flag
        self.run.logged = True

    def reset(self) -> None:
        # Reset puts the whole run aside as it is, its redoable future included
        # (nothing is lost: undo brings it back at the same position); only the
        # runs after it (redo of an undone reset) are dropped.
        self.runs_after.clear()
        if self.run.calls or self.run.logged:
            self.run.retain_end = self.retain
            self.runs_before.append(self.run)
        self.run = Run()
        self._fresh()

    @property
    def can_undo(self) -> bool:
        return self.run.pos >= 0 or bool(self.runs_before)

    @property
    def can_redo(self) -> bool:
        return self.run.pos < len(self.run.calls) - 1 or bool(self.runs_after)

    def replay(self, retain_now: bool) -> None:
        """Rebuild the live tensors from scratch up to ``run.pos``, in plain torch."""
        self._fresh()
        for name, kwargs, retain in self.run.calls[: self.run.pos + 1]:
            self.retain = retain
            getattr(self, name)(**kwargs)
        self.retain = retain_now

    def goto(self, index: int) -> None:
        self.run.pos = index

    def undo(self) -> None:
        run = self.run
        if run.pos >= 0:  # to just before the first call of the press that made this one
            press = run.presses[run.pos]
            while run.pos >= 0 and run.presses[run.pos] == press:
                run.pos -= 1
        elif self.runs_before:
            self.runs_after.append(self.run)
            self.run = self.runs_before.pop()
        else:
            raise Refused("nothing to undo")

    def redo(self) -> None:
        run = self.run
        if run.pos < len(run.calls) - 1:  # to the last call of the next press
            press = run.presses[run.pos + 1]
            while run.pos < len(run.calls) - 1 and run.presses[run.pos + 1] == press:
                run.pos += 1
        elif self.runs_after:
            self.runs_before.append(self.run)
            self.run = self.runs_after.pop()
        else:
            raise Refused("nothing to redo")


# ------------------------------------------------------------------- comparison
def _bits(value: Any) -> Any:
    """Nested floats (or None) as float32 bit patterns: nan equals nan, -0.0 is not 0.0."""
    if value is None:
        return None
    t = torch.tensor(value, dtype=F32)
    return (tuple(t.shape), t.reshape(-1).view(torch.int32).tolist())


def _tensor_bits(t: torch.Tensor | None) -> Any:
    return None if t is None else _bits(t.detach().tolist())


class SessionMachine(RuleBasedStateMachine):
    """Random sequences of every action, checked against :class:`Reference` after each."""

    def __init__(self) -> None:
        super().__init__()
        self.session: Session | None = None
        self.ref: Reference | None = None
        self.tmp = Path(tempfile.mkdtemp(prefix="playground-sm-"))
        self.checks = 0  # invariant checks: one after set-up, then one per action

    def teardown(self) -> None:
        """Tidy up; with PLAYGROUND_SM_STATS set, append this sequence's action count."""
        for path in self.tmp.iterdir():
            path.unlink()
        self.tmp.rmdir()
        stats = os.environ.get("PLAYGROUND_SM_STATS")
        if stats:
            with open(stats, "a", encoding="utf-8") as handle:
                handle.write(f"{max(0, self.checks - 1)}\n")

    @initialize(setup=setups())
    def build(self, setup: dict[str, Any]) -> None:
        kwargs = {k: v for k, v in setup.items() if k != "model"}
        self.session = Session(forward=setup["model"].forward, **kwargs)
        self.ref = Reference(setup)

    # -- the check -----------------------------------------------------------------
    def same(self, what: Callable[[Session], Any], how: Callable[[Reference], Any]) -> None:
        assert what(self.session) == how(self.ref)

    @invariant()
    def agree(self) -> None:
        s, r = self.session, self.ref
        if s is None or r is None:
            return
        self.checks += 1
        for name, p in r.params.items():
            assert _bits(s.value(name)) == _tensor_bits(p), f"value of {name}"
            assert _bits(s.grad(name)) == _tensor_bits(p.grad), f"grad of {name}"
            assert s.requires_grad(name) == p.requires_grad
        assert _bits(s.output) == _tensor_bits(r.out), "output"
        for name, t in r.results.items():
            if name in r.params or name in r.inputs:
                continue
            expected = t.grad if t.retains_grad else None
            assert _bits(s.grad(name)) == _tensor_bits(expected), f"grad of {name}"
        assert s.can_undo == r.can_undo and s.can_redo == r.can_redo

    def both(self, action: str, *, ref_name: str | None = None, **kwargs: Any) -> None:
        """Run ``action`` on both: both succeed, or torch refused and the session raised."""
        refused = None
        try:
            if ref_name == "raw":
                getattr(self.ref, action)(**kwargs)
            else:
                self.ref.do(action, **kwargs)
        except Refused as exc:
            refused = exc
        if refused is None:
            getattr(self.session, action)(**kwargs)
        else:
            try:
                getattr(self.session, action)(**kwargs)
            except PlaygroundError:
                return
            raise AssertionError(f"{action}({kwargs}) succeeded where torch refused: {refused}")

    # -- rules -----------------------------------------------------------------------
    @rule(no_grad=st.booleans())
    def forward(self, no_grad: bool) -> None:
        self.both("forward", no_grad=no_grad)

    @rule(data=st.data(), retain_graph=st.booleans(), kind=st.sampled_from(["none", "ones", "random", "wrong"]))
    def backward(self, data: Any, retain_graph: bool, kind: str) -> None:
        gradient = None
        out = self.ref.out
        if kind != "none" and out is not None:
            shape = tuple(out.shape)
            if kind == "wrong":
                shape = (int(out.numel()) + 1,)
            if kind == "ones":
                gradient = torch.ones(shape).tolist()
            else:
                gradient = data.draw(_nested(shape))
        self.both("backward", gradient=gradient, retain_graph=retain_graph)

    @rule()
    def step(self) -> None:
        self.both("step")

    @rule(set_to_none=st.sampled_from([None, True, False]))
    def zero_grad(self, set_to_none: bool | None) -> None:
        self.both("zero_grad", set_to_none=set_to_none)

    @rule()
    def iterate(self) -> None:
        self.both("iterate")

    @rule()
    def reset(self) -> None:
        self.ref.reset()
        self.session.reset()

    @rule(data=st.data(), flag=st.booleans())
    def set_requires_grad(self, data: Any, flag: bool) -> None:
        name = data.draw(st.sampled_from(sorted(self.ref.params)))
        self.both("set_requires_grad", name=name, flag=flag)

    @rule(flag=st.booleans())
    def set_retain_grad(self, flag: bool) -> None:
        self.ref.set_retain_grad(flag)
        self.session.set_retain_grad(flag)

    @rule(value=st.sampled_from([0.0, 0.01, 0.1, 0.5]))
    def set_lr(self, value: float) -> None:
        self.both("set_lr", value=value)

    @rule(value=st.sampled_from([0.0, 0.5, 0.9]))
    def set_momentum(self, value: float) -> None:
        self.both("set_momentum", value=value)

    def _travelled(self) -> None:
        self.ref.replay(self.session.retain_grad)

    @rule()
    def undo(self) -> None:
        self.both("undo", ref_name="raw")
        self._travelled()

    @rule()
    def redo(self) -> None:
        self.both("redo", ref_name="raw")
        self._travelled()

    @rule(data=st.data())
    def goto(self, data: Any) -> None:
        index = data.draw(st.integers(-1, max(-1, len(self.ref.run.calls) - 1)))
        self.ref.goto(index)
        self.session.goto(index)
        self._travelled()

    def _at_end(self) -> bool:
        return self.ref is not None and self.ref.run.pos == len(self.ref.run.calls) - 1

    @precondition(lambda self: self._at_end())
    @rule()
    def save_and_load(self) -> None:
        path = self.tmp / "run.json"
        self.session.save(path)
        self.session = Session.load(path)
        # The file holds this run only: no undo of a reset, nothing to redo.
        self.ref.runs_before.clear()
        self.ref.runs_after.clear()
        self.ref.run.logged = bool(self.ref.run.calls) or self.ref.run.logged

    @precondition(lambda self: self._at_end())
    @rule()
    def exported_script(self) -> None:
        path = self.tmp / "script.py"
        path.write_text(self.session.to_script())
        with contextlib.redirect_stdout(io.StringIO()):
            scope = runpy.run_path(str(path))
        for name, p in self.ref.params.items():
            assert _tensor_bits(scope[name]) == _tensor_bits(p), f"script's {name}"
            assert _tensor_bits(scope[name].grad) == _tensor_bits(p.grad), f"script's {name}.grad"


SessionMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("PLAYGROUND_SM_EXAMPLES", 10_000 if LONG else 60)),
    stateful_step_count=40 if LONG else 25,
    deadline=None,
    derandomize=not LONG,  # CI: the same sequences every run; the long profile explores
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
    print_blob=True,
)
TestSessionAgainstTorch = SessionMachine.TestCase
