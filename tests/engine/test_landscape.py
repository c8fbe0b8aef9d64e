"""The loss landscape: every grid value against plain torch evaluating the model at that point."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch
import torch.nn.functional as F

from playground import PlaygroundError, Session

XS = [-1.0, 0.0, 1.0, 2.0, 3.5]
YS = [-0.5, 1.2, 2.9, 5.1, 8.0]

LINE = dict(params={"w": 0.5, "b": -1.0}, inputs={"x": XS, "y": YS},
            forward="y_hat = w * x + b\nloss = F.mse_loss(y_hat, y)")
BCE = dict(params={"w": "randn(5, 3)", "b": "randn(3)"}, inputs={"x": "ones(5)", "y": "zeros(3)"},
           forward="z = torch.matmul(x, w) + b\n"
                   "loss = F.binary_cross_entropy_with_logits(z, y)", seed=3)
MLP = dict(params={"w1": "randn(2, 4)", "b1": "zeros(4)", "w2": "randn(4)"},
           inputs={"x": [[0.5, -1.0], [1.5, 2.0], [-0.3, 0.7]], "t": [1.0, 0.0, 1.0]},
           forward="h = torch.tanh(x @ w1 + b1)\nloss = ((h @ w2 - t) ** 2).mean()", seed=1)


def _line(p: dict[str, torch.Tensor]) -> torch.Tensor:
    return F.mse_loss(p["w"] * torch.tensor(XS) + p["b"], torch.tensor(YS))


def _bce(p: dict[str, torch.Tensor]) -> torch.Tensor:
    z = torch.matmul(torch.ones(5), p["w"]) + p["b"]
    return F.binary_cross_entropy_with_logits(z, torch.zeros(3))


def _mlp(p: dict[str, torch.Tensor]) -> torch.Tensor:
    x = torch.tensor([[0.5, -1.0], [1.5, 2.0], [-0.3, 0.7]])
    h = torch.tanh(x @ p["w1"] + p["b1"])
    return ((h @ p["w2"] - torch.tensor([1.0, 0.0, 1.0])) ** 2).mean()


# (session, x element, y element, (param, flat index) of each, plain torch model)
CASES: list[tuple[dict[str, Any], str | None, str | None, tuple[Any, Any], Callable[..., Any]]] = [
    (LINE, None, None, (("w", 0), ("b", 0)), _line),
    (BCE, "w[1,2]", "b[0]", (("w", 5), ("b", 0)), _bce),
    (BCE, "w[0,0]", "w[4, 1]", (("w", 0), ("w", 13)), _bce),
    (MLP, "w1[1,3]", "w2[2]", (("w1", 7), ("w2", 2)), _mlp),
]


def _plain_grid(s: Session, land: Any, where: tuple[Any, Any], model: Callable[..., Any],
                rows: range, cols: range) -> torch.Tensor:
    """Plain torch, one point at a time: the element values set, the model evaluated."""
    out = torch.empty(len(rows), len(cols))
    for a, i in enumerate(rows):
        for b, j in enumerate(cols):
            params = {n: torch.tensor(s.value(n)) for n in s.param_names}
            for (name, flat), value in zip(where, (land.xs[j], land.ys[i]), strict=True):
                params[name].view(-1)[flat] = value
            out[a, b] = model(params)
    return out


@pytest.mark.parametrize(("kwargs", "x", "y", "where", "model"), CASES)
def test_every_grid_value_is_the_model_evaluated_at_that_point(
    kwargs: dict[str, Any], x: str | None, y: str | None, where: tuple[Any, Any],
    model: Callable[..., Any],
) -> None:
    s = Session(**kwargs)
    s.iterate()
    land = s.landscape(x, y, n=15)
    assert len(land.xs) == len(land.ys) == 15 and len(land.loss) == 15
    assert all(len(row) == 15 for row in land.loss)
    expected = _plain_grid(s, land, where, model, range(15), range(15))
    # vmap runs the model as one batched kernel per op; a batched matmul or mean may add in
    # a different order than the one-point kernel, so the last bit or two of float32 may
    # differ: 4 ulp relative (rtol 5e-7) is the tolerance, nothing looser.
    torch.testing.assert_close(torch.tensor(land.loss), expected, rtol=5e-7, atol=1e-7)
    current = (s.value(where[0][0]), s.value(where[1][0]))
    flat = [torch.tensor(v).reshape(-1)[f].item() for v, (_, f) in zip(current, where, strict=True)]
    assert land.point == tuple(flat)


def test_a_100_grid_matches_plain_torch_on_sampled_rows() -> None:
    s = Session(**BCE)
    land = s.landscape("w[1,2]", "b[0]", n=100)
    assert len(land.loss) == 100 and len(land.loss[99]) == 100
    rows, cols = range(0, 100, 33), range(0, 100, 7)
    expected = _plain_grid(s, land, (("w", 5), ("b", 0)), _bce, rows, cols)
    got = torch.tensor([[land.loss[i][j] for j in cols] for i in rows])
    torch.testing.assert_close(got, expected, rtol=5e-7, atol=1e-7)


def test_the_session_is_untouched() -> None:
    s = Session(**MLP)
    s.forward()
    s.backward()
    before = ([s.value(n) for n in s.param_names], [s.grad(n) for n in s.param_names],
              s.output, len(s.history), s.graph_freed)
    s.landscape(n=21)
    after = ([s.value(n) for n in s.param_names], [s.grad(n) for n in s.param_names],
             s.output, len(s.history), s.graph_freed)
    assert before == after


def test_the_grid_is_centred_and_follows_the_path() -> None:
    s = Session(**LINE, lr=0.05)
    land = s.landscape(n=11)
    assert (land.x_name, land.y_name) == ("w", "b")
    assert land.xs[5] == pytest.approx(0.5) and land.ys[5] == pytest.approx(-1.0)
    for _ in range(30):
        s.iterate()
        s.zero_grad()
    land = s.landscape(n=11)
    start_w, start_b = 0.5, -1.0
    assert land.xs[0] <= start_w <= land.xs[-1] and land.ys[0] <= start_b <= land.ys[-1]
    assert land.xs[0] <= land.point[0] <= land.xs[-1]
    fixed = s.landscape(n=5, span=0.5)
    assert fixed.xs[0] == pytest.approx(land.point[0] - 0.5)
    box = s.landscape("b", "w", n=3, span=((-1, 1), (0, 4)))
    assert box.xs == [-1.0, 0.0, 1.0] and box.ys == [0.0, 2.0, 4.0]
    assert box.x_name == "b"


def test_the_first_two_trainable_elements_are_the_default() -> None:
    s = Session(**MLP)
    s.set_requires_grad("w1", False)
    land = s.landscape(n=3)
    assert (land.x_name, land.y_name) == ("b1[0]", "b1[1]")


@pytest.mark.parametrize(
    ("kwargs", "args", "words"),
    [
        (LINE, ("v", "b"), "not an element"),
        (LINE, ("w[0]", "b"), "outside|needs 0"),
        (BCE, ("w", "b[0]"), "say which one"),
        (BCE, ("w[5,0]", "b[0]"), "outside"),
        (BCE, ("w[1]", "b[0]"), "needs 2"),
        (BCE, ("w[0,0]", "w[0, 0]"), "named twice"),
        (BCE, ("w[0,0]", None), "both"),
        (BCE, ("x[0]", "b[0]"), "not an element"),
        (BCE, ("__import__('os')", "b[0]"), "not an element"),
        (dict(params={"w": [1.0, 2.0]}, forward="y = w * 2"), (None, None), "one-number"),
        (dict(params={"w": 1.0}, forward="y = w * 2"), (None, None), "only one"),
    ],
)
def test_bad_requests_are_refused_clearly(kwargs: dict[str, Any], args: tuple[Any, Any],
                                          words: str) -> None:
    s = Session(**kwargs)
    with pytest.raises(PlaygroundError, match=words):
        s.landscape(*args, n=5)


@pytest.mark.parametrize(
    ("n", "span"), [(1, None), (10_000, None), (True, None), (5, -1.0), (5, float("nan")),
                    (5, ((1, 0), (0, 1))), (5, "big"), (5, ((0, 1),))],
)
def test_bad_sizes_and_spans_are_refused(n: Any, span: Any) -> None:
    with pytest.raises(PlaygroundError):
        Session(**LINE).landscape(n=n, span=span)


def test_a_diverged_point_is_refused_unless_the_box_is_given() -> None:
    s = Session(params={"w": 1.0, "b": 0.0}, inputs={"x": [1e30]},
                forward="loss = ((w * x + b) ** 2).sum()", lr=1.0)
    for _ in range(3):
        s.iterate()
    assert "inf" in repr(s.value("w")) or s.value("w") != s.value("w")
    with pytest.raises(PlaygroundError, match="diverged"):
        s.landscape(n=5)
    land = s.landscape(n=3, span=((-1, 1), (-1, 1)))
    assert len(land.loss) == 3


def test_chunked_evaluation_gives_the_same_grid(monkeypatch: pytest.MonkeyPatch) -> None:
    s = Session(**MLP)
    whole = s.landscape("w1[0,0]", "w2[1]", n=12)
    monkeypatch.setattr("playground.landscape.CHUNK_ELEMENTS", 500)  # a few points per chunk
    assert s.landscape("w1[0,0]", "w2[1]", n=12) == whole


def test_a_grid_too_large_for_the_budget_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("playground.landscape.MAX_TOTAL_ELEMENTS", 10_000)
    with pytest.raises(PlaygroundError, match="too many"):
        Session(**MLP).landscape(n=101)


@pytest.mark.parametrize("aspect", [2.5, 0.4])
def test_an_aspect_widens_one_side_about_the_centre_and_the_values_stay_torchs(
        aspect: float) -> None:
    """A view drawing both axes at one scale asks for its own width / height: the narrower
    side of the automatic box grows, the box still holds it (and so the path), and every
    value is still plain torch at that point."""
    s = Session(**LINE, lr=0.05)
    for _ in range(6):
        s.iterate()
    plain = s.landscape(n=9)
    land = s.landscape(n=9, aspect=aspect)
    width, height = land.xs[-1] - land.xs[0], land.ys[-1] - land.ys[0]
    assert width / height == pytest.approx(aspect, rel=1e-5)
    for wide, narrow in ((land.xs, plain.xs), (land.ys, plain.ys)):
        assert wide[0] <= narrow[0] and wide[-1] >= narrow[-1]
        assert (wide[0] + wide[-1]) / 2 == pytest.approx((narrow[0] + narrow[-1]) / 2, abs=1e-6)
    # One side is exactly the automatic one: only the narrower side grew.
    assert land.ys == plain.ys if aspect > 1 else land.xs == plain.xs
    expected = _plain_grid(s, land, (("w", 0), ("b", 0)), _line, range(9), range(9))
    torch.testing.assert_close(torch.tensor(land.loss), expected, rtol=5e-7, atol=1e-7)
    half = s.landscape(n=5, span=0.5, aspect=aspect)  # a half-width box widens the same way
    assert (half.xs[-1] - half.xs[0]) / (half.ys[-1] - half.ys[0]) == pytest.approx(aspect, rel=1e-5)


@pytest.mark.parametrize(("aspect", "span"), [(0.0, None), (-2.0, None), (float("nan"), None),
                                              (True, None), ("2", None), (1e9, None),
                                              (2.0, ((-1, 1), (0, 4)))])
def test_a_bad_aspect_is_refused_and_changes_nothing(aspect: Any, span: Any) -> None:
    s = Session(**LINE)
    with pytest.raises(PlaygroundError) as info:
        s.landscape(n=5, span=span, aspect=aspect)
    assert info.value.field == "aspect"
    assert s.landscape(n=5).xs == Session(**LINE).landscape(n=5).xs
