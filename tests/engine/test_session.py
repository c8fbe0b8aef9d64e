"""Session against plain PyTorch: the same code, the same numbers, bit for bit."""

from __future__ import annotations

import pytest
import torch

from playground import PlaygroundError, Session


def notebook_session(**kw: object) -> Session:
    args: dict = dict(params={"weights": "ones(4)"}, forward="model_output = (weights * 3).sum()", lr=0.1)
    args.update(kw)
    return Session(**args)


def test_contract_example_runs() -> None:
    s = Session(
        params={"w": [1.0, 1.0, 1.0, 1.0]},
        inputs={"x": [3.0, 3.0, 3.0, 3.0]},
        forward="out = (w * x).sum()",
        lr=0.1,
    )
    assert s.output is None
    s.forward()
    assert s.output == 12.0
    s.backward()
    assert s.grad("w") == [3.0, 3.0, 3.0, 3.0]
    s.step()
    assert s.value("w") == pytest.approx([0.7] * 4)
    s.zero_grad()
    assert s.grad("w") == [0.0] * 4
    s.zero_grad(set_to_none=True)
    assert s.grad("w") is None
    assert [r.action for r in s.history] == ["forward", "backward", "step", "zero_grad", "zero_grad"]


def test_notebook_accumulation_then_zeroing_manual_update() -> None:
    """Notebook 000 cell 6, numbers written from the notebook's printout."""
    s = notebook_session(update="manual")
    grads = []
    for _ in range(3):
        s.forward()
        s.backward()
        grads.append(s.grad("weights"))
        s.step()
    assert grads == [[3.0] * 4, [6.0] * 4, [9.0] * 4]
    assert s.value("weights") == pytest.approx([-0.8] * 4, abs=1e-6)
    grads = []
    for _ in range(3):
        s.forward()
        s.backward()
        grads.append(s.grad("weights"))
        s.step()
        s.zero_grad()
    assert grads == [[12.0] * 4, [3.0] * 4, [3.0] * 4]
    assert s.value("weights") == pytest.approx([-2.6] * 4, abs=1e-6)


def test_manual_update_matches_torch_bitwise() -> None:
    s = notebook_session(update="manual")
    weights = torch.ones(4, requires_grad=True)
    for epoch in range(6):
        s.forward()
        s.backward()
        s.step()
        (weights * 3).sum().backward()
        with torch.no_grad():
            weights -= 0.1 * weights.grad
        if epoch >= 3:
            s.zero_grad()
            weights.grad.zero_()
        assert s.value("weights") == weights.tolist()
        assert s.grad("weights") == weights.grad.tolist()


def test_optimizer_with_momentum_matches_torch() -> None:
    s = Session(
        params={"w": [0.5, -1.0], "b": 0.25},
        inputs={"x": [1.0, 2.0], "y": 3.0},
        forward="pred = (w * x).sum() + b\nloss = (pred - y) ** 2",
        lr=0.05, momentum=0.9, weight_decay=0.01, auto_zero_grad=True,
    )
    w = torch.tensor([0.5, -1.0], requires_grad=True)
    b = torch.tensor(0.25, requires_grad=True)
    x, y = torch.tensor([1.0, 2.0]), torch.tensor(3.0)
    opt = torch.optim.SGD([w, b], lr=0.05, momentum=0.9, weight_decay=0.01)
    for _ in range(5):
        s.iterate()
        loss = ((w * x).sum() + b - y) ** 2
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=False)
        assert s.output == loss.item()
    assert s.value("w") == w.tolist()
    assert s.value("b") == b.item()


def test_iterate_records_four_phases_only_with_auto_zero_grad() -> None:
    s = notebook_session()
    s.iterate()
    assert [r.action for r in s.history] == ["forward", "backward", "step"]
    t = notebook_session(auto_zero_grad=True)
    t.iterate()
    assert [r.action for r in t.history] == ["forward", "backward", "step", "zero_grad"]
    assert t.grad("weights") == [0.0] * 4


def test_history_holds_copies_not_live_tensors() -> None:
    s = notebook_session()
    s.forward()
    s.backward()
    first = s.history[-1].grads["weights"].copy()
    s.forward()
    s.backward()
    assert s.history[-2].grads["weights"].tolist() == first.tolist() == [3.0] * 4
    assert s.history[-1].grads["weights"].tolist() == [6.0] * 4


