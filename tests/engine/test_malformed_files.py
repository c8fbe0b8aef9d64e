"""Malformed session and lesson files: each a PlaygroundError, the running session untouched.

Issue 7's "bad files" list, plus the usual suspects: truncated, wrong types,
huge, non-UTF-8, hostile programs and arguments inside. A running session is
compared before and after every refused load: values, grads, history, log.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from playground import PlaygroundError, Session, load_lesson
from playground import persist

ROOT = Path(__file__).resolve().parents[2]
GOOD_CONFIG = {"params": {"w": [1.0, 2.0]}, "inputs": {"x": [3.0, 4.0]},
               "forward": "out = (w * x).sum()"}
ITERATION = {"calls": [["forward", {"no_grad": False}],
                       ["backward", {"gradient": None, "retain_graph": False}], ["step", {}]],
             "count": 3, "iteration": True}


def session_file(**overrides: Any) -> str:
    data: dict[str, Any] = {"format": persist.FORMAT, "version": 2, "config": dict(GOOD_CONFIG),
                            "log": [ITERATION]}
    data.update(overrides)
    return json.dumps(data)


def with_config(**changes: Any) -> str:
    return session_file(config={**GOOD_CONFIG, **changes})


def with_log(*entries: Any) -> str:
    return session_file(log=list(entries))


def _call(action: str, **kwargs: Any) -> dict[str, Any]:
    return {"calls": [[action, kwargs]], "count": 1, "iteration": False}


BAD_SESSION_TEXTS: dict[str, str | bytes] = {
    "empty": "",
    "not json": "hello",
    "arrays 100,000 deep": "[" * 100_000 + "]" * 100_000,
    "objects 100,000 deep": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "10 MB of brackets": "[" * 10_000_000,
    "nesting inside the config": session_file(config={"params": {"w": "[" * 5000}}),
    "5,000-digit int lr": with_config().replace('"forward"', '"lr": ' + "9" * 5000 + ', "forward"'),
    "5,000-digit count": session_file().replace('"count": 3', '"count": ' + "1" * 5000),
    "top level a list": "[1, 2, 3]",
    "no format": json.dumps({"version": 2, "config": GOOD_CONFIG, "log": []}),
    "version true": session_file(version=True),
    "version 99": session_file(version=99),
    "version as text": session_file(version="2"),
    "config missing": session_file(config=None),
    "config a list": session_file(config=[1, 2]),
    "params as a string": with_config(params="w"),
    "params as a list": with_config(params=[["w", 1.0]]),
    "params empty": with_config(params={}),
    "inputs as a number": with_config(inputs=3),
    "history_limit text": with_config(history_limit="text"),
    "history_limit NaN": with_config().replace('"forward"', '"history_limit": NaN, "forward"'),
    "history_limit Infinity": with_config().replace('"forward"', '"history_limit": Infinity, "forward"'),
    "history_limit huge": with_config(history_limit=10**30),
    "lr NaN": with_config().replace('"forward"', '"lr": NaN, "forward"'),
    "lr text": with_config(lr="0.1"),
    "lr bool": with_config(lr=True),
    "seed float": with_config(seed=1.5),
    "unknown config key": with_config(optimiser="adam"),
    "update unknown": with_config(update="sgd"),
    "forward a list": with_config(forward=["out = w"]),
    "param value a dict": with_config(params={"w": {"float": "oops"}}),
    "param of a million elements": with_config(params={"w": "ones(1000, 1000)"}),
    "param name a dunder": with_config(params={"__class__": 1.0}, forward="out = __class__ * 2"),
    "hostile import": with_config(forward="out = __import__('os').system('echo hacked')"),
    "hostile open": with_config(forward="out = open('/etc/passwd')"),
    "hostile lambda": with_config(forward="out = (lambda: w)()"),
    "hostile attribute walk": with_config(forward="out = w.__class__.__mro__"),
    "hostile exponent": with_config(forward="out = w ** 10 ** 10 ** 10"),
    "log a string": session_file(log="forward"),
    "log entry a list": with_log(["forward"]),
    "unknown action __init__": with_log(_call("__init__")),
    "action save": with_log(_call("save", path="/tmp/x.json")),
    "action reset": with_log(_call("reset")),
    "calls not a list": with_log({"calls": "forward", "count": 1}),
    "call of three": with_log({"calls": [["forward", {}, 1]], "count": 1}),
    "kwargs a list": with_log({"calls": [["forward", [1]]], "count": 1}),
    "unknown kwarg": with_log(_call("forward", path="x")),
    "flag as text": with_log(_call("forward", no_grad="yes")),
    "count 10,000,000": with_log({**ITERATION, "count": 10_000_000}),
    "count zero": with_log({**ITERATION, "count": 0}),
    "count negative": with_log({**ITERATION, "count": -5}),
    "count text": with_log({**ITERATION, "count": "3"}),
    "count bool": with_log({**ITERATION, "count": True}),
    "count float": with_log({**ITERATION, "count": 3.0}),
    "no calls": with_log({"calls": [], "count": 1}),
    "backward before forward": with_log(_call("backward")),
    "backward of a dunder": with_log(_call("forward", no_grad=False), _call("backward", of="__class__")),
    "gradient of a million": with_log(_call("forward", no_grad=False),
                                      _call("backward", gradient="ones(1000, 1000)")),
    "gradient hostile text": with_log(_call("forward", no_grad=False),
                                      _call("backward", gradient="__import__('os')")),
    "requires_grad of an input": with_log(_call("set_requires_grad", name="x", flag=False)),
    "many entries, each cheap, too many in all": with_log(*[{**ITERATION, "count": 1_000_000}] * 2),
    "non-UTF-8": b'{"format": "training-loop-playground/session", "version": 2, "config": \xff\xfe}',
    "UTF-16": session_file().encode("utf-16"),
}


def _state(session: Session) -> tuple[Any, ...]:
    values = {n: session.value(n) for n in session.param_names}
    grads = {n: session.grad(n) for n in session.param_names}
    history = [(r.index, r.action, r.note) for r in session.history]
    log = [(e.calls, e.count, e.iteration) for e in session.log.entries]
    return values, grads, history, log, session.output, session.graph_freed


@pytest.fixture(scope="module")
def running() -> Session:
    """A session that is running while the bad files are opened."""
    s = Session(**GOOD_CONFIG)
    s.iterate()
    s.forward()
    s.backward(retain_graph=True)
    return s


@pytest.mark.parametrize("name", list(BAD_SESSION_TEXTS))
def test_bad_session_file_is_refused_and_the_running_session_untouched(
        name: str, running: Session, tmp_path: Path) -> None:
    text = BAD_SESSION_TEXTS[name]
    path = tmp_path / "bad.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    before = _state(running)
    with pytest.raises(PlaygroundError) as caught:
        Session.load(path)
    assert caught.value.message and str(caught.value)
    assert _state(running) == before
    running.backward()  # and it still works: its retained graph is intact
    running.forward()
    running.backward(retain_graph=True)


def test_truncated_session_files_are_refused(running: Session, tmp_path: Path) -> None:
    saved = tmp_path / "good.json"
    s = Session(**GOOD_CONFIG)
    for _ in range(3):
        s.iterate()
    s.forward()
    s.save(saved)
    text = saved.read_text()
    path = tmp_path / "cut.json"
    before = _state(running)
    for cut in range(0, len(text) - 1, max(1, len(text) // 60)):
        path.write_text(text[:cut])
        with pytest.raises(PlaygroundError):
            Session.load(path)
    assert _state(running) == before
    assert Session.load(saved).value("w") == s.value("w")


def test_missing_file_directory_and_huge_file(tmp_path: Path) -> None:
    with pytest.raises(PlaygroundError):
        Session.load(tmp_path / "nothing.json")
    with pytest.raises(PlaygroundError):
        Session.load(tmp_path)
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:  # sparse: no 60 MB written to disk
        handle.truncate(60_000_000)
    with pytest.raises(PlaygroundError, match="50 MB"):
        Session.load(huge)


def test_version_1_files_with_history_still_open(tmp_path: Path) -> None:
    s = Session(**GOOD_CONFIG)
    s.iterate()
    s.forward()
    data = persist.session_json(s, history=True)
    data["version"] = 1
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(data))
    t = Session.load(path)
    assert t.value("w") == s.value("w") and t.output == s.output
    assert [r.action for r in t.history] == [r.action for r in s.history]


def test_sliced_load_equals_a_whole_load(tmp_path: Path) -> None:
    s = Session(**GOOD_CONFIG, auto_zero_grad=True)
    for _ in range(25):
        s.iterate()
    s.forward()
    s.backward(retain_graph=True)
    path = tmp_path / "run.json"
    s.save(path)
    load = persist.begin_load(path)
    assert load.total_actions == 25 * 4 + 2 and load.done_actions == 0
    seen = []
    while not load.advance(7):
        seen.append(load.done_actions)
    assert seen == sorted(seen) and all(0 < b - a <= 8 for a, b in zip([0, *seen], seen))
    t = load.session
    assert t.value("w") == s.value("w") and t.grad("w") == s.grad("w")
    assert t.to_script() == s.to_script()


# ------------------------------------------------------------------------ lessons
LESSON_HEAD = """[lesson]
title = "t"
[model]
forward = "out = (w * 3).sum()"
params = { w = "ones(2)" }
"""
BAD_LESSON_TEXTS: dict[str, str | bytes] = {
    "dotted key of 5,000 parts": LESSON_HEAD + '[[step]]\nsay = "s"\nexpect = { '
    + ".".join(["a"] * 5000) + " = 1 }\n",
    "dotted top-level key of 5,000 parts": ".".join(["a"] * 5000) + " = 1\n" + LESSON_HEAD,
    "50,000 nested arrays": LESSON_HEAD + '[[step]]\nsay = "s"\nexpect = { w = '
    + "[" * 50_000 + "]" * 50_000 + " }\n",
    "50,000 nested inline tables": LESSON_HEAD + "x = " + "{a = " * 50_000 + "1" + "}" * 50_000,
    "5,000-digit lr": LESSON_HEAD.replace("[model]\n", "[model]\nlr = " + "1" * 5000 + "\n")
    + '[[step]]\nsay = "s"\n',
    "lr 1e400": LESSON_HEAD.replace("[model]\n", "[model]\nlr = 1e400\n") + '[[step]]\nsay = "s"\n',
    "params as a string": LESSON_HEAD.replace('params = { w = "ones(2)" }', 'params = "w"')
    + '[[step]]\nsay = "s"\n',
    "hostile forward": LESSON_HEAD.replace('"out = (w * 3).sum()"', '"out = __import__(\'os\')"')
    + '[[step]]\nsay = "s"\n',
    "hostile gradient": LESSON_HEAD + '[[step]]\nsay = "s"\ndo = ["forward", '
    '{ action = "backward", gradient = "open(\'/etc/passwd\')" }]\n',
    "non-UTF-8": (LESSON_HEAD + '[[step]]\nsay = "caf\xe9"\n').encode("latin-1"),
    "over 200 kB": LESSON_HEAD + '[[step]]\nsay = "' + "x" * 210_000 + '"\n',
    "no steps": LESSON_HEAD,
}


@pytest.mark.parametrize("name", list(BAD_LESSON_TEXTS))
def test_bad_lesson_file_is_a_playground_error(name: str, running: Session, tmp_path: Path) -> None:
    text = BAD_LESSON_TEXTS[name]
    path = tmp_path / "bad.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    before = _state(running)
    with pytest.raises(PlaygroundError):
        load_lesson(str(path))
    assert _state(running) == before


def test_truncated_builtin_lesson_files_are_refused_or_load(tmp_path: Path) -> None:
    """Cut a real lesson anywhere: it loads (a shorter lesson) or is a PlaygroundError."""
    text = (ROOT / "resources" / "lessons" / "06_accumulation_manual_sgd.toml").read_text()
    path = tmp_path / "cut.toml"
    refused = 0
    for cut in range(0, len(text), max(1, len(text) // 40)):
        path.write_text(text[:cut], encoding="utf-8")
        try:
            load_lesson(str(path))
        except PlaygroundError:
            refused += 1
    assert refused > 0


def test_the_example_in_docs_lesson_format_loads_and_its_expectations_hold(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "lesson_format.md").read_text(encoding="utf-8")
    example = re.search(r"## An example\n\n```toml\n(.*?)```", doc, re.S)
    assert example is not None
    path = tmp_path / "example.toml"
    path.write_text(example.group(1), encoding="utf-8")
    lesson = load_lesson(str(path))
    session = lesson.play(check=True)  # every expect of the example holds
    assert session.grad("weights") is None and len(lesson.steps) == 2


def _iterations_file(path: Path, elements: int, count: int) -> Path:
    """A session of one ``elements``-number param whose log asks ``count`` iterations."""
    data = {"format": persist.FORMAT, "version": 2,
            "config": {"params": {"w": f"ones({elements})"}, "inputs": {},
                       "forward": "out = (w * w).sum()"},
            "log": [{"calls": [["forward", {"no_grad": False}],
                               ["backward", {"gradient": None, "retain_graph": False}],
                               ["step", {}]], "count": count, "iteration": True}]}
    path.write_text(json.dumps(data))
    return path


def test_a_replay_too_big_for_memory_is_refused_before_it_starts(tmp_path: Path) -> None:
    """s6 item 9: 10,000 numbers x 3,000,000 actions grew 80 kB an action until numpy's
    raw "Unable to allocate 2.44 GiB". Now: refused up front, saying what and how big."""
    path = _iterations_file(tmp_path / "huge.json", 10_000, 1_000_000)
    with pytest.raises(PlaygroundError) as caught:
        persist.begin_load(path)  # before the fix this returned, and finish() ran for minutes
    message = caught.value.message
    assert "too big" in message and "3,000,000 recorded actions" in message
    assert "10,001 numbers" in message and "240.1 GB" in message  # (10,000 + 1) x 8 x 3e6
    assert "shorter run" in caught.value.hint


def test_the_history_budget_is_bytes_per_record_times_records(tmp_path: Path) -> None:
    """Just under the budget opens (not replayed here), just over is refused. A record
    costs 8 bytes per param and output number (float32 value + grad; measured below)."""
    per_record = 8 * (1_000 + 1) + persist._RECORD_OVERHEAD
    fits = persist.MAX_REPLAY_HISTORY_BYTES // per_record // 3
    load = persist.begin_load(_iterations_file(tmp_path / "fits.json", 1_000, fits))
    assert load.total_actions == 3 * fits
    with pytest.raises(PlaygroundError, match="too big"):
        persist.begin_load(_iterations_file(tmp_path / "over.json", 1_000, fits + 1))


def test_the_history_really_costs_8_bytes_a_number_a_record() -> None:
    """The figure the budget is built on, read from the run's own arrays."""
    s = Session(params={"w": "ones(1000)"}, forward="out = (w * w).sum()")
    s.iterate()  # fills rows already allocated (1,024 at first), the output's column too
    per_row = s._store.nbytes() / 1024
    assert 8 * 1000 <= per_row <= 8 * (1000 + 1) + persist._RECORD_OVERHEAD


def test_memory_running_out_during_a_load_is_a_clear_error(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    running = Session(params={"w": [1.0, 2.0]}, forward="out = (w * w).sum()")
    running.iterate()
    state = (running.value("w"), running.grad("w"), running.position)
    path = _iterations_file(tmp_path / "run.json", 3, 50)
    calls = []

    def step(self: Session) -> None:
        calls.append(1)
        if len(calls) == 20:  # what numpy raises when a column cannot double
            raise MemoryError("Unable to allocate 2.44 GiB for an array with shape (65536, 10000)")
        return original(self)

    original = Session.step
    monkeypatch.setattr(Session, "step", step)
    with pytest.raises(PlaygroundError) as caught:
        Session.load(path)
    # 19 whole iterations replayed: the 20th starts at action 58
    assert "too big to open: memory ran out at action 58 of 150" in caught.value.message
    assert "Unable to allocate" not in str(caught.value)
    monkeypatch.setattr(persist, "build_session", lambda config: (_ for _ in ()).throw(
        MemoryError("Unable to allocate")))
    with pytest.raises(PlaygroundError, match="too big to open: its model does not fit"):
        Session.load(path)
    assert (running.value("w"), running.grad("w"), running.position) == state
