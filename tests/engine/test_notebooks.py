"""Every deterministic number the five seed notebooks print, out of a Session.

The expected numbers are copied from the notebook text in
``/work/shared/seeds/`` (file and cell named on each test), never from the
engine or the lessons. Where useful, plain PyTorch running the notebook's own
code is a second oracle.

Tolerances: the notebooks print 4 decimals, so a printed number is only known
to ±5e-5. When a notebook's input is itself a printed (rounded) tensor, the
input's rounding error (±5e-5) travels through the computation, multiplied by
the derivative; e.g. z = 2 (x + 2)² moves by 4 y · 5e-5 ≈ 7e-4 for y ≈ 3.4.
So results that depend on a rounded input are compared with an absolute
tolerance of 2e-4 when their derivative with respect to it is at most ~2, and
with the wider bound worked out next to the test otherwise. Results of exact
inputs (ones, eye, [2, 3, 4], ...) are compared to float32 precision.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch

from playground import PlaygroundError, Session

#: Printed to 4 decimals from a rounded input whose derivative is at most ~2.
PRINT_TOL = 2e-4
#: Exact inputs: float32 round-off only.
EXACT_TOL = 1e-5
SCALAR_ERROR = "grad can be implicitly created only for scalar outputs"


def close(actual: Any, printed: Any, atol: float = PRINT_TOL) -> None:
    """Assert nested numbers match a notebook's printout within ``atol``."""
    assert actual is not None, f"expected {printed}, got None"
    got, want = np.asarray(actual, dtype=np.float64), np.asarray(printed, dtype=np.float64)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert np.allclose(got, want, rtol=0.0, atol=atol), f"got {got.tolist()}, notebook {want.tolist()}"


def info(session: Session, name: str) -> Any:
    """The TensorInfo row for ``name``."""
    rows = {row.name: row for row in session.tensors()}
    assert name in rows, f"{name} not among {sorted(rows)}"
    return rows[name]


def backward_grads(session: Session, param: str) -> list[list[float]]:
    """The param's grad after each backward, from the history."""
    return [r.grads[param].tolist() for r in session.history if r.action == "backward"]


# ------------------------------------------------------------------ notebook 000
def test_000_cell3_three_times_square_mean() -> None:
    # x was not printed; x.grad = 2 (x + 2) gives x = grad / 2 - 2 (to ±2.5e-5).
    printed_grad = [3.6743, 5.1167, 7.6944]
    x = [g / 2 - 2 for g in printed_grad]
    s = Session(params={"x": x}, forward="y = x + 2\nz = y * y * 3\nout = z.mean()")
    s.forward()
    # dz/dx = 6 y <= 23 here: 23 * 2.5e-5 (recovered x) + 5e-5 (print) < 7e-4.
    close(s.value("z"), [10.1255, 19.6355, 44.4029], atol=7e-4)
    close(s.output, 24.7213, atol=7e-4)
    assert info(s, "z").grad_fn == "MulBackward0"
    assert info(s, "out").grad_fn == "MeanBackward0"
    s.backward()
    close(s.grad("x"), printed_grad)


def test_000_cell4_backward_with_vector_v() -> None:
    # x is random in the notebook; y = 2x makes x.grad = 2 v whatever x is.
    s = Session(params={"x": "randn(3)"}, forward="y = x * 2", seed=7)
    s.forward()
    s.backward(gradient=[0.1, 1.0, 0.0001])
    close(s.grad("x"), [2.0000e-01, 2.0000e00, 2.0000e-04], atol=EXACT_TOL)


def test_000_cell5_requires_grad_switches_grad_fn() -> None:
    s = Session(params={"a": "randn(2, 2)"}, forward="b = (a * a).sum()", seed=1)
    s.set_requires_grad("a", False)
    assert info(s, "a").requires_grad is False  # prints False
    s.forward()
    assert info(s, "b").grad_fn is None  # prints None
    s.set_requires_grad("a", True)
    assert info(s, "a").requires_grad is True  # prints True
    s.forward()
    assert info(s, "b").grad_fn == "SumBackward0"  # <SumBackward0 ...>
    s.forward(no_grad=True)
    assert info(s, "b").requires_grad is False  # (a ** 2).requires_grad under no_grad


