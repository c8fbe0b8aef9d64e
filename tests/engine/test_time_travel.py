"""goto / undo / redo / branching against plain PyTorch replaying the same calls from scratch.

The oracle is a few lines of plain torch written from the PyTorch docs, not the
engine: it runs the successful calls up to a record, then the same continuation
the session runs after ``goto``; values, grads and outputs must be equal bit for
bit (``torch.equal``), and each call must fail in both or in neither.
"""

from __future__ import annotations

import contextlib
import random
from typing import Any

import pytest
import torch

from playground import PlaygroundError, Session, time_travel

FORWARD = "h = w * w\nout = (h * x).sum() + b"


def make_session(**kw: Any) -> Session:
    args: dict[str, Any] = dict(params={"w": [0.5, -1.0], "b": 0.25}, inputs={"x": [1.0, 2.0]},
                                forward=FORWARD, lr=0.05, momentum=0.9, weight_decay=0.01)
    args.update(kw)
    return Session(**args)


class Torch:
    """Plain PyTorch doing what each call means (see docs/engine_api.md)."""

    def __init__(self, update: str = "optimizer") -> None:
        self.w = torch.tensor([0.5, -1.0], requires_grad=True)
        self.b = torch.tensor(0.25, requires_grad=True)
        self.x = torch.tensor([1.0, 2.0])
        self.manual = update == "manual"
        self.opt = None if self.manual else torch.optim.SGD(
            [self.w, self.b], lr=0.05, momentum=0.9, weight_decay=0.01)
        self.h: torch.Tensor | None = None
        self.out: torch.Tensor | None = None
        self.retain = False

    def forward(self, no_grad: bool = False) -> None:
        with torch.no_grad() if no_grad else contextlib.nullcontext():
            h = self.w * self.w
            out = (h * self.x).sum() + self.b
        if self.retain and h.requires_grad:
            h.retain_grad()
        self.h, self.out = h, out

    def backward(self, retain_graph: bool = False) -> None:
        if self.out is None:
            raise RuntimeError("no output")
        saved = [(t, None if t.grad is None else t.grad.clone()) for t in self._with_grads()]
        try:
            self.out.backward(retain_graph=retain_graph)
        except RuntimeError:
            for tensor, grad in saved:  # a refused call changes nothing
                tensor.grad = grad
            raise

    def _with_grads(self) -> list[torch.Tensor]:
        extra = [self.h] if self.h is not None and self.h.retains_grad else []
        return [self.w, self.b, *extra]

    def step(self) -> None:
        if self.opt is not None:
            self.opt.step()
            return
        if self.w.grad is None and self.b.grad is None:
            raise RuntimeError("nothing to step")
        with torch.no_grad():
            for p in (self.w, self.b):
                if p.grad is not None:
                    p -= 0.05 * p.grad

    def zero_grad(self, set_to_none: bool = False) -> None:
        if self.opt is not None:
            self.opt.zero_grad(set_to_none=set_to_none)
            return
        for p in (self.w, self.b):
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.zero_()

    def set_requires_grad(self, name: str, flag: bool) -> None:
        getattr(self, name).requires_grad_(flag)

    def set_retain_grad(self, flag: bool) -> None:
        self.retain = flag

    def iterate(self) -> None:
        saved = (self.h, self.out)
        self.forward()
        try:
            self.backward()
        except RuntimeError:
            self.h, self.out = saved
            raise
        self.step()


CALLS: list[tuple[str, dict[str, Any]]] = [
    ("forward", {}), ("forward", {}), ("forward", {"no_grad": True}),
    ("backward", {}), ("backward", {}), ("backward", {"retain_graph": True}),
    ("step", {}), ("step", {}),
    ("zero_grad", {"set_to_none": False}), ("zero_grad", {"set_to_none": True}),
    ("set_requires_grad", {"name": "w", "flag": False}),
    ("set_requires_grad", {"name": "w", "flag": True}),
    ("set_requires_grad", {"name": "b", "flag": False}),
    ("set_requires_grad", {"name": "b", "flag": True}),
    ("set_retain_grad", {"flag": True}), ("set_retain_grad", {"flag": False}),
    ("iterate", {}),
]
MAKES_RECORDS = {"forward": 1, "backward": 1, "step": 1, "zero_grad": 1,
                 "set_requires_grad": 1, "set_retain_grad": 0, "iterate": 3}