def test_non_scalar_backward_error_keeps_state() -> None:
    s = Session(params={"x": [1.0, 2.0, 3.0]}, forward="y = x * 2")
    s.forward()
    before = list(s.history)
    with pytest.raises(PlaygroundError) as info:
        s.backward()
    assert "grad can be implicitly created only for scalar outputs" in (info.value.torch_message or "")
    assert info.value.hint
    assert s.grad("x") is None and s.history == before
    s.backward(gradient=[0.1, 1.0, 0.0001])
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * 2).backward(torch.tensor([0.1, 1.0, 0.0001]))
    assert s.grad("x") == x.grad.tolist()


def test_second_backward_without_retain_graph_restores_partial_grads() -> None:
    # b's AccumulateGrad can run before the MulBackward0 that needs freed tensors.
    s = Session(params={"w": [2.0, 3.0], "b": [1.0, 1.0]}, forward="out = (w * w + b).sum()")
    s.forward()
    s.backward()
    assert s.graph_freed
    grads = (s.grad("w"), s.grad("b"))
    n = len(s.history)
    with pytest.raises(PlaygroundError) as info:
        s.backward()
    assert "second time" in (info.value.torch_message or "")
    assert (s.grad("w"), s.grad("b")) == grads
    assert len(s.history) == n


def test_retain_graph_double_backward_eye_notebook_004() -> None:
    s = Session(params={"inp": "eye(4, 5)"}, forward="out = (inp + 1).pow(2).t()")
    s.forward()
    s.backward(gradient="ones(5, 4)", retain_graph=True)
    first = [[4.0, 2, 2, 2, 2], [2, 4.0, 2, 2, 2], [2, 2, 4.0, 2, 2], [2, 2, 2, 4.0, 2]]
    assert s.grad("inp") == first
    s.backward(gradient="ones(5, 4)", retain_graph=True)
    assert s.grad("inp") == [[2 * v for v in row] for row in first]
    s.zero_grad()
    s.backward(gradient="ones(5, 4)", retain_graph=True)
    assert s.grad("inp") == first
    assert not s.graph_freed


def test_backward_before_forward_and_without_grad() -> None:
    s = notebook_session()
    with pytest.raises(PlaygroundError, match="Forward"):
        s.backward()
    s.forward(no_grad=True)
    assert s.tensors()[-1].grad_fn is None
    with pytest.raises(PlaygroundError) as info:
        s.backward()
    assert "does not require grad" in (info.value.torch_message or "")


def test_step_with_no_grad_is_noted_not_silent() -> None:
    s = notebook_session()
    record = s.step()
    assert record.note and "None" in record.note
    assert s.value("weights") == [1.0] * 4
    manual = notebook_session(update="manual")
    with pytest.raises(PlaygroundError):
        manual.step()
    assert manual.history == []


def test_set_to_none_mode_and_requires_grad_toggle() -> None:
    s = notebook_session(zero_grad_mode="none")
    s.forward()
    s.backward()
    s.zero_grad()
    assert s.grad("weights") is None
    s.set_requires_grad("weights", False)
    s.forward()
    info = {t.name: t for t in s.tensors()}
    assert info["weights"].requires_grad is False
    assert info["model_output"].grad_fn is None
    with pytest.raises(PlaygroundError):
        s.backward()


def test_tensors_report_grad_fn_like_torch() -> None:
    s = Session(params={"x": [1.3567, 0.8755, -0.2205]}, forward="y = x + 2\nz = y * y * 2\nout = z.mean()")
    s.forward()
    x = torch.tensor([1.3567, 0.8755, -0.2205], requires_grad=True)
    y = x + 2
    z = y * y * 2
    out = z.mean()
    rows = {t.name: t for t in s.tensors()}
    for name, ref in (("y", y), ("z", z), ("out", out)):
        assert rows[name].grad_fn == type(ref.grad_fn).__name__
        assert rows[name].value.tolist() == ref.tolist()
        assert rows[name].is_leaf is False
    assert rows["x"].is_leaf and rows["x"].grad_fn is None and rows["x"].kind == "param"
    assert rows["out"].kind == "output" and rows["y"].kind == "intermediate"


def test_graph_matches_torch_walk() -> None:
    s = Session(
        params={"w": "randn(5, 3)", "b": "randn(3)"},
        inputs={"x": "ones(5)", "y": "zeros(3)"},
        forward="z = torch.matmul(x, w) + b\nloss = F.binary_cross_entropy_with_logits(z, y)",
        seed=3,
    )
    s.forward()
    g = s.graph()
    assert g.nodes[0].label == "BinaryCrossEntropyWithLogitsBackward0"
    assert g.nodes[0].tensor == "loss"
    labels = {(n.label, n.tensor) for n in g.nodes}
    assert ("AddBackward0", "z") in labels
    assert ("AccumulateGrad", "w") in labels and ("AccumulateGrad", "b") in labels
    # torch's own walk, for the set of labels
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(torch.matmul(torch.ones(5), w) + b, torch.zeros(3))
    seen, todo = set(), [ref.grad_fn]
    while todo:
        fn = todo.pop()
        seen.add(type(fn).__name__)
        todo.extend(f for f, _ in fn.next_functions if f is not None)
    assert {n.label for n in g.nodes} == seen
    for i, j in g.edges:
        assert 0 <= i < len(g.nodes) and 0 <= j < len(g.nodes)
    s.backward()
    assert s.graph().freed


