"""Lessons 12-15 (landscape, momentum, Adam, backward node by node), against plain torch.

The numbers here come from plain torch code written in each test, not from the
lesson files, so a lesson whose text drifts from what PyTorch does fails.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
import torch.nn.functional as F

from playground import PlaygroundError, Session, load_lesson
from playground.lessons import parse_lesson


def _walk(name: str) -> tuple[Session, list[dict[str, Any]]]:
    """Play the lesson step by step; after each step keep values, grads, output, trace, state."""
    lesson = load_lesson(name)
    session = lesson.new_session()
    seen = []
    for i in range(len(lesson.steps)):
        lesson.run_step(session, i)
        assert lesson.check_step(session, i) == [], (name, i)
        seen.append({
            "values": {n: torch.tensor(session.value(n)) for n in session.param_names},
            "output": session.output,
            "trace": session.backward_trace(),
            "state": {n: session.optimizer_state(n) for n in session.param_names},
        })
    return session, seen


def test_12_landscape_line_fit_follows_plain_sgd() -> None:
    _, seen = _walk("12_loss_landscape_line_fit")
    x, y = torch.tensor([0.0, 1.0, 2.0, 3.0]), torch.tensor([1.0, 3.0, 5.0, 7.0])
    w = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.05)
    after: dict[int, tuple[float, float]] = {}
    for k in range(1, 102):
        opt.zero_grad()
        F.mse_loss(w * x + b, y).backward()
        if k == 1:
            assert (w.grad.item(), b.grad.item()) == (-17.0, -8.0)
        opt.step()
        after[k] = (w.item(), b.item())
    for step, k in ((2, 1), (3, 11), (4, 101)):
        assert (seen[step]["values"]["w"].item(), seen[step]["values"]["b"].item()) == after[k]
    assert seen[0]["output"] == F.mse_loss(torch.zeros(4), y).item() == 21.0
    # the bottom the lesson names: least squares through every point
    design = torch.stack([x, torch.ones(4)], dim=1)
    solution = torch.linalg.lstsq(design, y.unsqueeze(1)).solution.squeeze(1)
    torch.testing.assert_close(solution, torch.tensor([2.0, 1.0]))
    # and the landscape around the run's end is lowest near it
    land = load_lesson("12_loss_landscape_line_fit").play().landscape("w", "b", n=41,
                                                                       span=((1, 3), (0, 2)))
    flat = torch.tensor(land.loss)
    i, j = divmod(int(flat.argmin()), 41)
    assert (land.xs[j], land.ys[i]) == (2.0, 1.0)


def test_13_momentum_against_plain_sgd_from_the_same_start() -> None:
    _, seen = _walk("13_momentum_vs_sgd")
    c = torch.tensor([10.0, 0.5])

    def run(momentum: float, steps: int) -> tuple[torch.Tensor, float, Any]:
        w = torch.tensor([1.0, 1.0], requires_grad=True)
        opt = torch.optim.SGD([w], lr=0.05, momentum=momentum)
        for _ in range(steps):
            (c * w * w).sum().div(2).backward()
            opt.step()
            opt.zero_grad()
        return w.detach(), ((c * w * w).sum() / 2).item(), opt.state[w]

    for step, momentum, steps in ((0, 0.0, 1), (1, 0.0, 10), (2, 0.9, 1), (3, 0.9, 10),
                                  (4, 0.9, 20), (5, 0.9, 40)):
        w, loss, state = run(momentum, steps)
        assert torch.equal(seen[step]["values"]["w"], w), step
        if step in (1, 3, 4, 5):
            assert seen[step]["output"] == loss, step
    _, _, state = run(0.9, 1)
    assert torch.equal(torch.from_numpy(seen[2]["state"]["w"]["momentum_buffer"]),
                       state["momentum_buffer"])
    assert run(0.9, 10)[1] < run(0.0, 10)[1] and run(0.9, 20)[1] > run(0.0, 20)[1]
    assert run(0.9, 40)[1] < run(0.0, 40)[1] / 8


def test_14_adam_first_steps_match_torch_optim_adam() -> None:
    _, seen = _walk("14_adam_first_steps")
    w = torch.ones(3, requires_grad=True)
    x = torch.tensor([100.0, 1.0, 0.01])
    opt = torch.optim.Adam([w], lr=0.1)
    for step in (1, 2, 3):
        opt.zero_grad()
        (w * x).sum().backward()
        opt.step()
        assert torch.equal(seen[step]["values"]["w"], w.detach()), step
        state = seen[step]["state"]["w"]
        assert state["step"] == float(opt.state[w]["step"])
        for key in ("exp_avg", "exp_avg_sq"):
            assert torch.equal(torch.from_numpy(state[key]), opt.state[w][key]), (step, key)
    sgd = torch.ones(3, requires_grad=True)
    (sgd * x).sum().backward()
    with torch.no_grad():
        sgd -= 0.1 * sgd.grad
    torch.testing.assert_close(sgd, torch.tensor([-9.0, 0.9, 0.999]))  # the contrast in the ask


def test_15_backward_node_by_node_matches_autograd_grad() -> None:
    _, seen = _walk("15_backward_node_by_node")
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x + 2
    yy = y * y
    z = yy * 3
    loss = z.mean()
    grads = torch.autograd.grad(loss, [loss, z, yy, y, x])
    nodes = seen[1]["trace"]
    assert [n.label for n in nodes] == ["MeanBackward0", "MulBackward0", "MulBackward0",
                                        "AddBackward0", "AccumulateGrad"]
    for node, grad in zip(nodes, grads, strict=True):
        assert torch.equal(torch.tensor(node.grad_in), grad), node.label
    assert nodes[4].old_grad is None and torch.equal(torch.tensor(nodes[4].new_grad), grads[4])
    last = seen[4]["trace"][4]
    assert torch.equal(torch.tensor(last.old_grad), grads[4])
    assert torch.equal(torch.tensor(last.new_grad), 2 * grads[4])


LESSON = '''
[lesson]
title = "t"
[model]
forward = "out = (w * x).sum()"
optimizer = "adam"
[model.params]
w = [1.0]
[model.inputs]
x = [2.0]
[[step]]
do = [{ action = "set_lr", value = 0.5 }, "iterate"]
say = "s"
expect = %s
'''


@pytest.mark.parametrize(
    ("expect", "problem"),
    [
        ('{ "w.exp_avg" = [0.2], "optimizer.lr" = 0.5, "trace.2.label" = "AccumulateGrad" }', None),
        ('{ "w.exp_avg" = [0.3] }', "w.exp_avg: expected"),
        ('{ "trace.9.label" = "X" }', "no node 9"),
        ('{ "w.momentum_buffer" = [1.0] }', "no optimizer state"),
    ],
)
def test_new_expect_keys_and_actions_are_checked(expect: str, problem: str | None) -> None:
    lesson = parse_lesson(LESSON % expect)
    session = lesson.new_session()
    lesson.run_step(session, 0)
    problems = lesson.check_step(session, 0)
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0]


@pytest.mark.parametrize(
    ("expect", "words"),
    [('{ "trace.0.colour" = "red" }', "cannot check"), ('{ "w.exp_avg" = true }', "numbers"),
     ('{ "trace.0.label" = 3 }', "text")],
)
def test_bad_new_expect_keys_are_refused_at_load(expect: str, words: str) -> None:
    with pytest.raises(PlaygroundError, match=words):
        parse_lesson(LESSON % expect)


def test_set_lr_needs_a_number() -> None:
    with pytest.raises(PlaygroundError, match="needs a number"):
        parse_lesson(LESSON.replace("value = 0.5", 'value = "fast"') % "{}")
