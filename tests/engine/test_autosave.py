"""The autosave journal: appended as the run grows, rewritten only when cut, recovered exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from playground import PlaygroundError, Session
from playground.autosave import Autosave, describe, pending, recover

MODEL = {"params": {"w": [1.0, 2.0, 3.0]}, "inputs": {"x": [1.0, 2.0, 3.0]},
         "forward": "y = w * x\nout = y.sum()", "momentum": 0.9}


def _same_run(a: Session, b: Session) -> None:
    for name in a.param_names:
        assert a.value(name) == b.value(name) and a.grad(name) == b.grad(name)
    assert a.output == b.output and a.graph_freed == b.graph_freed
    assert a.to_script() == b.to_script()
    assert [(r.action, r.note) for r in a.history] == [(r.action, r.note) for r in b.history]


def test_flushes_append_and_the_journal_recovers_the_run(tmp_path: Path) -> None:
    path = tmp_path / "autosave.jsonl"
    s = Session(**MODEL)
    saver = Autosave(path)
    s.forward()
    assert saver.flush(s) and saver.rewrites == 1
    assert not saver.flush(s)  # nothing new: nothing written
    for _ in range(50):
        s.iterate()
        saver.flush(s)
    s.set_retain_grad(True)
    s.forward()
    s.backward(gradient=None, retain_graph=True)
    s.zero_grad(set_to_none=True)
    saver.flush(s)
    assert saver.rewrites == 1 and saver.appends == 51
    size = path.stat().st_size
    assert size < 20_000  # 50 folded iterations are a line each, not a growing file
    _same_run(recover(path), s)
    assert pending(tmp_path) == path and describe(path)[0] == 1 + 50 * 3 + 4  # set_retain_grad is logged too


def test_reset_and_config_changes_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "autosave.jsonl"
    s = Session(**MODEL)
    saver = Autosave(path)
    for _ in range(3):
        s.iterate()
    saver.flush(s)
    s.reset()
    s.forward()
    saver.flush(s)
    assert saver.rewrites == 2
    _same_run(recover(path), s)
    s.set_auto_zero_grad(True)
    s.iterate()
    saver.flush(s)
    assert saver.rewrites == 3 and recover(path).config.auto_zero_grad
    other = Session(**{**MODEL, "forward": "out = (w * x * 2).sum()"})
    other.forward()
    saver.flush(other)  # Apply: a new session
    assert saver.rewrites == 4
    _same_run(recover(path), other)
    saver.discard()
    assert pending(tmp_path) is None


def test_a_torn_last_line_is_dropped_and_garbage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "autosave.jsonl"
    s = Session(**MODEL)
    saver = Autosave(path)
    s.forward()
    saver.flush(s)
    s.backward()
    saver.flush(s)
    good = path.read_text()
    path.write_text(good + '{"i":2,"calls":[["st')  # killed mid-write
    t = recover(path)
    assert t.grad("w") == s.grad("w") and [r.action for r in t.history] == ["forward", "backward"]
    lines = good.splitlines()
    for broken in (
        lines[0] + "\n" + "not json\n" + lines[2] + "\n",
        lines[0] + "\n" + json.dumps({"i": 5, "calls": [["step", {}]], "count": 1}) + "\n",
        json.dumps({"format": "something else", "version": 1}) + "\n",
        "",
        lines[0] + "\n" + json.dumps({"i": 0, "calls": [["save", {"path": "x"}]], "count": 1}) + "\n",
    ):
        path.write_text(broken)
        with pytest.raises(PlaygroundError):
            recover(path)


def test_recovered_run_equals_plain_torch_replaying_its_log(tmp_path: Path) -> None:
    """The oracle: SGD with momentum in plain torch, driven by the journal's own log."""
    path = tmp_path / "autosave.jsonl"
    s = Session(**MODEL, auto_zero_grad=True)
    saver = Autosave(path)
    for k in range(30):
        s.iterate()
        if k % 7 == 0:
            saver.flush(s)
    saver.flush(s)
    t = recover(path)
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    # Rebuild the log as the journal holds it (later lines replace earlier ones).
    entries: dict[int, dict] = {}
    for line in path.read_text().splitlines()[1:]:
        entry = json.loads(line)
        entries[entry["i"]] = entry
    for i in sorted(entries):
        for _ in range(entries[i]["count"]):
            for name, _kwargs in entries[i]["calls"]:
                if name == "forward":
                    out = (w * x).sum()
                elif name == "backward":
                    out.backward()
                elif name == "step":
                    opt.step()
                elif name == "zero_grad":
                    opt.zero_grad(set_to_none=False)
    assert t.value("w") == w.tolist() and t.grad("w") == w.grad.tolist()


def test_undo_and_a_branch_from_the_past_rewrite_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "autosave.jsonl"
    s = Session(**MODEL)
    saver = Autosave(path)
    for _ in range(6):
        s.iterate()
    saver.flush(s)
    s.undo()
    s.undo()
    s.goto(4)  # travel alone changes no log: the whole run stays on disk
    assert not saver.flush(s)
    s.zero_grad()  # a press from the past branches the run there
    s.forward()
    saver.flush(s)
    # The cut fell inside the folded entry on disk: its new count is a line that
    # replaces it, so this was an append, not a rewrite.
    assert saver.rewrites == 1
    t = recover(path)
    _same_run(t, s)
    s.reset()
    saver.flush(s)
    s.undo()  # the run before the reset comes back
    saver.flush(s)
    assert saver.rewrites == 3
    _same_run(recover(path), s)
    for _ in range(3):
        s.undo()
    s.step()  # a branch cutting entries already on disk
    saver.flush(s)
    _same_run(recover(path), s)


def test_superseded_count_lines_are_compacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from playground import autosave

    monkeypatch.setattr(autosave, "COMPACT_AFTER", 10)
    path = tmp_path / "autosave.jsonl"
    s = Session(**MODEL, auto_zero_grad=True)
    saver = Autosave(path)
    for _ in range(50):
        s.iterate()
        saver.flush(s)
    assert saver.rewrites > 1 and len(path.read_text().splitlines()) <= 12
    _same_run(recover(path), s)


def test_undo_after_recovery_takes_back_whole_presses(tmp_path: Path) -> None:
    """A recovered run undoes as the live one did: an iterate (even one a branch cut) is one press."""
    s = Session(params={"w": [1.0, -2.0]}, inputs={"x": [3.0, 0.5]}, forward="out = (w * x).sum()",
                lr=0.1)
    saver = Autosave(tmp_path / "journal.jsonl")
    s.iterate()
    s.iterate()
    s.goto(4)  # inside the second iterate, after its backward
    s.zero_grad()  # branches there
    s.forward()
    saver.flush(s)
    run = recover(tmp_path / "journal.jsonl")
    positions = []
    while run.can_undo:
        run.undo()
        positions.append(run.position)
    assert positions == [5, 4, 2, -1]  # forward, zero_grad, the cut iterate, the first iterate
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    x = torch.tensor([3.0, 0.5])
    opt = torch.optim.SGD([w], lr=0.1)
    (w * x).sum().backward()
    opt.step()
    run.redo()
    assert run.value("w") == w.tolist() and run.grad("w") == w.grad.tolist()