def _notebook_000_cell6_in_torch() -> tuple[list[list[float]], list[float], list[float]]:
    """Notebook 000 cell 6, run as written: the second oracle."""
    weights = torch.ones(4, requires_grad=True)
    grads: list[list[float]] = []
    finals: list[list[float]] = []
    for zero in (False, True):
        for _ in range(3):
            (weights * 3).sum().backward()
            grads.append(weights.grad.tolist())
            with torch.no_grad():
                weights -= 0.1 * weights.grad
            if zero:
                weights.grad.zero_()
        finals.append(weights.detach().tolist())
    return grads, finals[0], finals[1]


@pytest.mark.parametrize("iterate", [False, True], ids=["phases", "iterate"])
def test_000_cell6_accumulation_then_zeroing_manual_sgd(iterate: bool) -> None:
    s = Session(params={"weights": "ones(4)"}, forward="model_output = (weights * 3).sum()",
                update="manual", lr=0.1)
    for _ in range(3):
        if iterate:
            s.iterate()
        else:
            s.forward(), s.backward(), s.step()
    close(s.value("weights"), [-0.8] * 4, atol=EXACT_TOL)
    for _ in range(3):
        s.forward(), s.backward(), s.step(), s.zero_grad()
    grads = backward_grads(s, "weights")
    printed = [[3.0] * 4, [6.0] * 4, [9.0] * 4, [12.0] * 4, [3.0] * 4, [3.0] * 4]
    close(grads, printed, atol=EXACT_TOL)
    close(s.value("weights"), [-2.6] * 4, atol=EXACT_TOL)
    torch_grads, first, second = _notebook_000_cell6_in_torch()
    close(grads, torch_grads, atol=0.0)
    close([-0.8] * 4, first, atol=EXACT_TOL)
    close(s.value("weights"), second, atol=0.0)


def test_000_cell7_optimizer_sgd_matches_torch() -> None:
    # Cell 7 prints nothing; torch's own SGD loop, continued from cell 6's -2.6, is the oracle.
    s = Session(params={"weights": [-2.6] * 4}, forward="model_output = (weights * 3).sum()",
                update="optimizer", lr=0.1)
    weights = torch.full((4,), -2.6, requires_grad=True)
    optimizer = torch.optim.SGD([weights], lr=0.1)
    for _ in range(3):
        s.zero_grad(), s.forward(), s.backward(), s.step()
        optimizer.zero_grad()
        (weights * 3).sum().backward()
        optimizer.step()
    close(s.value("weights"), weights.detach().tolist(), atol=0.0)
    close(s.grad("weights"), weights.grad.tolist(), atol=0.0)


# ------------------------------------------------------------------ notebook 001
def test_001_cells2_12_square_mean_gradient() -> None:
    s = Session(params={"x": [0.8675, -1.1722, -0.0580]}, forward="y = x + 2\nz = y * y\nloss = z.mean()")
    s.forward()
    close(s.value("y"), [2.8675, 0.8278, 1.9420])
    assert info(s, "y").grad_fn == "AddBackward0"
    assert info(s, "z").grad_fn == "MulBackward0"
    s.backward()
    close(s.grad("x"), [1.9117, 0.5518, 1.2946])  # 2 y / 3: derivative 2/3