def test_jacobian_matches_torch() -> None:
    s = Session(params={"x": [2.0, 3.0, 4.0]}, forward="y = x ** 2")
    jac = s.jacobian("x")
    ref = torch.autograd.functional.jacobian(lambda t: t**2, torch.tensor([2.0, 3.0, 4.0]))
    assert jac == ref.tolist()
    s.forward()
    s.backward(gradient=[1.0, 0.1, 0.01])
    assert s.grad("x") == pytest.approx([4.0, 0.6, 0.08])


def test_reset_restores_initial_state_and_emits() -> None:
    s = notebook_session(seed=1)
    seen: list[str] = []
    s.events.reset.connect(lambda: seen.append("reset"))
    s.events.action_done.connect(lambda r: seen.append(r.action))
    s.iterate()
    s.reset()
    assert seen == ["forward", "backward", "step", "reset"]
    assert s.history == [] and s.output is None and s.grad("weights") is None
    assert s.value("weights") == [1.0] * 4


def test_seeded_random_values_repeat() -> None:
    a = Session(params={"w": "randn(5, 3)"}, forward="out = w.sum()", seed=7)
    b = Session(params={"w": "randn(5, 3)"}, forward="out = w.sum()", seed=7)
    c = Session(params={"w": "randn(5, 3)"}, forward="out = w.sum()", seed=8)
    assert a.value("w") == b.value("w") != c.value("w")
    assert a.value("w") == torch.randn(5, 3, generator=torch.Generator().manual_seed(7)).tolist()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"params": {}}, "params"),
        ({"params": {"__class__": 1.0}}, "params.__class__"),
        ({"params": {"torch": 1.0}}, "params.torch"),
        ({"params": {"sum": 1.0}}, "params.sum"),
        ({"lr": -1.0}, "lr"),
        ({"lr": float("nan")}, "lr"),
        ({"forward": "out = (weights * q).sum()"}, "forward"),
        ({"forward": "weights = weights * 2"}, "forward"),
        ({"update": "adam"}, "update"),
        ({"update": "manual", "momentum": 0.9}, "momentum"),
    ],
)
def test_bad_config_names_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(PlaygroundError) as info:
        notebook_session(**kwargs)
    assert info.value.field == field


def test_bad_param_value_names_the_param() -> None:
    with pytest.raises(PlaygroundError) as info:
        Session(params={"w": "ones(100000, 100000)"}, forward="out = w.sum()")
    assert info.value.field == "params.w"


def test_history_keeps_the_whole_run_and_the_log_stays_short() -> None:
    s = notebook_session(auto_zero_grad=True)
    for _ in range(3000):
        s.iterate()
    assert len(s.history) == 12000  # no cap: the start of a long run is kept
    assert s.history[0].index == 0 and s.history[-1].index == 11999
    assert [r.action for r in s.history[:4]] == ["forward", "backward", "step", "zero_grad"]
    assert len(s.log.entries) == 1 and s.log.entries[0].count == 3000


def test_backward_of_an_intermediate_like_notebook_001() -> None:
    """MSE.backward(), then SR.backward(v) accumulating: notebook 001's printed numbers."""
    s = Session(
        params={"y_pred": [1.30, 2.79, 4.02]}, inputs={"y_true": [1.0, 2.1, 3.0]},
        forward="SR = (y_pred - y_true) ** 2\nMSE = SR.mean()",
    )
    s.forward()
    s.backward()
    assert s.grad("y_pred") == pytest.approx([0.2, 0.46, 0.68], abs=5e-5)
    s.forward()
    s.backward(of="SR", gradient=[1.0, 10.0, 100.0])
    assert s.grad("y_pred") == pytest.approx([0.8, 14.26, 204.68], abs=5e-5)
    assert s.history[-1].code[0] == "SR.backward(torch.tensor([1.0, 10.0, 100.0]))"
    with pytest.raises(PlaygroundError) as info:
        s.backward(of="y_true")
    assert info.value.field == "of"


def test_set_auto_zero_grad_changes_iterate_and_config() -> None:
    s = notebook_session()
    s.iterate()
    s.set_auto_zero_grad(True)
    assert s.config.auto_zero_grad is True
    s.iterate()
    assert s.history[-1].action == "zero_grad" and s.grad("weights") == [0.0] * 4


