"""Data: integer inputs, new program operations, CSV files and the data presets, against plain torch."""

from __future__ import annotations

import json
import runpy
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn.functional as F

from playground import PlaygroundError, Session
from playground.data import MAX_CSV_BYTES, load_csv, parse_csv
from playground.program import parse_program


def _presets() -> dict[str, dict[str, Any]]:
    text = resources.files("resources").joinpath("presets.json").read_text(encoding="utf-8")
    return {p["name"]: p for p in json.loads(text)["presets"]}


def _tensor(spec: str) -> torch.Tensor:
    return torch.tensor(json.loads(spec))


# ------------------------------------------------------------------ value functions
def test_rand_linspace_arange_are_torchs_own_and_rand_is_seeded() -> None:
    s = Session(params={"w": "rand(3)", "v": "randn(2)"},
                inputs={"x": "linspace(-1, 1, 5)", "k": "arange(1, 7, 2)"},
                forward="out = w.sum() + v.sum() + x.sum() + k.sum()", seed=11)
    g = torch.Generator().manual_seed(11)
    assert torch.equal(torch.tensor(s.value("w")), torch.rand(3, generator=g))
    assert torch.equal(torch.tensor(s.value("v")), torch.randn(2, generator=g))
    assert torch.equal(torch.tensor(s.value("x")), torch.linspace(-1, 1, 5))
    assert torch.equal(torch.tensor(s.value("k")), torch.arange(1, 7, 2, dtype=torch.float32))


# ----------------------------------------------------------------- integer inputs
def test_integer_targets_for_cross_entropy_match_plain_torch(tmp_path: Path) -> None:
    s = Session(params={"W": [[0.1, -0.2, 0.3], [0.0, 0.5, -0.5]]},
                inputs={"X": [[1.0, 2.0], [-1.0, 0.5], [0.3, -0.7]],
                        "t": "tensor([2, 0, 1], dtype=torch.long)"},
                forward="logits = X @ W\nloss = F.cross_entropy(logits, t)", lr=0.5)
    assert s.inputs["t"].dtype == torch.int64
    for _ in range(3):
        s.iterate()
        s.zero_grad()
    W = torch.tensor([[0.1, -0.2, 0.3], [0.0, 0.5, -0.5]], requires_grad=True)
    X = torch.tensor([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.7]])
    t = torch.tensor([2, 0, 1])
    opt = torch.optim.SGD([W], lr=0.5)
    for _ in range(3):
        F.cross_entropy(X @ W, t).backward()
        opt.step()
        opt.zero_grad(set_to_none=False)
    assert torch.equal(torch.tensor(s.value("W")), W.detach())
    assert "t = torch.tensor([2, 0, 1], dtype=torch.long)" in s.to_script()
    path = tmp_path / "script.py"
    path.write_text(s.to_script())
    assert torch.equal(runpy.run_path(str(path))["W"].detach(), W.detach())
    s.save(tmp_path / "run.json")
    assert Session.load(tmp_path / "run.json").value("W") == s.value("W")
    row = next(r for r in s.tensors() if r.name == "t")
    assert row.value.tolist() == [2, 0, 1]


def test_an_integer_param_is_refused_clearly() -> None:
    with pytest.raises(PlaygroundError, match="only floats have gradients") as info:
        Session(params={"w": "arange(3, dtype=torch.long)"}, forward="out = w.sum()")
    assert info.value.field == "params.w"


# -------------------------------------------------------------- program operations
OPS = [
    ("y = torch.where(x > 0, x, 0.1 * x)\nout = (y * y).sum()",
     lambda x: (torch.where(x > 0, x, 0.1 * x) ** 2).sum()),
    ("y = torch.cat([x, x * 2])\nout = (y * y).mean()",
     lambda x: (torch.cat([x, x * 2]) ** 2).mean()),
    ("y = torch.stack((x, x.exp()), dim=1)\nout = y.sum()",
     lambda x: torch.stack((x, x.exp()), dim=1).sum()),
    ("y = x.reshape(2, 2).unsqueeze(0)\nout = (y[0, 1] * y[0, 0]).sum()",
     lambda x: (x.reshape(2, 2).unsqueeze(0)[0, 1] * x.reshape(2, 2).unsqueeze(0)[0, 0]).sum()),
    ("y = torch.tanh(x)\nout = F.mse_loss(y, x * 0.5)",
     lambda x: F.mse_loss(torch.tanh(x), x * 0.5)),
    ("m = (x >= 0.5) * x\nout = m.sum()", lambda x: ((x >= 0.5) * x).sum()),
    ("y = x[1:3]\nout = y.sum() * x[0]", lambda x: x[1:3].sum() * x[0]),
]


