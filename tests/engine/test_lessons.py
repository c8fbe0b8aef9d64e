"""The built-in lessons, played headless, against the notebooks' printed numbers.

Numbers here are copied from the notebook text (``/work/shared/seeds/``), not
from the lesson files, so a lesson that drifts from its notebook fails. Each
lesson is also walked step by step with its own ``expect`` checked, and broken
lesson files must be refused at the right line. Tolerances follow
``test_notebooks.py``: 4 printed decimals, inputs themselves rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from playground import PlaygroundError, Session, list_lessons, load_lesson
from playground.lessons import Lesson, actual_value, parse_lesson

EXPECTED_ORDER = [
    "01_computing_gradients",
    "02_chain_rule",
    "03_vector_jacobian_products",
    "04_weighted_gradients",
    "05_stopping_tracking",
    "06_accumulation_manual_sgd",
    "07_optimizer_sgd",
    "08_mse_gradient",
    "09_weighted_backward",
    "10_bce_with_logits",
    "11_retain_graph",
    "12_loss_landscape_line_fit",
    "13_momentum_vs_sgd",
    "14_adam_first_steps",
    "15_backward_node_by_node",
]


def close(actual: Any, printed: Any, atol: float = 2e-4) -> None:
    got, want = np.asarray(actual, dtype=np.float64), np.asarray(printed, dtype=np.float64)
    assert got.shape == want.shape and np.allclose(got, want, rtol=0.0, atol=atol), (got.tolist(), printed)


@dataclass
class Walk:
    """A lesson played step by step, with what each step left behind."""

    session: Session
    errors: list[PlaygroundError | None]  # what run_step returned, per step
    states: list[dict[str, Any]]  # per step: name -> TensorInfo


def walk(name: str) -> Walk:
    lesson = load_lesson(name)
    session = lesson.new_session()
    errors, states = [], []
    for i in range(len(lesson.steps)):
        errors.append(lesson.run_step(session, i))
        states.append({row.name: row for row in session.tensors()})
    return Walk(session, errors, states)


def grads_after_backward(session: Session, param: str) -> list[Any]:
    return [r.grads[param].tolist() for r in session.history if r.action == "backward"]


def seen(w: Walk, name: str, **attrs: Any) -> bool:
    """Whether some step left tensor ``name`` with all of ``attrs`` (value compared closely)."""
    for state in w.states:
        row = state.get(name)
        if row is None:
            continue
        ok = all(
            np.allclose(row.value, v, atol=1e-6) if k == "value" else getattr(row, k) == v
            for k, v in attrs.items()
        )
        if ok:
            return True
    return False


def torch_messages(w: Walk) -> list[str]:
    return [e.torch_message or "" for e in w.errors if e is not None]


# --------------------------------------------------------------------- the list
def test_list_lessons_in_teaching_order() -> None:
    assert list_lessons() == EXPECTED_ORDER


@pytest.mark.parametrize("name", EXPECTED_ORDER)
def test_lesson_is_well_formed_and_its_expectations_hold(name: str) -> None:
    lesson = load_lesson(name)
    assert lesson.name == name and lesson.title and lesson.description
    assert lesson.steps and all(step.say for step in lesson.steps)
    assert any(step.ask and step.answer for step in lesson.steps), "no predict-then-reveal moment"
    session = lesson.new_session()
    for i, step in enumerate(lesson.steps):
        error = lesson.run_step(session, i)
        assert (error is not None) == (step.expect_error is not None), f"step {i + 1}"
        assert lesson.check_step(session, i) == [], f"step {i + 1} (line {step.line})"
    played = lesson.play(check=True)
    assert len(played.history) == len(session.history)


# ------------------------------------------------------------ notebook numbers
def printed(value: Any) -> str:
    """What ``print`` shows for ``value`` as a float32 tensor (grad_fn / requires_grad aside)."""
    return str(torch.as_tensor(np.asarray(value, dtype=np.float32)))


def test_01_notebook_002_numbers_print_digit_for_digit() -> None:
    w = walk("01_computing_gradients")
    s = w.session
    # The notebook's printouts (seeds/002, cells 2-6), without their grad_fn= suffixes.
    assert printed(s.value("x")) == "tensor([ 1.3567,  0.8755, -0.2205])"
    assert printed(s.value("y")) == "tensor([3.3567, 2.8755, 1.7795])"
    assert printed(s.value("z")) == "tensor([22.5349, 16.5370,  6.3329])"
    assert printed(s.output) == "tensor(15.1349)"
    assert printed(s.grad("x")) == "tensor([4.4756, 3.8340, 2.3726])"
    assert {n: w.states[-1][n].grad_fn for n in ("x", "y", "z", "out")} == {
        "x": None, "y": "AddBackward0", "z": "MulBackward0", "out": "MeanBackward0"}


def test_02_notebook_000_cell3_numbers_print_digit_for_digit() -> None:
    w = walk("02_chain_rule")
    assert seen(w, "z", grad_fn="MulBackward0")
    # seeds/000, cell 3: print(z), print(out), print(x.grad).
    assert printed(w.states[0]["z"].value) == "tensor([10.1255, 19.6355, 44.4029])"
    assert printed(w.states[0]["out"].value) == "tensor(24.7213)"
    grads = grads_after_backward(w.session, "x")
    assert grads and all(printed(g) == "tensor([3.6743, 5.1167, 7.6944])" for g in grads)


def test_03_vector_jacobian_and_scalar_error() -> None:
    w = walk("03_vector_jacobian_products")
    assert any("grad can be implicitly created only for scalar outputs" in m for m in torch_messages(w))
    close(w.session.grad("x"), [2.0000e-01, 2.0000e00, 2.0000e-04], atol=1e-6)


def test_04_equal_and_weighted_v() -> None:
    w = walk("04_weighted_gradients")
    close(grads_after_backward(w.session, "x"), [[4.0, 6.0, 8.0], [4.0, 0.6, 0.08]], atol=1e-6)


def test_05_stopping_tracking() -> None:
    w = walk("05_stopping_tracking")
    assert seen(w, "t0", value=[1.0, 2.0, 3.0], requires_grad=False, grad_fn=None)
    assert seen(w, "y", value=[3.0, 4.0, 5.0], grad_fn="AddBackward0")
    assert seen(w, "y", value=[3.0, 4.0, 5.0], grad_fn=None, requires_grad=False)
    assert seen(w, "t", value=[1.0, 2.0, 3.0], requires_grad=False)
    messages = torch_messages(w)
    assert len(messages) == 2 and all("does not require grad" in m for m in messages)


def test_06_accumulation_then_zeroing() -> None:
    s = walk("06_accumulation_manual_sgd").session
    printed = [[3.0] * 4, [6.0] * 4, [9.0] * 4, [12.0] * 4, [3.0] * 4, [3.0] * 4]
    close(grads_after_backward(s, "weights"), printed, atol=1e-6)
    after_steps = [r.values["weights"].tolist() for r in s.history if r.action == "step"]
    close(after_steps[2], [-0.8] * 4, atol=1e-6)  # end of the first loop
    close(s.value("weights"), [-2.6] * 4, atol=1e-6)  # end of the second


def test_07_optimizer_and_set_to_none() -> None:
    s = walk("07_optimizer_sgd").session
    steps = [r for r in s.history if r.action == "step"]
    assert steps[0].grads["weights"] is None and steps[0].values["weights"].tolist() == [1.0] * 4
    assert steps[0].note is not None and steps[-1].note is not None  # both steps with grad None
    close(steps[-1].values["weights"], steps[-2].values["weights"], atol=0.0)
    assert [r.grads["weights"] for r in s.history if r.action == "zero_grad"][-1] is None
    # Oracle: torch.optim.SGD, lr 0.1, three zero_grad/forward/backward/step iterations.
    weights = torch.ones(4, requires_grad=True)
    opt = torch.optim.SGD([weights], lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        (weights * 3).sum().backward()
        opt.step()
    close(s.value("weights"), weights.detach().tolist(), atol=0.0)


def test_08_mse_gradient() -> None:
    close(walk("08_mse_gradient").session.grad("y_pred"), [0.2000, 0.4600, 0.6800], atol=1e-6)


def test_09_weighted_residuals_accumulate_onto_mse() -> None:
    grads = grads_after_backward(walk("09_weighted_backward").session, "y_pred")
    close(grads, [[0.2000, 0.4600, 0.6800], [0.8000, 14.2600, 204.6800]], atol=5e-5)


def test_10_bce_with_logits() -> None:
    w = walk("10_bce_with_logits")
    s = w.session
    assert seen(w, "z", grad_fn="AddBackward0")
    assert seen(w, "loss", grad_fn="BinaryCrossEntropyWithLogitsBackward0")
    assert seen(w, "z", requires_grad=False)  # the no_grad forward
    wt = torch.tensor(s.value("w"), requires_grad=True)
    bt = torch.tensor(s.value("b"), requires_grad=True)
    z = torch.matmul(torch.ones(5), wt) + bt
    torch.nn.functional.binary_cross_entropy_with_logits(z, torch.zeros(3)).backward()
    close(s.grad("w"), wt.grad.tolist(), atol=1e-7)
    close(s.grad("b"), bt.grad.tolist(), atol=1e-7)
    for row in s.grad("w"):  # every row of w.grad equals b.grad
        close(row, s.grad("b"), atol=1e-7)


def test_11_retain_graph_on_eye() -> None:
    w = walk("11_retain_graph")
    four_two = (np.eye(4, 5) * 2 + 2).tolist()
    eight_four = (np.eye(4, 5) * 4 + 4).tolist()
    close(grads_after_backward(w.session, "inp")[:3], [four_two, eight_four, four_two], atol=0.0)
    assert any("backward through the graph a second time" in m for m in torch_messages(w))


# ------------------------------------------------------------- teacher's files
GOOD = '''\
[lesson]
title = "Mine"

[model]
forward = """
y = w * 3
out = y.sum()
"""
lr = 0.5

[model.params]
w = "ones(2)"

[[step]]
do = ["forward", "backward"]
say = "Forward and backward."
ask = "w.grad?"
answer = "3s"
expect = { w.grad = [3, 3], out = 6, "y.grad_fn" = "MulBackward0" }

[[step]]
do = [{ action = "step" }, { action = "zero_grad", set_to_none = true }]
say = "Update."
expect = { w = [-0.5, -0.5], "w.grad" = "None", "record.action" = "zero_grad" }
'''


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_teachers_file_loads_from_a_path_and_plays(tmp_path: Path) -> None:
    lesson = load_lesson(write(tmp_path, GOOD))
    assert lesson.name == "mine" and lesson.title == "Mine"
    assert lesson.config["lr"] == 0.5
    assert lesson.steps[0].actions == [("forward", {}), ("backward", {})]
    assert lesson.steps[1].actions == [("step", {}), ("zero_grad", {"set_to_none": True})]
    assert lesson.steps[0].expect["w.grad"] == [3, 3]  # dotted key flattened
    assert lesson.steps[0].line == 14 and lesson.steps[1].line == 21
    s = lesson.play(check=True)
    assert s.value("w") == [-0.5, -0.5] and s.grad("w") is None
    assert load_lesson(str(tmp_path / "mine.toml")).title == "Mine"


def test_wrong_expectation_is_reported(tmp_path: Path) -> None:
    lesson = load_lesson(write(tmp_path, GOOD.replace("w.grad = [3, 3]", "w.grad = [3, 4]")))
    s = lesson.new_session()
    lesson.run_step(s, 0)
    problems = lesson.check_step(s, 0)
    assert len(problems) == 1 and problems[0].startswith("w.grad")
    with pytest.raises(PlaygroundError) as caught:
        lesson.play(check=True)
    assert caught.value.line == 14
    assert actual_value(s, "w.grad") == [3.0, 3.0] and actual_value(s, "y.grad_fn") == "MulBackward0"


def test_expected_error_that_does_not_happen_is_an_error(tmp_path: Path) -> None:
    text = GOOD.replace('say = "Update."', 'say = "Update."\nexpect_error = "boom"')
    lesson = load_lesson(write(tmp_path, text))
    with pytest.raises(PlaygroundError, match="should have failed"):
        lesson.play()


def test_unexpected_error_propagates(tmp_path: Path) -> None:
    text = GOOD.replace('do = ["forward", "backward"]', 'do = ["backward"]')
    lesson = load_lesson(write(tmp_path, text))
    with pytest.raises(PlaygroundError, match="no output"):
        lesson.run_step(lesson.new_session(), 0)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ('title = "Mine"', 'title = "Mine', 'title = "Mine', "not valid TOML"),
        ('do = [{ action = "step" }', 'do = [{ action = "stpe" }', '"stpe"', "unknown action `stpe`"),
        ('say = "Update."', 'say = "Update."\nsai = "x"', "sai =", "Unknown key `sai`"),
        ("lr = 0.5", "lr = 0.5\nlearning_rate = 1", "learning_rate", "Unknown key `learning_rate`"),
        ('w = "ones(2)"', 'w = "onez(2)"', 'w = "onez', ""),
        ("y = w * 3", "y = w.__class__", "y = w.__class__", ""),
        ("out = y.sum()", "out = q.sum()", "out = q.sum()", "`q`"),
        ('{ action = "step" }', '{ action = "backward", gradient = "randn(" }', "randn(", ""),
        ('{ action = "step" }', '{ action = "set_requires_grad", name = "v", flag = false }', "name = ", "`v`"),
        ('{ action = "step" }', '{ action = "forward", no_grad = "yes" }', "no_grad", "true or false"),
        ('"y.grad_fn" = "MulBackward0"', '"q.grad" = [1]', '"q.grad"', "cannot check `q.grad`"),
        ('out = 6,', 'out = "six",', 'out = "six"', "should be numbers"),
        ('ask = "w.grad?"\n', "", 'answer = "3s"', "no `ask`"),
    ],
    ids=["syntax", "action", "step-key", "model-key", "value-spec", "forward-line", "free-name",
         "gradient-spec", "unknown-param", "bool-arg", "expect-key", "expect-value", "answer-no-ask"],
)
def test_malformed_file_is_refused_at_its_line(tmp_path: Path, old: str, new: str, needle: str, message: str) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    with pytest.raises(PlaygroundError) as caught:
        load_lesson(write(tmp_path, text))
    assert caught.value.line == line_of(text, needle), caught.value.message
    assert message in caught.value.message


def test_missing_forward_and_missing_steps(tmp_path: Path) -> None:
    no_forward = GOOD.replace('forward = """\ny = w * 3\nout = y.sum()\n"""\n', "")
    with pytest.raises(PlaygroundError, match="forward") as caught:
        load_lesson(write(tmp_path, no_forward))
    assert caught.value.line == line_of(no_forward, "[model]")
    with pytest.raises(PlaygroundError, match="no steps"):
        parse_lesson(GOOD.split("[[step]]")[0])


def test_oversized_and_missing_files_are_refused(tmp_path: Path) -> None:
    big = write(tmp_path, GOOD + "#" * 200_001, "big.toml")
    with pytest.raises(PlaygroundError, match="larger than 200 kB"):
        load_lesson(big)
    with pytest.raises(PlaygroundError, match="larger than 200 kB"):
        parse_lesson(GOOD + "#" * 200_001)
    with pytest.raises(PlaygroundError, match="No lesson called"):
        load_lesson("99_no_such_lesson")
    assert isinstance(load_lesson(EXPECTED_ORDER[0]), Lesson)