def test_001_cells19_21_mse_then_weighted_squared_residuals() -> None:
    y_true, y_pred = [1.0, 2.1, 3.0], [1.30, 2.79, 4.02]
    mse = Session(params={"y_pred": y_pred}, inputs={"y_true": y_true},
                  forward="MSE = torch.mean((y_pred - y_true) ** 2)")
    mse.forward(), mse.backward()
    close(mse.grad("y_pred"), [0.2000, 0.4600, 0.6800], atol=EXACT_TOL)
    # Cell 21 backpropagates SR = (y_pred - y_true)**2 with v on top of MSE's grad. A
    # session has one output, so MSE.backward() is spelled as SR.backward(v = 1/3).
    sr = Session(params={"y_pred": y_pred}, inputs={"y_true": y_true},
                 forward="SR = (y_pred - y_true) ** 2")
    sr.forward()
    sr.backward(gradient=[1 / 3] * 3, retain_graph=True)
    close(sr.grad("y_pred"), mse.grad("y_pred"), atol=EXACT_TOL)
    sr.backward(gradient=[1.0, 10.0, 100.0])
    close(sr.grad("y_pred"), [0.8000, 14.2600, 204.6800], atol=5e-5)
    # The notebook's two cells in plain torch agree.
    t_true, t_pred = torch.tensor(y_true), torch.tensor(y_pred, requires_grad=True)
    torch.mean((t_pred - t_true) ** 2).backward()
    ((t_pred - t_true) ** 2).backward(torch.tensor([1.0, 10.0, 100.0]))
    close(sr.grad("y_pred"), t_pred.grad.tolist(), atol=5e-5)


@pytest.mark.parametrize(
    ("v", "printed"),
    [([1.0, 1.0, 1.0], [4.0, 6.0, 8.0]), ([1.0, 0.1, 0.01], [4.0000, 0.6000, 0.0800])],
    ids=["equal", "weighted"],
)
def test_001_cells34_35_square_with_equal_and_weighted_v(v: list[float], printed: list[float]) -> None:
    s = Session(params={"x": [2.0, 3.0, 4.0]}, forward="y = x ** 2")
    s.forward()
    s.backward(gradient=v)
    close(s.grad("x"), printed, atol=EXACT_TOL)


def test_001_cells37_42_requires_grad_detach_no_grad() -> None:
    s = Session(params={"t": [1.0, 2.0, 3.0]}, forward="t0 = t.detach()\ny = t + 2")
    s.forward()
    close(s.value("t0"), [1.0, 2.0, 3.0], atol=0.0)
    assert info(s, "t0").requires_grad is False and info(s, "t0").grad_fn is None
    close(s.value("y"), [3.0, 4.0, 5.0], atol=0.0)
    assert info(s, "y").grad_fn == "AddBackward0"
    s.forward(no_grad=True)
    close(s.value("y"), [3.0, 4.0, 5.0], atol=0.0)
    assert info(s, "y").grad_fn is None and info(s, "y").requires_grad is False
    s.set_requires_grad("t", False)  # cell 37 on its x = [2., 3., 4.]: values kept
    assert info(s, "t").requires_grad is False
    close(s.value("t"), [1.0, 2.0, 3.0], atol=0.0)


@pytest.mark.parametrize("size", [3, 4], ids=["nb002_ones3", "nb001_nb003_ones4"])
def test_001_002_003_accumulation_and_zero(size: int) -> None:
    s = Session(params={"weights": f"ones({size})"}, forward="model_output = (weights * 3).sum()")
    for _ in range(3):
        s.forward(), s.backward()
    close(backward_grads(s, "weights"), [[3.0] * size, [6.0] * size, [9.0] * size], atol=0.0)
    s.reset()
    for _ in range(3):
        s.forward(), s.backward(), s.zero_grad()
    close(backward_grads(s, "weights"), [[3.0] * size] * 3, atol=0.0)