def call_session(s: Session, name: str, kwargs: dict[str, Any]) -> bool:
    try:
        getattr(s, name)(**kwargs)
    except PlaygroundError:
        return False
    return True


def call_torch(t: Torch, name: str, kwargs: dict[str, Any]) -> bool:
    try:
        getattr(t, name)(**kwargs)
    except RuntimeError:
        return False
    return True


def same(a: torch.Tensor | None, b: torch.Tensor | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return torch.equal(a.detach(), b.detach())


def assert_same_state(s: Session, t: Torch) -> None:
    for name in ("w", "b"):
        mine, theirs = s.params[name], getattr(t, name)
        assert torch.equal(mine.detach(), theirs.detach()), name
        assert same(mine.grad, theirs.grad), f"{name}.grad"
        assert mine.requires_grad == theirs.requires_grad
    assert same(s.output_tensor, t.out)
    h = s._results.get("h")
    assert (h is None) == (t.h is None)
    if h is not None and t.h is not None:
        assert h.retains_grad == t.h.retains_grad
        if h.retains_grad:
            assert same(h.grad, t.h.grad)
    assert s.retain_grad == t.retain


def random_run(rng: random.Random, n: int, update: str = "optimizer") -> tuple[Session, list]:
    """n random calls on a session; returns it and the successful calls with their records."""
    s = make_session(update=update, momentum=0.0 if update == "manual" else 0.9,
                     weight_decay=0.0 if update == "manual" else 0.01)
    done = []
    for _ in range(n):
        name, kwargs = rng.choice(CALLS)
        before = len(s.history)
        if call_session(s, name, kwargs):
            done.append((name, kwargs, len(s.history) - before))
            assert len(s.history) - before == MAKES_RECORDS[name]
        else:
            assert len(s.history) == before
    return s, done


def calls_upto(done: list, index: int) -> list:
    """The successful calls up to the one that made record ``index``.

    An iterate is split into its phases, as the session recorded them. At the
    last record, retain_grad toggles made after it count (the session is at the
    end of its run); before, they belong to the future."""
    out = []
    made = 0
    last = sum(records for _, _, records in done) - 1
    for name, kwargs, records in done:
        if made > index and not (index == last and records == 0):
            break
        if name == "iterate":
            for phase in ("forward", "backward", "step"):
                if made > index:
                    break
                out.append((phase, {}, 1))
                made += 1
            continue
        out.append((name, kwargs, records))
        made += records
    return out


def torch_upto(done: list, index: int, update: str = "optimizer") -> Torch:
    """Plain torch after the successful calls up to the one that made record ``index``."""
    t = Torch(update)
    for name, kwargs, _ in calls_upto(done, index):
        getattr(t, name)(**_torch_kwargs(name, kwargs))
    return t


def _torch_kwargs(name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    if name == "backward":
        return {"retain_graph": kwargs.get("retain_graph", False)}
    return kwargs


def continue_both(s: Session, t: Torch, rng: random.Random, n: int) -> list:
    """The same n random calls on both; returns the successful ones."""
    done = []
    for _ in range(n):
        name, kwargs = rng.choice(CALLS)
        ok_s = call_session(s, name, kwargs)
        ok_t = call_torch(t, name, _torch_kwargs(name, kwargs))
        assert ok_s == ok_t, (name, kwargs)
        assert_same_state(s, t)
        if ok_s:
            done.append((name, kwargs, MAKES_RECORDS[name]))
    return done


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("update", ["optimizer", "manual"])
@pytest.mark.parametrize("every", [1, 4, 32])
def test_goto_every_index_then_continue_equals_torch_from_scratch(
    seed: int, update: str, every: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``every``: records between checkpoints (dense ones exercise restoring from them)."""
    monkeypatch.setattr(time_travel, "CHECKPOINT_EVERY", every)
    rng = random.Random(seed)
    s, done = random_run(rng, 30, update)
    assert len(s._checkpoints) > 1 or every == 32
    n = len(s.history)
    assert n > 5
    order = list(range(-1, n))
    rng.shuffle(order)
    for index in order:
        s.goto(index)
        assert s.position == index
        assert_same_state(s, torch_upto(done, index, update))
    # Continue from a few points: the same presses as plain torch, bit for bit (this
    # branches the run), then check every index of the branched run again.
    for _ in range(4):
        index = rng.randrange(-1, len(s.history))
        s.goto(index)
        t = torch_upto(done, index, update)
        done = calls_upto(done, index) if index >= 0 else []
        done += continue_both(s, t, rng, 12)
        assert len(s.history) == sum(r for _, _, r in done)
    for index in range(-1, len(s.history)):
        s.goto(index)
        assert_same_state(s, torch_upto(done, index, update))


def test_goto_restores_the_graph_alive_or_freed_and_version_counters() -> None:
    s = make_session()
    s.forward()                      # 0: graph alive
    s.backward(retain_graph=True)    # 1: still alive
    s.step()                         # 2: w changed in place: the graph saved w, now stale
    s.forward()                      # 3
    s.backward()                     # 4: freed
    s.forward()                      # 5
    s.goto(2)
    assert not s.graph_freed
    with pytest.raises(PlaygroundError, match="inplace"):
        s.backward()  # plain torch refuses too (checked below)
    t = Torch()
    t.forward()
    t.backward(retain_graph=True)
    t.step()
    with pytest.raises(RuntimeError, match="inplace"):
        t.backward()
    s.goto(4)
    assert s.graph_freed
    with pytest.raises(PlaygroundError, match="freed"):
        s.backward()
    s.goto(1)
    s.backward()  # alive, exactly as after record 1: grads accumulate
    t = Torch()
    t.forward()
    t.backward(retain_graph=True)
    t.backward()
    assert_same_state(s, t)
    assert len(s.history) == 3


def test_history_keeps_the_future_until_a_press_branches() -> None:
    s = make_session(auto_zero_grad=True)
    for _ in range(10):
        s.iterate()
    assert len(s.history) == 40 and s.position == 39
    s.goto(17)  # iteration 4, after its backward
    assert len(s.history) == 40 and s.position == 17 and s.can_redo
    moved: list[str] = []
    s.events.moved.connect(lambda: moved.append("moved"))
    s.events.action_done.connect(lambda r: moved.append(r.action))
    s.step()
    assert moved == ["moved", "step"]  # views re-read before they see the new record
    assert len(s.history) == 19 and s.position == 18 and not s.can_redo
    assert [r.index for r in s.history] == list(range(19))
    t = Torch()
    for _ in range(4):
        t.iterate()
        t.zero_grad()
    t.forward()
    t.backward()
    t.step()
    assert_same_state(s, t)
    # The log was cut inside the folded loop: 4 whole iterations, then the part of the 5th.
    entries = s.log.entries
    assert entries[0].count == 4 and entries[0].iteration
    assert [c[0] for c in entries[1].calls] == ["forward", "backward"]
    assert [c[0] for c in entries[2].calls] == ["step"]
    assert "for epoch in range(4):" in s.to_script()


def test_branched_run_saves_and_reloads_equal(tmp_path: Any) -> None:
    s = make_session(auto_zero_grad=True)
    for _ in range(7):
        s.iterate()
    s.goto(9)
    s.zero_grad(set_to_none=True)
    s.iterate()
    path = tmp_path / "run.json"
    s.save(path)
    t = Session.load(path)
    assert t.history == s.history
    for name in ("w", "b"):
        assert torch.equal(t.params[name], s.params[name])
        assert same(t.params[name].grad, s.params[name].grad)


def test_a_failed_press_from_the_past_keeps_the_future() -> None:
    s = Session(params={"w": [1.0, 2.0]}, forward="y = w.pow(2)")
    s.forward()
    s.backward(gradient=[1.0, 1.0])
    s.forward()
    before = list(s.history)
    s.goto(0)
    with pytest.raises(PlaygroundError):
        s.iterate()  # non-scalar output: refused after its forward ran
    assert s.history == before and s.position == 0 and s.can_redo
    with pytest.raises(PlaygroundError):
        s.backward()  # refused before anything changed
    assert s.history == before
    s.redo()
    s.redo()
    assert s.position == 2


def test_undo_redo_every_press_including_requires_grad() -> None:
    """Undo and redo move by whole presses: an iterate's three records are one."""
    rng = random.Random(7)
    s, done = random_run(rng, 40)
    snapshots = []
    for i in range(len(s.history)):
        s.goto(i)
        snapshots.append(_state(s))
    # The last record of each press that made records, from the calls made (not the log).
    ends, made = [], 0
    for _name, _kwargs, records in done:
        made += records
        if records:
            ends.append(made - 1)
    assert any(name == "iterate" for name, _, _ in done)
    end = len(s.history) - 1
    assert ends[-1] == end
    s.goto(end)
    for k in range(len(ends) - 1, -1, -1):
        assert s.position == ends[k]
        assert _state(s) == snapshots[ends[k]]
        assert s.can_undo
        s.undo()
    assert s.position == -1 and not s.can_undo and s.output is None
    with pytest.raises(PlaygroundError):
        s.undo()
    for k in range(len(ends)):
        s.redo()
        assert _state(s) == snapshots[ends[k]]
    assert not s.can_redo
    with pytest.raises(PlaygroundError):
        s.redo()
    actions = {r.action for r in s.history}
    assert "requires_grad" in actions


def _state(s: Session) -> tuple:
    return (s.value("w"), s.value("b"), s.grad("w"), s.grad("b"), s.output, s.graph_freed,
            s.requires_grad("w"), s.requires_grad("b"), s.position)


def test_undo_reset_brings_the_run_back_and_redo_resets_again() -> None:
    s = make_session()
    for _ in range(3):
        s.iterate()
    s.forward()
    before = (_state(s), list(s.history), s.to_script())
    s.reset()
    assert len(s.history) == 0 and s.can_undo
    s.iterate()
    s.undo()  # the whole iterate: one press
    assert s.position == -1 and s.can_undo
    s.undo()  # undoes the reset
    assert (_state(s), list(s.history), s.to_script()) == before
    s.backward()  # the graph of the last forward is alive, as it was
    t = Torch()
    for _ in range(3):
        t.iterate()
    t.forward()
    t.backward()
    assert_same_state(s, t)
    s.undo()
    s.redo()  # the backward again
    assert not s.can_redo  # the press above branched: the reset's redo is gone
    s.reset()
    s.forward()
    s.goto(-1)
    s.undo()
    assert s.position == 10  # the end of the run before the reset
    s.redo()
    assert s.position == -1 and len(s.history) == 1
    s.redo()
    assert s.position == 0 and s.output is not None


def test_goto_refuses_bad_indices_and_changes_nothing() -> None:
    s = make_session()
    s.iterate()
    state = _state(s)
    for bad in (3, -2, 1.5, "1", True, None):
        with pytest.raises(PlaygroundError):
            s.goto(bad)  # type: ignore[arg-type]
        assert _state(s) == state
    s.goto(s.columns.actions.argmin())  # a numpy integer, as a plot hands it over
    assert s.position == 0


def test_retain_grad_flag_travels_with_the_run() -> None:
    s = make_session()
    s.forward()                 # 0 without retain
    s.set_retain_grad(True)
    s.forward()                 # 1 with retain
    s.backward()                # 2: h.grad retained
    h_grad = s.grad("h")
    assert h_grad is not None
    s.goto(0)
    assert not s.retain_grad and s.grad("h") is None
    s.goto(2)
    assert s.retain_grad and s.grad("h") == h_grad
    s.set_retain_grad(False)  # after the last record
    s.goto(0)
    s.goto(2)
    assert not s.retain_grad  # the toggle after the last record is kept
    s.goto(1)
    moved: list[int] = []
    s.events.moved.connect(lambda: moved.append(len(s.history)))
    s.set_retain_grad(False)  # from the past: a change of the run, it branches
    assert len(s.history) == 2 and moved == [2]


def test_columns_equal_records() -> None:
    rng = random.Random(3)
    s, _ = random_run(rng, 60)
    cols = s.columns
    assert len(cols) == len(s.history)
    names = cols.action_names
    for i, record in enumerate(s.history):
        assert names[int(cols.actions[i])] == record.action
        for name in ("w", "b"):
            assert cols.values(name)[i].tolist() == record.values[name].reshape(-1).tolist()
            grad = record.grads[name]
            assert bool(cols.has_grad(name)[i]) == (grad is not None)
            if grad is None:
                assert torch.isnan(torch.from_numpy(cols.grads(name)[i].copy())).all()
            else:
                assert cols.grads(name)[i].tolist() == grad.reshape(-1).tolist()
        if record.output is None:
            assert not cols.has_output()[i]
        else:
            assert cols.outputs()[i].tolist() == [record.output]
    with pytest.raises(ValueError):
        cols.values("w")[0, 0] = 1.0  # read-only views


def test_columns_are_compact_and_never_capped() -> None:
    s = Session(params={"w": "ones(3)"}, inputs={"x": [1.0, 2.0, 3.0]},
                forward="out = (w * x).sum()", lr=0.001, auto_zero_grad=True)
    for _ in range(2500):
        s.iterate()
    assert len(s.history) == 10000 and s.history[0].action == "forward"
    assert s.columns.nbytes() / len(s.history) <= 100  # 100 MB per million actions


def test_history_contract() -> None:
    s = make_session()
    assert s.history == [] and len(s.history) == 0 and not s.history
    s.iterate()
    s.zero_grad()
    h = s.history
    assert len(h) == 4 and [r.index for r in h] == [0, 1, 2, 3]
    assert h[-1].action == "zero_grad" and h[-4].action == "forward"
    assert [r.action for r in reversed(h)] == ["zero_grad", "step", "backward", "forward"]
    assert [r.index for r in h[1:3]] == [1, 2] and h[::-1] == list(reversed(h))
    assert h[1] == h[1] and h[1] != h[2]
    assert h[1].code == ["out.backward()", "print(w.grad)", "print(b.grad)"]
    with pytest.raises(IndexError):
        h[4]


# ----------------------------------------------------------- fidelity bugs
def test_failed_iterate_leaves_the_graph_usable_like_torch() -> None:
    """Issue 7 bug 1: the rollback bumped version counters (copy_) and broke the graph."""
    s = Session(params={"w": [1.0, 2.0]}, forward="y = w.pow(2)")
    s.forward()
    version = s.params["w"]._version
    with pytest.raises(PlaygroundError):
        s.iterate()  # non-scalar output
    assert s.params["w"]._version == version
    s.backward(gradient=[1.0, 1.0])
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    w.pow(2).backward(torch.tensor([1.0, 1.0]))
    assert torch.equal(s.params["w"].grad, w.grad)


def test_failed_iterate_without_requires_grad_leaves_the_graph_usable() -> None:
    s = Session(params={"w": [1.0, 2.0]}, inputs={"x": [3.0, 4.0]}, forward="y = (w * w * x).sum()")
    s.forward()
    s.set_requires_grad("w", False)
    version = s.params["w"]._version
    with pytest.raises(PlaygroundError):
        s.iterate()  # the new forward does not require grad
    assert s.params["w"]._version == version
    s.set_requires_grad("w", True)
    s.backward()  # the graph of the first forward, as plain torch keeps it
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w * torch.tensor([3.0, 4.0])).sum()
    w.requires_grad_(False)
    w.requires_grad_(True)
    y.backward()
    assert torch.equal(s.params["w"].grad, w.grad)


def test_failed_backward_restores_retained_intermediate_grads() -> None:
    """Issue 7 bug 3: only params' grads were restored."""
    s = Session(params={"w": [1.0, 1.0]}, forward="h = w * w\nout = h.sum()")
    s.set_retain_grad(True)
    s.forward()
    s.backward()
    with pytest.raises(PlaygroundError):
        s.backward()  # graph freed
    w = torch.tensor([1.0, 1.0], requires_grad=True)
    h = w * w
    h.retain_grad()
    h.sum().backward()
    assert s.grad("h") == h.grad.tolist() == [1.0, 1.0]
    assert torch.equal(s.params["w"].grad, w.grad)


# ------------------------------------------------------------- action log
def test_log_revision_and_dirty_marker() -> None:
    s = make_session(auto_zero_grad=True)
    log = s.log
    rev = log.mark()
    assert log.dirty_from is None
    s.iterate()
    assert log.revision > rev and log.dirty_from == 0
    log.mark()
    s.iterate()  # folds into entry 0
    assert log.dirty_from == 0 and len(log.entries) == 1
    log.mark()
    s.forward()
    assert log.dirty_from == 1
    log.mark()
    s.goto(7)
    assert log.dirty_from is None  # moving does not change the log
    s.step()  # branch: entry 1 (the forward) goes, a new entry 1 comes
    assert log.dirty_from == 1 and len(log.entries) == 2 and log.entries[0].count == 2
    log.mark()
    s.goto(3)
    s.step()  # cut inside the folded entry 0: it changes
    assert log.dirty_from == 0 and log.entries[0].count == 1


def test_a_record_kept_across_a_branch_keeps_its_numbers() -> None:
    """Records are filled in from the columns on first use; a branch rewrites rows."""
    s = make_session()
    kept = s.forward()  # not looked at yet
    kept_backward = s.backward()
    s.goto(-1)
    s.set_requires_grad("w", False)  # branch: row 0 is rewritten
    s.forward()  # row 1 too
    assert kept.action == "forward" and kept.index == 0 and kept.grads == {"w": None, "b": None}
    assert kept_backward.action == "backward" and kept_backward.grads["w"].tolist() == [1.0, -4.0]
    assert s.history[0].action == "requires_grad" and s.history[1].grads["w"] is None


class AdamSession(Session):
    """A session whose optimizer is Adam (amsgrad, weight decay): time travel must not
    assume SGD. The optimizer is swapped in before the run's first checkpoint."""

    def _new_run(self) -> None:
        self.optimizer = torch.optim.Adam(list(self.params.values()), lr=0.05,
                                          weight_decay=0.01, amsgrad=True)
        super()._new_run()


def test_goto_with_adam_state_equals_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time_travel, "CHECKPOINT_EVERY", 3)
    s = AdamSession(params={"w": [0.5, -1.0], "b": 0.25}, inputs={"x": [1.0, 2.0]},
                    forward=FORWARD, auto_zero_grad=True)
    for _ in range(12):
        s.iterate()

    def torch_after(iterations: int) -> tuple[torch.Tensor, torch.Tensor]:
        w = torch.tensor([0.5, -1.0], requires_grad=True)
        b = torch.tensor(0.25, requires_grad=True)
        opt = torch.optim.Adam([w, b], lr=0.05, weight_decay=0.01, amsgrad=True)
        for _ in range(iterations):
            ((w * w * torch.tensor([1.0, 2.0])).sum() + b).backward()
            opt.step()
            opt.zero_grad()
        return w, b

    def check(iterations: int) -> None:
        w, b = torch_after(iterations)
        assert torch.equal(s.params["w"].detach(), w.detach())
        assert torch.equal(s.params["b"].detach(), b.detach())

    for iterations in (9, 2, 7, 0, 12, 4, 11):
        s.goto(iterations * 4 - 1)
        check(iterations)
    s.goto(5 * 4 - 1)
    for _ in range(3):
        s.iterate()  # continues with Adam's restored moments and step count
    check(8)


def test_reset_from_the_past_is_undone_with_the_future_intact() -> None:
    s = make_session()
    for _ in range(3):
        s.iterate()
    s.goto(4)
    state = _state(s)
    s.reset()
    assert len(s.history) == 0
    s.undo()
    assert _state(s) == state and len(s.history) == 9 and s.can_redo
    s.goto(8)
    t = Torch()
    for _ in range(3):
        t.iterate()
    assert_same_state(s, t)


def test_goto_replays_a_random_backward_v_with_the_numbers_drawn() -> None:
    s = Session(params={"w": [1.0, 2.0]}, forward="y = w * w", lr=0.1)
    s.forward()
    s.backward(gradient="randn(2)")  # drawn from torch's global generator
    s.step()
    grad, value = s.grad("w"), s.value("w")
    s.goto(-1)
    torch.randn(5)  # the global generator moves on
    s.goto(2)
    assert s.grad("w") == grad and s.value("w") == value


def test_one_undo_takes_back_a_whole_iterate_and_redo_does_it_again() -> None:
    """s6 item 10: one Ctrl+Z after Iterate undid only its step (w back, grads kept)."""
    s = make_session()
    s.set_auto_zero_grad(True)
    s.forward()
    s.backward()
    s.step()
    s.iterate()  # forward, backward, step, zero_grad: four records, one press
    assert len(s.history) == 7
    s.undo()
    assert s.position == 2
    t = Torch()
    t.forward()
    t.backward()
    t.step()
    assert_same_state(s, t)
    s.undo()  # the single-phase presses go one at a time
    assert s.position == 1
    s.redo()
    assert s.position == 2
    s.redo()  # the whole iterate again
    assert s.position == 6 and not s.can_redo
    t.iterate()
    t.zero_grad()
    assert_same_state(s, t)
    s.goto(4)  # the timeline still moves record by record: into the iterate
    s.undo()  # from inside a press: back to before it
    assert s.position == 2
    s.goto(4)
    s.redo()  # ...or on to its end
    assert s.position == 6


def test_undo_by_press_survives_a_branch_inside_an_iterate_and_a_reload(tmp_path) -> None:
    s = make_session()
    s.iterate()
    s.iterate()
    s.goto(4)  # after the second iterate's backward
    s.zero_grad()  # branches: the step is gone, the forward + backward stay one press
    s.save(tmp_path / "run.json")
    loaded = Session.load(tmp_path / "run.json")
    for run in (s, loaded):
        assert run.position == 5
        run.undo()
        assert run.position == 4
        run.undo()  # the cut iterate's forward and backward: still what one press did
        assert run.position == 2
        t = Torch()
        t.iterate()
        assert_same_state(run, t)
        run.undo()
        assert run.position == -1


@pytest.mark.parametrize("first, second", [(-0.0, 0.0), (0.0, -0.0)])
def test_a_branch_with_an_equal_but_other_v_is_replayed_with_its_own_v(
        first: Any, second: Any) -> None:
    """A backward(v) undone and pressed again with a v Python calls equal (-0.0 == 0.0)
    is a different call: undoing a later press must replay the second v.
    Found by the state machine's long profile: undo gave the grads of the undone v."""
    s = Session(params={"w": [1.25, -0.0]}, inputs={}, forward="y = w * w\nout = y.sum()",
                lr=0.1, update="manual")
    s.forward()
    s.backward(gradient=first)
    s.undo()
    s.backward(gradient=second)
    s.iterate()
    s.undo()  # back to just after backward(second)

    w = torch.tensor([1.25, -0.0], requires_grad=True)
    (w * w).sum().backward(gradient=torch.tensor(second, dtype=torch.float32))
    got = torch.tensor(s.grad("w"))
    assert torch.equal(got, w.grad)
    assert torch.equal(torch.signbit(got), torch.signbit(w.grad))