def test_wrong_shape_v_points_at_the_gradient_field() -> None:
    s = Session(params={"x": [1.0, 2.0, 3.0]}, forward="y = x * 2")
    s.forward()
    with pytest.raises(PlaygroundError) as info:
        s.backward(gradient=[1.0, 2.0])
    assert info.value.field == "gradient" and "Mismatch in shape" in (info.value.torch_message or "")


def test_vjp_is_what_backward_v_adds() -> None:
    s = Session(params={"x": [2.0, 3.0, 4.0]}, forward="y = x ** 2")
    v = [1.0, 0.1, 0.01]
    predicted = s.vjp("x", v)
    x = torch.tensor([2.0, 3.0, 4.0], requires_grad=True)
    (x**2).backward(torch.tensor(v))
    assert predicted == pytest.approx(x.grad.tolist(), rel=1e-6)
    with pytest.raises(PlaygroundError) as info:
        s.vjp("x", [1.0])
    assert info.value.field == "gradient"


def test_phases_run_inside_iteration_fold_like_iterate() -> None:
    s = notebook_session()
    for _ in range(5):
        with s.iteration():
            s.forward()
            s.backward()
            s.step()
    assert len(s.log.entries) == 1 and s.log.entries[0].count == 5
    assert "for epoch in range(5):" in s.to_script()


def test_failed_iterate_leaves_nothing_behind() -> None:
    s = Session(params={"x": [1.0, 2.0]}, forward="y = x * 2", update="manual")
    s.forward()
    seen: list[str] = []
    s.events.action_done.connect(lambda r: seen.append(r.action))
    before = (s.output, list(s.history), len(s.log.entries), s.grad("x"))
    with pytest.raises(PlaygroundError):
        s.iterate()  # the output has two elements: backward() without v fails
    assert (s.output, s.history, len(s.log.entries), s.grad("x")) == before
    assert seen == []
    s.forward()
    assert s.history[-1].index == 1  # numbering continues as if the failure never was


def test_divergence_is_noted_once() -> None:
    s = Session(params={"w": [1.0]}, forward="out = (w * w).sum()", lr=1e6, auto_zero_grad=True)
    notes = [r.note for _ in range(40) for r in s.iterate() if r.note]
    assert len(notes) == 1 and notes[0].startswith("Diverged: ") and "lr" in notes[0]
    w = torch.tensor([1.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=1e6)
    for _ in range(40):
        (w * w).sum().backward()
        opt.step()
        opt.zero_grad(set_to_none=False)
    assert str(s.value("w")) == str(w.tolist())  # nan or inf, as torch leaves it


def test_shape_errors_are_caught_when_the_model_is_built() -> None:
    with pytest.raises(PlaygroundError) as info:
        Session(params={"w": "ones(3)"}, inputs={"x": "ones(4)"}, forward="out = (w * x).sum()")
    assert info.value.field == "forward" and info.value.line == 1
    with pytest.raises(PlaygroundError) as info:
        Session(params={"w": "ones(3)"}, forward="out = w * 9**9**9**9")
    assert info.value.field == "forward"


@pytest.mark.parametrize(("typed", "numbers"), [
    ("[nan, 1.0]", [float("nan"), 1.0]), ("[1e400, 1.0]", [1e400, 1.0]),
    ("[-inf, 2.0]", [-float("inf"), 2.0])])
def test_a_param_typed_nonfinite_is_named_and_no_step_blames_the_lr(
        typed: str, numbers: list[float]) -> None:
    s = Session(params={"w": typed, "b": "0.5"}, forward="out = (w * 2).sum() + b", lr=0.1)
    # Plain torch keeps the same numbers non-finite (1e400 is beyond float32: inf).
    assert not torch.isfinite(torch.tensor(numbers)).all()
    assert s.nonfinite_params() == ["w"]
    notes = [r.note for _ in range(3) for r in s.iterate() if r.note]
    assert not any(n.startswith("Diverged: ") for n in notes), notes
    s.reset()
    assert s.nonfinite_params() == ["w"]
    assert [r.note for r in s.iterate() if r.note and r.note.startswith("Diverged: ")] == []


def test_a_finite_start_has_no_nonfinite_params() -> None:
    s = Session(params={"w": "[1.0, 2.0]"}, forward="out = (w * w).sum()", lr=1e6,
                auto_zero_grad=True)
    assert s.nonfinite_params() == []
    notes = [r.note for _ in range(40) for r in s.iterate() if r.note]
    assert any(n.startswith("Diverged: ") for n in notes)
    assert s.nonfinite_params() == ["w"]