# ------------------------------------------------------------------ notebook 002
def test_002_cells2_6_two_times_square_mean() -> None:
    s = Session(params={"x": [1.3567, 0.8755, -0.2205]}, forward="y = x + 2\nz = y * y * 2\nout = z.mean()")
    s.forward()
    close(s.value("y"), [3.3567, 2.8755, 1.7795])
    # dz/dx = 4 y <= 13.5: 13.5 * 5e-5 (rounded x) + 5e-5 (print) = 7e-4.
    close(s.value("z"), [22.5349, 16.5370, 6.3329], atol=7e-4)
    close(s.output, 15.1349)  # d out / dx_i = 4 y_i / 3: total 5e-4 worst case, 1.3e-4 here
    assert [info(s, n).grad_fn for n in ("y", "z", "out")] == ["AddBackward0", "MulBackward0", "MeanBackward0"]
    s.backward()
    close(s.grad("x"), [4.4756, 3.8340, 2.3726])


def test_002_cell7_scalar_error_then_vector_backward() -> None:
    printed_z = [7.1237, 9.5409, 8.9240]
    # x was not printed; z = 2 (x + 2)² gives x = sqrt(z / 2) - 2 (y > 0 here).
    x = [math.sqrt(z / 2) - 2 for z in printed_z]
    s = Session(params={"x": x}, forward="y = x + 2\nz = y * y * 2")
    s.forward()
    close(s.value("z"), printed_z)
    before = s.history[:]
    with pytest.raises(PlaygroundError) as caught:
        s.backward()
    assert caught.value.torch_message is not None and SCALAR_ERROR in caught.value.torch_message
    assert s.history == before and s.grad("x") is None  # the failed call changed nothing
    s.backward(gradient=[0.1, 1.0, 0.001])
    # x.grad = 4 y v: relative print precision of the 3 numbers is 1e-5, so compare relatively.
    assert np.allclose(s.grad("x"), [7.5492e-01, 8.7365e00, 8.4494e-03], rtol=2e-4, atol=0.0)


def test_002_cells8_10_stop_tracking_three_ways() -> None:
    x = [-1.1390, 0.0124, -0.4944]
    s = Session(params={"x": x}, forward="xd = x.detach()\ny = x * 2")
    s.set_requires_grad("x", False)
    close(s.value("x"), x, atol=EXACT_TOL)  # prints the same numbers, without requires_grad
    assert info(s, "x").requires_grad is False
    s.set_requires_grad("x", True)
    s.forward()
    close(s.value("xd"), x, atol=EXACT_TOL)
    assert info(s, "xd").requires_grad is False
    s.forward(no_grad=True)
    assert info(s, "y").grad_fn is None and info(s, "y").requires_grad is False


# ------------------------------------------------------------------ notebook 003
def test_003_cells3_9_mean_then_vector_backward_accumulates() -> None:
    s = Session(params={"x": [-0.9484, 0.2716, 0.3606]}, forward="y = x + 2\nz = y * y * 2")
    s.forward()
    close(s.value("y"), [1.0516, 2.2716, 2.3606])
    # dz/dx = 4 y <= 9.5: 9.5 * 5e-5 + 5e-5 = 5.3e-4.
    close(s.value("z"), [2.2119, 10.3202, 11.1445], atol=5.5e-4)
    close(float(np.mean(s.value("z"))), 7.8922)  # z.mean(): derivative 4 y / 3 each
    # z.mean().backward() is the vector-Jacobian product with v = 1/3.
    s.backward(gradient=[1 / 3] * 3, retain_graph=True)
    close(s.grad("x"), [1.4022, 3.0288, 3.1474])
    # zz = y * y * 2; zz.backward(v) adds 4 y v: derivative (4/3 + 4 v) <= 5.4 -> 3.2e-4.
    s.backward(gradient=[0.1, 1.0, 0.001])
    close(s.grad("x"), [1.8228, 12.1151, 3.1569], atol=3.5e-4)


def test_003_cell18_optimizer_step_before_any_backward_does_nothing() -> None:
    s = Session(params={"weights": "ones(4)"}, forward="model_output = (weights * 3).sum()", lr=0.01)
    record = s.step()
    s.zero_grad()
    close(s.value("weights"), [1.0] * 4, atol=0.0)
    assert s.grad("weights") is None
    assert record.note is not None and "nothing" in record.note
    # Plain torch does the same: SGD skips a parameter whose grad is None.
    weights = torch.ones(4, requires_grad=True)
    torch.optim.SGD([weights], lr=0.01).step()
    assert weights.tolist() == [1.0] * 4 and weights.grad is None


