"""Fidelity bugs 2, 4, 5, 6 and 7 of issue 7, each against plain PyTorch.

The oracle is torch itself: either the same calls written out here, or the
exported script run with ``runpy`` and its tensors compared bit for bit.
"""

from __future__ import annotations

import math
import runpy
from pathlib import Path

import pytest
import torch

from playground import PlaygroundError, Session


def _same(a: object, b: object) -> bool:
    """Equal as nested floats, nan equal to nan (bit for bit in float32)."""
    ta, tb = torch.tensor(a, dtype=torch.float32), torch.tensor(b, dtype=torch.float32)
    return ta.shape == tb.shape and torch.equal(ta.view(torch.int32), tb.view(torch.int32))


def _run_script(session: Session, tmp_path: Path) -> dict:
    path = tmp_path / "exported.py"
    path.write_text(session.to_script())
    return runpy.run_path(str(path), run_name="__main__")


# --- bug 2: reading a view made under no_grad whose base changed in place ----------------


def test_reading_a_stale_no_grad_view_never_raises() -> None:
    s = Session(params={"W": [1.0, 2.0]}, forward="out = W.reshape(-1)")
    s.forward()
    s.backward(gradient=[1.0, 1.0])
    s.forward(no_grad=True)
    s.step()
    # Plain torch, the same calls:
    W = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.SGD([W], lr=0.1)
    W.reshape(-1).backward(torch.tensor([1.0, 1.0]))
    with torch.no_grad():
        out = W.reshape(-1)
    opt.step()
    assert out.grad is None and s.grad("out") is None  # torch answers None
    with pytest.raises(RuntimeError):
        out.grad_fn  # noqa: B018 - torch itself refuses this one
    rows = {r.name: r for r in s.tensors()}
    assert rows["out"].grad is None and rows["out"].grad_fn is None
    assert rows["out"].requires_grad == out.requires_grad
    assert _same(rows["out"].value.tolist(), out.tolist())
    assert _same(s.grad("W"), W.grad.tolist())
    graph = s.graph()
    assert graph.nodes == [] and graph.output == "out"


# --- bug 4: save with inf / nan anywhere -------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, gradient",
    [
        ({"params": {"w": [math.inf, 1.0]}, "forward": "out = w * 2"}, [1.0, 1.0]),
        ({"params": {"w": [1.0, 2.0]}, "inputs": {"x": [math.nan, -math.inf]},
          "forward": "out = w * x"}, [1.0, 1.0]),
        ({"params": {"w": [1.0, 2.0]}, "forward": "out = w * 3"}, [math.inf, 1.0]),
        ({"params": {"w": [1.0, 2.0]}, "forward": "out = w * 3"}, [math.nan, -math.inf]),
    ],
)
def test_non_finite_numbers_save_and_reopen_exactly(kwargs: dict, gradient: list, tmp_path: Path) -> None:
    s = Session(**kwargs)
    s.forward()
    s.backward(gradient=gradient)
    s.step()
    path = tmp_path / "run.json"
    s.save(path)
    t = Session.load(path)
    for name in s.param_names:
        assert _same(t.value(name), s.value(name)) and _same(t.grad(name), s.grad(name))
    # The oracle: the exported script's tensors.
    ran = _run_script(s, tmp_path)
    for name in s.param_names:
        assert _same(ran[name].tolist(), s.value(name))
        assert _same(ran[name].grad.tolist(), s.grad(name))
    assert "NaN" not in path.read_text() and "Infinity" not in path.read_text()


# --- bug 5: the exported script spells inf / nan so Python can run it --------------------


def test_exported_script_with_inf_and_nan_runs_and_matches(tmp_path: Path) -> None:
    s = Session(params={"w": [1.0, 2.0, 3.0]}, forward="y = w * w\nout = y.sum()")
    s.forward()
    s.backward()  # w.grad = 2w
    s.forward()
    s.backward(gradient=math.nan)  # torch accepts a 0-d v for a scalar output
    s.forward()
    s.backward(gradient=[math.inf][0])
    script = s.to_script()
    assert "float(\"nan\")" in script and "float(\"inf\")" in script
    ran = _run_script(s, tmp_path)
    assert _same(ran["w"].grad.tolist(), s.grad("w"))


# --- bug 6: a param or input called `epoch` survives the folded loop ----------------------


@pytest.mark.parametrize("where", ["params", "inputs"])
def test_folded_loop_does_not_clobber_a_tensor_named_epoch(where: str, tmp_path: Path) -> None:
    if where == "params":
        kwargs = {"params": {"epoch": [1.0, 2.0]}, "inputs": {"x": [3.0, 4.0]},
                  "forward": "out = (epoch * x).sum()"}
    else:
        kwargs = {"params": {"w": [1.0, 2.0]}, "inputs": {"epoch": [3.0, 4.0]},
                  "forward": "out = (w * epoch).sum()"}
    s = Session(**kwargs, auto_zero_grad=True)
    for _ in range(4):
        s.iterate()
    script = s.to_script()
    assert "for epoch in" not in script and "in range(4):" in script
    ran = _run_script(s, tmp_path)
    for name in s.param_names:
        assert _same(ran[name].tolist(), s.value(name))
    for name in s.input_names:
        assert _same(ran[name].tolist(), s.value(name))
    # The same loop in plain torch, as the notebooks write it.
    p = torch.tensor([1.0, 2.0], requires_grad=True)
    c = torch.tensor([3.0, 4.0])
    opt = torch.optim.SGD([p], lr=0.1)
    for _ in range(4):
        (p * c).sum().backward()
        opt.step()
        opt.zero_grad(set_to_none=False)
    assert _same(s.value(s.param_names[0]), p.tolist())
    assert any("in range(4):" in line.text for line in s.code_lines())


def test_a_program_name_epoch_is_not_the_loop_variable(tmp_path: Path) -> None:
    s = Session(params={"w": [1.0, 2.0]}, forward="epoch = w * 2\nout = epoch.sum()")
    for _ in range(3):
        s.iterate()
    assert "for epoch in" not in s.to_script()
    ran = _run_script(s, tmp_path)
    assert _same(ran["w"].tolist(), s.value("w"))


# --- bug 7: a random v replays to the same numbers -----------------------------------------


def test_random_backward_vector_replays_the_same_numbers(tmp_path: Path) -> None:
    s = Session(params={"w": [1.0, 2.0]}, forward="out = w * 3")
    s.forward()
    s.backward(gradient="randn(2)", retain_graph=True)
    s.backward(gradient="rand(2)")
    path = tmp_path / "run.json"
    s.save(path)
    torch.manual_seed(1234)  # whatever the global generator holds now must not matter
    t = Session.load(path)
    assert _same(t.grad("w"), s.grad("w"))
    ran = _run_script(s, tmp_path)
    assert _same(ran["w"].grad.tolist(), s.grad("w"))
    # vᵀJ of out = 3w is 3v: the grad is 3 (v1 + v2) for the two vectors drawn.
    assert not _same(s.grad("w"), [0.0, 0.0])


def test_str_of_a_torch_error_carries_pytorchs_words() -> None:
    s = Session(params={"w": [1.0, 2.0]}, forward="out = w * 3")
    s.forward()
    with pytest.raises(PlaygroundError) as caught:
        s.backward()
    try:
        torch.tensor([1.0, 2.0], requires_grad=True).mul(3).backward()
    except RuntimeError as exc:
        torch_words = str(exc).splitlines()[0]
    assert torch_words in str(caught.value)
    assert caught.value.message in str(caught.value)
