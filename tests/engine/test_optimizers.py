"""Every optimizer, checked bit for bit against the same torch.optim code written by hand."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from playground import PlaygroundError, Session
from playground.optimizers import OPTIMIZER_NAMES

W0 = [[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]]
B0 = [0.1, -0.2, 0.3]
X = [1.5, -2.0]
Y = [0.0, 1.0, 1.0]
FORWARD = "z = torch.matmul(x, w) + b\nloss = F.binary_cross_entropy_with_logits(z, y)"

# (session keywords, the torch.optim class and keywords a user would write for them)
CASES: list[tuple[dict[str, Any], type, dict[str, Any]]] = [
    (dict(optimizer="sgd", lr=0.1), torch.optim.SGD, dict(lr=0.1)),
    (dict(optimizer="sgd", lr=0.1, momentum=0.9, weight_decay=0.01,
          optimizer_options={"dampening": 0.1}),
     torch.optim.SGD, dict(lr=0.1, momentum=0.9, weight_decay=0.01, dampening=0.1)),
    (dict(optimizer="sgd", lr=0.05, momentum=0.8, optimizer_options={"nesterov": True}),
     torch.optim.SGD, dict(lr=0.05, momentum=0.8, nesterov=True)),
    (dict(optimizer="adam", lr=0.1), torch.optim.Adam, dict(lr=0.1)),
    (dict(optimizer="adam", lr=0.2, weight_decay=0.1,
          optimizer_options={"betas": [0.8, 0.99], "eps": 1e-6, "amsgrad": True}),
     torch.optim.Adam, dict(lr=0.2, weight_decay=0.1, betas=(0.8, 0.99), eps=1e-6, amsgrad=True)),
    (dict(optimizer="adamw", lr=0.1), torch.optim.AdamW, dict(lr=0.1, weight_decay=0.0)),
    (dict(optimizer="adamw", lr=0.1, weight_decay=0.01, optimizer_options={"betas": (0.5, 0.9)}),
     torch.optim.AdamW, dict(lr=0.1, weight_decay=0.01, betas=(0.5, 0.9))),
    (dict(optimizer="rmsprop", lr=0.01), torch.optim.RMSprop, dict(lr=0.01)),
    (dict(optimizer="rmsprop", lr=0.01, momentum=0.5,
          optimizer_options={"centered": True, "alpha": 0.9}),
     torch.optim.RMSprop, dict(lr=0.01, momentum=0.5, centered=True, alpha=0.9)),
    (dict(optimizer="adagrad", lr=0.5), torch.optim.Adagrad, dict(lr=0.5)),
    (dict(optimizer="adagrad", lr=0.5, weight_decay=0.1,
          optimizer_options={"lr_decay": 0.01, "initial_accumulator_value": 0.1}),
     torch.optim.Adagrad,
     dict(lr=0.5, weight_decay=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
]
IDS = [f"{c[0]['optimizer']}-{i}" for i, c in enumerate(CASES)]


def _session(kwargs: dict[str, Any]) -> Session:
    return Session(params={"w": W0, "b": B0}, inputs={"x": X, "y": Y}, forward=FORWARD, **kwargs)


def _drive(s: Session) -> None:
    for _ in range(3):
        s.iterate()
        s.zero_grad()
    s.forward()
    s.backward()
    s.step()


def _plain_torch(cls: type, kwargs: dict[str, Any]) -> tuple[dict[str, torch.Tensor], Any]:
    """The same run written as a user would, without the playground."""
    w = torch.tensor(W0, requires_grad=True)
    b = torch.tensor(B0, requires_grad=True)
    x, y = torch.tensor(X), torch.tensor(Y)
    opt = cls([w, b], **kwargs)

    def loss() -> torch.Tensor:
        return torch.nn.functional.binary_cross_entropy_with_logits(torch.matmul(x, w) + b, y)

    for _ in range(3):
        loss().backward()
        opt.step()
        opt.zero_grad(set_to_none=False)
    loss().backward()
    opt.step()
    return {"w": w, "b": b}, opt


def _same_state(session_state: dict[str, Any], torch_state: dict[str, Any]) -> None:
    assert set(session_state) == set(torch_state)
    for key, value in torch_state.items():
        if isinstance(value, torch.Tensor) and value.dim() > 0:
            assert torch.equal(torch.from_numpy(session_state[key]), value), key
        elif isinstance(value, torch.Tensor):
            assert session_state[key] == float(value), key
        else:
            assert session_state[key] == value, key


@pytest.mark.parametrize(("kwargs", "cls", "torch_kwargs"), CASES, ids=IDS)
def test_each_optimizer_matches_plain_torch_bit_for_bit(
    kwargs: dict[str, Any], cls: type, torch_kwargs: dict[str, Any]
) -> None:
    s = _session(kwargs)
    _drive(s)
    params, opt = _plain_torch(cls, torch_kwargs)
    for name, tensor in params.items():
        assert torch.equal(torch.tensor(s.value(name)), tensor.detach()), name
        assert torch.equal(torch.tensor(s.grad(name)), tensor.grad), name
        _same_state(s.optimizer_state(name), opt.state[tensor])
    table = {row.name: row for row in s.tensors()}
    assert set(table["w"].optimizer_state) == set(opt.state[params["w"]])
    assert table["x"].optimizer_state == {}


@pytest.mark.parametrize(("kwargs", "cls", "torch_kwargs"), CASES, ids=IDS)
def test_exported_script_builds_the_same_optimizer(
    kwargs: dict[str, Any], cls: type, torch_kwargs: dict[str, Any], tmp_path: Path
) -> None:
    s = _session(kwargs)
    _drive(s)
    path = tmp_path / "script.py"
    path.write_text(s.to_script())
    scope = runpy.run_path(str(path))
    assert type(scope["optimizer"]) is cls
    for name in s.param_names:
        assert torch.equal(scope[name].detach(), torch.tensor(s.value(name)))
        _same_state(s.optimizer_state(name), scope["optimizer"].state[scope[name]])


@pytest.mark.parametrize(("kwargs", "cls", "torch_kwargs"), CASES, ids=IDS)
def test_saved_session_keeps_optimizer_and_state(
    kwargs: dict[str, Any], cls: type, torch_kwargs: dict[str, Any], tmp_path: Path
) -> None:
    s = _session(kwargs)
    _drive(s)
    path = tmp_path / "run.json"
    s.save(path)
    t = Session.load(path)
    assert t.config == s.config
    for name in s.param_names:
        _same_state(t.optimizer_state(name), {
            k: torch.from_numpy(v) if isinstance(v, np.ndarray) else v
            for k, v in s.optimizer_state(name).items()
        })
    for session in (s, t):
        session.iterate()
    for name in s.param_names:
        assert t.value(name) == s.value(name)


def test_state_is_empty_before_a_step_and_for_the_manual_update() -> None:
    s = _session(dict(optimizer="adam"))
    assert s.optimizer_state("w") == {}
    s.iterate()
    assert set(s.optimizer_state("w")) == {"step", "exp_avg", "exp_avg_sq"}
    assert s.optimizer_state("w")["step"] == 1.0
    manual = _session(dict(update="manual"))
    manual.iterate()
    assert manual.optimizer_state("w") == {}
    with pytest.raises(PlaygroundError, match="not a param"):
        s.optimizer_state("x")


def test_names_are_the_documented_ones() -> None:
    assert OPTIMIZER_NAMES == ("sgd", "adam", "adamw", "rmsprop", "adagrad")
    assert _session(dict(optimizer="Adam")).config.optimizer == "adam"


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        (dict(optimizer="lbfgs"), "optimizer", "Unknown optimizer"),
        (dict(optimizer=3), "optimizer", "Unknown optimizer"),
        (dict(optimizer="adam", optimizer_options={"momentum": 0.9}), "optimizer_options",
         "its own box"),
        (dict(optimizer="adam", optimizer_options={"nesterov": True}), "optimizer_options",
         "no option 'nesterov'"),
        (dict(optimizer="adam", optimizer_options={"foreach": True}), "optimizer_options",
         "implementation switch"),
        (dict(optimizer="adam", optimizer_options={"betas": 0.9}), "optimizer_options", "pair"),
        (dict(optimizer="adam", optimizer_options={"betas": [0.9, 1.0]}), "optimizer_options",
         r"betas\[1\]"),
        (dict(optimizer="adam", optimizer_options={"betas": [0.9, "x"]}), "optimizer_options",
         "must be a number"),
        (dict(optimizer="adam", optimizer_options={"eps": float("nan")}), "optimizer_options",
         "eps"),
        (dict(optimizer="adam", optimizer_options={"amsgrad": 1}), "optimizer_options",
         "true or false"),
        (dict(optimizer="adam", optimizer_options=[1, 2]), "optimizer_options", "table"),
        (dict(optimizer="adam", momentum=0.9), "momentum", "betas"),
        (dict(optimizer="adagrad", momentum=0.9), "momentum", "Adagrad has no momentum"),
        (dict(optimizer="sgd", optimizer_options={"nesterov": True}), "optimizer_options",
         "Nesterov"),
        (dict(optimizer="adam", update="manual"), "optimizer", "manual update"),
    ],
)
def test_bad_optimizer_settings_are_refused_clearly(
    kwargs: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(PlaygroundError, match=words) as info:
        _session(kwargs)
    assert info.value.field == field


# ------------------------------------------------------------ lr and momentum mid-run
def _changes(s: Session, momentum: bool) -> None:
    s.iterate()
    s.zero_grad()
    s.set_lr(0.05)
    s.iterate()
    s.zero_grad()
    if momentum:
        s.set_momentum(0.5)
    s.iterate()
    s.set_lr(0.2)
    s.iterate()


def _plain_changes(cls: type, kwargs: dict[str, Any], momentum: bool) -> dict[str, torch.Tensor]:
    w = torch.tensor(W0, requires_grad=True)
    b = torch.tensor(B0, requires_grad=True)
    x, y = torch.tensor(X), torch.tensor(Y)
    opt = cls([w, b], **kwargs)

    def one() -> None:
        torch.nn.functional.binary_cross_entropy_with_logits(torch.matmul(x, w) + b, y).backward()
        opt.step()

    one()
    opt.zero_grad(set_to_none=False)
    opt.param_groups[0]["lr"] = 0.05
    one()
    opt.zero_grad(set_to_none=False)
    if momentum:
        opt.param_groups[0]["momentum"] = 0.5
    one()
    opt.param_groups[0]["lr"] = 0.2
    one()
    return {"w": w, "b": b}


@pytest.mark.parametrize(("kwargs", "cls", "torch_kwargs"), CASES, ids=IDS)
def test_lr_and_momentum_changes_match_plain_torch_and_replay(
    kwargs: dict[str, Any], cls: type, torch_kwargs: dict[str, Any], tmp_path: Path
) -> None:
    s = _session(kwargs)
    has_momentum = kwargs["optimizer"] in ("sgd", "rmsprop") and "momentum" in kwargs
    _changes(s, has_momentum)
    params = _plain_changes(cls, torch_kwargs, has_momentum)
    for name, tensor in params.items():
        assert torch.equal(torch.tensor(s.value(name)), tensor.detach()), name
    assert s.lr == 0.2 and s.momentum == (0.5 if has_momentum else kwargs.get("momentum", 0.0))
    assert [r.action for r in s.history].count("set_lr") == 2
    text = [c.text for c in s.code_lines()]
    assert 'optimizer.param_groups[0]["lr"] = 0.05' in text
    # the exported script and a saved session replay the changes exactly
    path = tmp_path / "script.py"
    path.write_text(s.to_script())
    scope = runpy.run_path(str(path))
    for name, tensor in params.items():
        assert torch.equal(scope[name].detach(), tensor.detach())
    s.save(tmp_path / "run.json")
    t = Session.load(tmp_path / "run.json")
    assert t.lr == s.lr and t.momentum == s.momentum
    assert [r.action for r in t.history] == [r.action for r in s.history]
    s.iterate()
    t.iterate()
    for name in s.param_names:
        assert t.value(name) == s.value(name)
    s.reset()
    assert s.lr == kwargs["lr"]


def test_manual_update_uses_the_changed_lr(tmp_path: Path) -> None:
    s = Session(params={"w": [1.0, -2.0]}, forward="out = (w * w).sum()", update="manual", lr=0.1)
    s.iterate()
    s.set_lr(0.25)
    s.iterate()
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    for lr in (0.1, 0.25):
        (w * w).sum().backward()
        with torch.no_grad():
            w -= lr * w.grad
    assert torch.equal(torch.tensor(s.value("w")), w.detach())
    assert "    w -= 0.25 * w.grad" in s.to_script()
    path = tmp_path / "script.py"
    path.write_text(s.to_script())
    assert torch.equal(runpy.run_path(str(path))["w"].detach(), w.detach())


@pytest.mark.parametrize(
    ("kwargs", "call", "value", "words"),
    [
        (dict(optimizer="adam"), "set_momentum", 0.9, r"betas\[0\]"),
        (dict(optimizer="adamw"), "set_momentum", 0.9, "betas"),
        (dict(optimizer="adagrad"), "set_momentum", 0.9, "Adagrad has no momentum"),
        (dict(update="manual"), "set_momentum", 0.9, "no momentum"),
        (dict(optimizer="sgd", momentum=0.9, optimizer_options={"nesterov": True}),
         "set_momentum", 0.0, "Nesterov"),
        (dict(optimizer="sgd"), "set_lr", -0.1, "finite number"),
        (dict(optimizer="sgd"), "set_lr", float("inf"), "finite number"),
        (dict(optimizer="sgd"), "set_lr", "0.1", "finite number"),
        (dict(optimizer="sgd"), "set_momentum", True, "finite number"),
    ],
)
def test_meaningless_changes_are_refused_and_change_nothing(
    kwargs: dict[str, Any], call: str, value: Any, words: str
) -> None:
    s = _session(kwargs)
    s.iterate()
    before = (s.lr, s.momentum, len(s.history), s.to_script())
    with pytest.raises(PlaygroundError, match=words):
        getattr(s, call)(value)
    assert (s.lr, s.momentum, len(s.history), s.to_script()) == before


def test_rmsprop_refuses_a_first_momentum_after_stepping_without_one() -> None:
    s = _session(dict(optimizer="rmsprop", lr=0.01))
    s.set_momentum(0.5)  # before the first step: torch makes the buffer at that step
    s.iterate()
    assert "momentum_buffer" in s.optimizer_state("w")
    t = _session(dict(optimizer="rmsprop", lr=0.01))
    t.iterate()
    with pytest.raises(PlaygroundError, match="first step"):
        t.set_momentum(0.5)


@pytest.mark.parametrize("every", [256, 2])
@pytest.mark.parametrize("update", ["optimizer", "manual"])
def test_goto_and_undo_bring_the_lr_of_that_moment_back(
    update: str, every: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("playground.time_travel.CHECKPOINT_EVERY", every)  # 2: from checkpoints
    kwargs: dict[str, Any] = dict(optimizer="sgd", lr=0.1, update=update)
    if update == "optimizer":
        kwargs.update(optimizer="adam")
    s = _session(kwargs)
    for _ in range(3):
        s.iterate()
    before_change = s.position
    values = {n: s.value(n) for n in s.param_names}
    s.set_lr(0.01)
    for _ in range(3):
        s.iterate()
    end = s.position
    end_values = {n: s.value(n) for n in s.param_names}
    s.goto(before_change)
    assert s.lr == 0.1 and {n: s.value(n) for n in s.param_names} == values
    s.goto(end)
    assert s.lr == 0.01 and {n: s.value(n) for n in s.param_names} == end_values
    s.goto(before_change)
    s.iterate()  # branching from the past runs with that moment's lr
    t = _session(kwargs)
    for _ in range(4):
        t.iterate()
    assert {n: s.value(n) for n in s.param_names} == {n: t.value(n) for n in t.param_names}


@pytest.mark.parametrize(
    "config",
    [{"optimizer": {"name": "adam"}}, {"optimizer": "adam", "optimizer_options": {"betas": [1, 2, 3]}},
     {"optimizer": "adam", "optimizer_options": "fast"}, {"optimizer": "sgd", "momentum": 0.5,
                                                         "optimizer_options": {"nesterov": "yes"}}],
)
def test_a_saved_file_with_a_bad_optimizer_is_refused(config: dict[str, Any], tmp_path: Path) -> None:
    import json

    path = tmp_path / "bad.json"
    path.write_text(json.dumps({
        "format": "training-loop-playground/session", "version": 1,
        "config": {"params": {"w": 1.0}, "forward": "out = w * 2", **config}, "log": []}))
    with pytest.raises(PlaygroundError, match="Unknown optimizer|pair|table|true or false"):
        Session.load(path)