@pytest.mark.parametrize(("program", "plain"), OPS, ids=[p[0].splitlines()[0] for p in OPS])
def test_new_operations_give_torchs_values_and_grads(program: str, plain: Any) -> None:
    start = [-1.0, 2.0, 0.5, -0.25]
    s = Session(params={"x": start}, forward=program)
    s.forward()
    s.backward()
    x = torch.tensor(start, requires_grad=True)
    out = plain(x)
    out.backward()
    assert torch.equal(torch.tensor(s.output), out.detach())
    assert torch.equal(torch.tensor(s.grad("x")), x.grad)


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("y = 0 < x < 1", "chained comparisons"),
        ("y = x is x", "`is` and `in` are not allowed"),
        ("y = x in x", "`is` and `in` are not allowed"),
        ("y = torch.cat([])", "at least one tensor"),
        ("y = torch.cat([x.__class__])", "attributes starting with _"),
        ("y = torch.cat([open('f')])", "not a PyTorch function"),
        ("y = torch.where(x > 0, x, __import__('os'))", "not a PyTorch function"),
        ("y = x.sum([x, x])", "plain numbers only"),
    ],
)
def test_hostile_uses_of_the_new_operations_are_refused_at_parse(source: str, words: str) -> None:
    with pytest.raises(PlaygroundError, match=words):
        parse_program(source)


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("y = torch.cat([x" + ", x" * 150 + "])", "1,510,000 elements"),
        ("y = torch.stack([x" + ", x" * 150 + "])", "1,510,000 elements"),
        ("y = torch.cat([x, 3])", "every item of the list must be a tensor"),
        ("y = x.unsqueeze(1) > x", "100,000,000 elements"),
        ("y = torch.where(x.unsqueeze(1) > 0, x, x)", "elements"),
        ("y = torch.where(x > 0, x.unsqueeze(1), x)", "100,000,000 elements"),
        ("y = 1 < 2", "compares no tensor"),
    ],
)
def test_hostile_uses_of_the_new_operations_are_refused_at_run(source: str, words: str) -> None:
    program = parse_program(source)
    with pytest.raises(PlaygroundError, match=words) as info:
        program.run({"x": torch.ones(10_000)})
    assert info.value.line == 1


# ---------------------------------------------------------------------- CSV files
def test_a_csv_file_becomes_inputs_and_trains(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_text("x,y,label\n1.0,2.5,0\n2,4.5,1\n\n3.5,7.0,1\n", encoding="utf-8")
    inputs = load_csv(path, integer_columns=["label"])
    assert list(inputs) == ["x", "y", "label"]
    assert inputs["x"] == [1.0, 2.0, 3.5] and inputs["y"] == [2.5, 4.5, 7.0]
    assert inputs["label"] == "tensor([0, 1, 1], dtype=torch.long)"
    s = Session(params={"w": 0.0, "b": 0.0}, inputs={"x": inputs["x"], "y": inputs["y"]},
                forward="y_hat = w * x + b\nloss = F.mse_loss(y_hat, y)")
    s.iterate()
    w = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    F.mse_loss(w * torch.tensor([1.0, 2.0, 3.5]) + b, torch.tensor([2.5, 4.5, 7.0])).backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
        b -= 0.1 * b.grad
    assert s.value("w") == w.item() and s.value("b") == b.item()


def test_a_csv_without_a_header_gets_column_names() -> None:
    assert parse_csv("1,2\n3,4\n") == {"x1": [1.0, 3.0], "x2": [2.0, 4.0]}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", None, "no data"),
        ("x,y\n", 1, "header but no rows"),
        ("x,y\n1,2\n3\n", 3, "1 values, but there are 2 columns"),
        ("x,y\n1,2\n3,abc\n", 3, "column y: `abc` is not a finite number"),
        ("x,y\n1,2\n3,inf\n", 3, "not a finite number"),
        ("x,for\n1,2\n", 1, "cannot be used in the program"),
        ("x,1y\n1,2\n", 1, "cannot be used"),
        ("x,__class__\n1,2\n", 1, "cannot be used"),
        ("x,x\n1,2\n", 1, "appears twice"),
        ("x,y\n1,2\n\"3,4\n", 3, "values"),
        (",".join(f"c{i}" for i in range(11)) + "\n" + ",".join("1" * 11) + "\n", 1, "11 columns"),
        ("x\n" + "1\n" * 10_002, 10_002, "more than 10,000 rows"),
    ],
)
def test_bad_csv_text_names_the_line_at_fault(text: str, line: int | None, words: str) -> None:
    with pytest.raises(PlaygroundError, match=words) as info:
        parse_csv(text)
    assert info.value.line == line and info.value.field == "file"


