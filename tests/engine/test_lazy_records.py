"""Records emitted per action are built lazily: the fields views read on every action stay cheap."""

from __future__ import annotations

import numpy as np
import torch

from playground import Session


def _session() -> Session:
    return Session(params={"w": "ones(3)"}, inputs={"x": [1.0, 2.0, 3.0]},
                   forward="out = (w * x).sum()", lr=0.1, auto_zero_grad=True)


def test_index_action_and_note_do_not_build_the_record_and_the_rest_is_torchs() -> None:
    s = _session()
    records = []
    s.events.action_done.connect(records.append)
    s.iterate()
    s.zero_grad(set_to_none=True)
    s.step()  # every .grad is None: a note
    assert [(r.index, r.action) for r in records] == [
        (0, "forward"), (1, "backward"), (2, "step"), (3, "zero_grad"), (4, "zero_grad"),
        (5, "step")]
    assert records[5].note is not None and "did nothing" in records[5].note
    assert records[0].note is None
    assert all("_source" in r.__dict__ for r in records)  # nothing copied yet
    # The numbers, when asked for, are plain torch's at that moment.
    w = torch.ones(3, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    (w * x).sum().backward()
    np.testing.assert_array_equal(records[1].grads["w"], w.grad.numpy())
    with torch.no_grad():
        w -= 0.1 * w.grad
    np.testing.assert_array_equal(records[2].values["w"], w.detach().numpy())
    assert records[3].grads["w"].tolist() == [0.0, 0.0, 0.0]
    assert records[0].output == (torch.ones(3) * x).sum().item()


def test_a_record_kept_across_a_branch_keeps_its_fields() -> None:
    s = _session()
    kept = []
    s.events.action_done.connect(kept.append)
    s.iterate()
    s.iterate()
    step = kept[6]  # the second step: not looked at before the branch
    before = np.array(s.columns.values("w")[6])
    note_row = kept[7]
    assert "_source" in step.__dict__
    s.goto(3)
    s.forward()  # a press from the past: rows 4.. are overwritten
    assert (step.index, step.action) == (6, "step")
    np.testing.assert_array_equal(step.values["w"], before)
    assert (note_row.index, note_row.action, note_row.note) == (7, "zero_grad", None)
    assert s.history[4].action == "forward" and len(s.history) == 5