# ------------------------------------------------------------------ notebook 004
def test_004_cells2_4_bce_with_logits_grads() -> None:
    s = Session(
        params={"w": "randn(5, 3)", "b": "randn(3)"},
        inputs={"x": "ones(5)", "y": "zeros(3)"},
        forward="z = torch.matmul(x, w) + b\nloss = F.binary_cross_entropy_with_logits(z, y)",
        seed=0,
    )
    s.forward()
    assert info(s, "z").grad_fn == "AddBackward0"
    assert info(s, "loss").grad_fn == "BinaryCrossEntropyWithLogitsBackward0"
    s.backward()
    w_grad, b_grad = np.asarray(s.grad("w")), np.asarray(s.grad("b"))
    assert w_grad.shape == (5, 3)
    for row in w_grad:  # the notebook's five identical rows, each equal to b.grad
        close(row, b_grad, atol=1e-7)
    # Oracle: the notebook's code on the session's own w and b.
    w = torch.tensor(s.value("w"), requires_grad=True)
    b = torch.tensor(s.value("b"), requires_grad=True)
    z = torch.matmul(torch.ones(5), w) + b
    torch.nn.functional.binary_cross_entropy_with_logits(z, torch.zeros(3)).backward()
    close(w_grad, w.grad.tolist(), atol=1e-7)
    close(b_grad, b.grad.tolist(), atol=1e-7)
    close(b_grad, (torch.sigmoid(z.detach()) / 3).tolist(), atol=1e-6)


def test_004_cell6_no_grad_and_detach() -> None:
    s = Session(params={"w": "randn(5, 3)", "b": "randn(3)"}, inputs={"x": "ones(5)"},
                forward="z = torch.matmul(x, w) + b\nzd = z.detach()")
    s.forward()
    assert info(s, "z").requires_grad is True  # prints True
    assert info(s, "zd").requires_grad is False  # z.detach(): False
    s.forward(no_grad=True)
    assert info(s, "z").requires_grad is False  # under no_grad: False


EYE_FIRST = [[4.0, 2.0, 2.0, 2.0, 2.0], [2.0, 4.0, 2.0, 2.0, 2.0], [2.0, 2.0, 4.0, 2.0, 2.0], [2.0, 2.0, 2.0, 4.0, 2.0]]
EYE_SECOND = [[8.0, 4.0, 4.0, 4.0, 4.0], [4.0, 8.0, 4.0, 4.0, 4.0], [4.0, 4.0, 8.0, 4.0, 4.0], [4.0, 4.0, 4.0, 8.0, 4.0]]


def test_004_cell10_retain_graph_double_backward_on_eye() -> None:
    s = Session(params={"inp": "eye(4, 5)"}, forward="out = (inp + 1).pow(2).t()")
    s.forward()
    assert np.asarray(s.output).shape == (5, 4)
    s.backward(gradient="ones(5, 4)", retain_graph=True)
    close(s.grad("inp"), EYE_FIRST, atol=0.0)  # First call
    s.backward(gradient="ones(5, 4)", retain_graph=True)
    close(s.grad("inp"), EYE_SECOND, atol=0.0)  # Second call
    s.zero_grad()
    s.backward(gradient="ones(5, 4)", retain_graph=True)
    close(s.grad("inp"), EYE_FIRST, atol=0.0)  # Call after zeroing gradients
    assert s.graph_freed is False
    s.backward(gradient="ones(5, 4)")
    assert s.graph_freed is True
    with pytest.raises(PlaygroundError) as caught:
        s.backward(gradient="ones(5, 4)")
    assert "backward through the graph a second time" in (caught.value.torch_message or "")
    close(s.grad("inp"), EYE_SECOND, atol=0.0)  # the refused call left the grad alone