def test_bad_csv_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PlaygroundError, match="Could not read"):
        load_csv(tmp_path / "missing.csv")
    big = tmp_path / "big.csv"
    big.write_bytes(b"x\n" + b"1\n" * (MAX_CSV_BYTES // 2 + 1))
    with pytest.raises(PlaygroundError, match="bytes"):
        load_csv(big)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("x,é\n1,2\n".encode("latin-1"))
    with pytest.raises(PlaygroundError, match="not UTF-8"):
        load_csv(latin)
    ints = tmp_path / "ints.csv"
    ints.write_text("x,label\n1,0\n2,0.5\n")
    with pytest.raises(PlaygroundError, match="line 3: column label") as info:
        load_csv(ints, integer_columns=["label"])
    assert info.value.line == 3
    with pytest.raises(PlaygroundError, match="no column 'z'"):
        load_csv(ints, integer_columns=["z"])


# ---------------------------------------------------------------------- evaluate
def test_evaluate_gives_the_prediction_on_new_inputs() -> None:
    s = Session(params={"w": 1.5, "b": -0.5}, inputs={"x": [1.0, 2.0], "y": [1.0, 2.0]},
                forward="y_hat = w * x + b\nloss = F.mse_loss(y_hat, y)")
    grid = s.evaluate("y_hat", {"x": "linspace(-2, 2, 9)"})
    assert grid == (1.5 * torch.linspace(-2, 2, 9) - 0.5).tolist()
    assert s.evaluate() == F.mse_loss(torch.tensor([1.0, 2.5]), torch.tensor([1.0, 2.0])).item()
    assert s.output is None and s.history == []
    with pytest.raises(PlaygroundError, match="not a name"):
        s.evaluate("nope")
    with pytest.raises(PlaygroundError, match="not an input"):
        s.evaluate("y_hat", {"z": [1.0]})
    with pytest.raises(PlaygroundError):
        s.evaluate("y_hat", {"x": "ones(100000)"})


# ----------------------------------------------------------------------- presets
def _line_fit(p: dict[str, torch.Tensor], i: dict[str, torch.Tensor]) -> torch.Tensor:
    return F.mse_loss(p["w"] * i["x"] + p["b"], i["y"])


def _logistic(p: dict[str, torch.Tensor], i: dict[str, torch.Tensor]) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(i["X"] @ p["w"] + p["b"], i["t"])


def _mlp(p: dict[str, torch.Tensor], i: dict[str, torch.Tensor]) -> torch.Tensor:
    h = torch.tanh(i["X"] @ p["W1"] + p["b1"])
    return F.binary_cross_entropy_with_logits(h @ p["W2"] + p["b2"], i["t"])


def _three(p: dict[str, torch.Tensor], i: dict[str, torch.Tensor]) -> torch.Tensor:
    return F.cross_entropy(i["X"] @ p["W"] + p["b"], i["t"])


def _mlp_params() -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    W1 = torch.randn(2, 8, generator=g)
    return {"W1": W1, "b1": torch.zeros(8), "W2": torch.randn(8, generator=g),
            "b2": torch.tensor(0.0)}


PRESETS = [
    ("Line fit: y = w·x + b (MSE, 20 points)", _line_fit,
     lambda: {"w": torch.tensor(0.0), "b": torch.tensor(0.0)}, {"lr": 0.1}),
    ("Logistic regression: two classes (BCE)", _logistic,
     lambda: {"w": torch.zeros(2), "b": torch.tensor(0.0)}, {"lr": 0.5}),
    ("Tiny MLP 2→8→1, tanh (XOR-like)", _mlp, _mlp_params, {"lr": 0.3, "momentum": 0.9}),
    ("Three classes: softmax + cross_entropy", _three,
     lambda: {"W": torch.zeros(2, 3), "b": torch.zeros(3)}, {"lr": 0.5}),
]


@pytest.mark.parametrize(("name", "model", "start", "sgd"), PRESETS, ids=[p[0] for p in PRESETS])
def test_each_data_preset_trains_like_plain_torch(name: str, model: Any, start: Any,
                                                  sgd: dict[str, float]) -> None:
    preset = _presets()[name]
    config = preset["config"]
    s = Session(**config)
    s.set_auto_zero_grad(True)
    for _ in range(25):
        s.iterate()
    params = {n: t.clone().requires_grad_() for n, t in start().items()}
    inputs = {n: _tensor(v) for n, v in config["inputs"].items() if v.startswith("[")}
    if name.startswith("Three"):
        inputs["t"] = torch.tensor([0] * 6 + [1] * 6 + [2] * 6)
    opt = torch.optim.SGD(list(params.values()), **sgd)
    first = model(params, inputs).item()
    for _ in range(25):
        model(params, inputs).backward()
        opt.step()
        opt.zero_grad()
    for n, t in params.items():
        assert torch.equal(torch.tensor(s.value(n)), t.detach()), n
    s.forward()
    assert s.output == model(params, inputs).item() < 0.8 * first  # it learns
    data = preset["data"]
    assert data["prediction"] in s.program.names and data["target"] in s.input_names
    assert all(x in s.input_names for x in data["inputs"])


def test_evaluate_takes_a_numpy_grid_fast_and_checks_it() -> None:
    import numpy as np

    s = Session(params={"w": [0.5, -1.0], "b": 0.25}, inputs={"X": [[1.0, 2.0]], "t": [1.0]},
                forward="z = X @ w + b\nloss = F.binary_cross_entropy_with_logits(z, t)")
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 150), np.linspace(-1, 1, 150)), -1).reshape(-1, 2)
    values = s.evaluate("z", {"X": grid})
    expected = torch.tensor(grid, dtype=torch.float32) @ torch.tensor([0.5, -1.0]) + 0.25
    assert values == expected.tolist()
    for bad in (np.full((3, 2), np.nan), np.zeros((500, 500)), np.array([["a", "b"]])):
        with pytest.raises(PlaygroundError):
            s.evaluate("z", {"X": bad})
