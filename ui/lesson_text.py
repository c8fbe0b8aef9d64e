"""The Lesson tab's words: errors in a room's terms, the PyTorch an action runs, titles.

Pure functions (no widgets, no torch at import) used by :mod:`ui.lesson_view`.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any

from playground.errors import PlaygroundError
from ui.formatting import format_value
from ui.messages import describe


def first_sentence(text: str) -> str:
    """PyTorch's messages run on; the first sentence is what a room can read."""
    head, dot, rest = text.partition(". ")
    return head + "." if dot and rest else text


def error_text(exc: BaseException) -> tuple[str, str | None, str | None]:
    """(what happened with the line at fault, what PyTorch said, what to do)."""
    if isinstance(exc, PlaygroundError):
        named = exc.line is None or f"line {exc.line}" in exc.message.lower()
        what = exc.message if named else f"Line {exc.line}: {exc.message}"
        said = exc.torch_message
        if said and said in what:  # the message already quotes PyTorch: say it once
            said = None
        return what, said, exc.hint
    return describe(exc)


def rehearse(lesson: Any) -> None:
    """Run every step of ``lesson`` headless on a throwaway session: a step that fails
    raises here, naming it, before the running lesson and session are replaced."""
    trial = lesson.new_session()
    for i, step in enumerate(lesson.steps):
        try:
            lesson.run_step(trial, i)
        except PlaygroundError as exc:
            exc.message = f"Step {i + 1} of the lesson fails: {exc.message}"
            exc.args = (exc.message,)
            exc.line = exc.line or step.line
            raise


def _gradient_code(spec: Any) -> str:
    text = str(spec).strip()
    if isinstance(spec, (list, int, float)):
        from playground.script import values_literal  # torch: loaded with the lesson's session

        return values_literal(spec)
    return text if text.startswith("torch.") else f"torch.{text}"


def describe_action(method: str, kwargs: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """The PyTorch an action will run, written before running it (for questions and errors)."""
    forward = [ln.strip() for ln in str(config.get("forward", "")).splitlines() if ln.strip()]
    output = forward[-1].split("=", 1)[0].strip() if forward else "out"
    if method == "forward":
        no_grad = ["with torch.no_grad():", *("    " + ln for ln in forward)]
        return no_grad if kwargs.get("no_grad") else forward
    if method == "backward":
        args = [_gradient_code(kwargs["gradient"])] if "gradient" in kwargs else []
        args += ["retain_graph=True"] if kwargs.get("retain_graph") else []
        return [f"{kwargs.get('of', output)}.backward({', '.join(args)})"]
    if method == "step":
        if config.get("update") == "manual":
            return ["with torch.no_grad():",
                    *(f"    {p} -= lr * {p}.grad" for p in config.get("params", {}))]
        return ["optimizer.step()"]
    simple = {
        "zero_grad": f"optimizer.zero_grad(set_to_none={bool(kwargs.get('set_to_none', False))})",
        "iterate": "# one iteration: forward, backward, step",
        "set_requires_grad": f"{kwargs.get('name')}.requires_grad_({kwargs.get('flag')})",
        "set_retain_grad": "# intermediates call .retain_grad() from the next forward on",
        "reset": "# back to the initial values",
    }
    return [simple.get(method, f"# {method}")]


def lesson_title(name: str) -> str:
    """A built-in lesson's title, read from its TOML text (cheap: no Session, no torch)."""
    try:
        text = (files("resources") / "lessons" / f"{name}.toml").read_text(encoding="utf-8-sig")
        title = tomllib.loads(text).get("lesson", {}).get("title")
    except (OSError, tomllib.TOMLDecodeError, AttributeError):
        title = None  # a broken file is reported properly when it is started
    return title if isinstance(title, str) and title else name.replace("_", " ")


#: Keys a lesson may check that are the app's own state, not anything ``print`` shows:
#: the pane words them as the app's note, never under "PyTorch says".
APP_NOTE_KEYS = frozenset({"graph.freed", "record.note", "record.action"})


def printed_value(key: str, value: Any) -> str:
    """``value`` (read for ``key``) as the notebook's ``print`` shows it: a shape as
    torch's own ``torch.Size([5, 3])``, a tensor or number as ``print(tensor)``."""
    if key.endswith(".shape") and isinstance(value, list):
        from playground.printing import shape_text  # torch: loaded once a lesson runs

        return shape_text(value)
    if key.startswith("optimizer.") and isinstance(value, float):
        return str(value)  # print(optimizer.param_groups[0]["momentum"]): a Python float
    return format_value(value)


def app_note(key: str, value: Any) -> str:
    """The app's own words for a key of :data:`APP_NOTE_KEYS` (in brackets: not PyTorch's)."""
    if key == "graph.freed":
        return ("(graph freed: a second backward needs retain_graph=True)" if value
                else "(graph kept: retain_graph=True, so backward can run again)")
    if key == "record.note":
        return f"(the app's note: {value})" if value else "(no note from the app)"
    return f"(last action: {value})"


#: Keys of the app's trace of the last backward (``trace.<node>.<field>``, read by torch's
#: own node hooks): what no ``print`` shows, so the pane words them as the app's note.
TRACE_PREFIX = "trace."
#: The trace's fields in the order a node's note tells them, and their words.
TRACE_WORDS = (("grad_in", "received"), ("grads_out", "passed"), ("old_grad", "old .grad"),
               ("new_grad", "new .grad"))


def _traced(value: Any) -> str:
    return "None" if value is None else format_value(value, one_line=True)


def trace_note(index: int, fields: dict[str, Any]) -> str:
    """One backward node's note, e.g. "(backward node 2, MulBackward0: received [1., 1.,
    1.]; passed [3., 4., 5.] and [3., 4., 5.])": each number as torch prints it."""
    head = f"backward node {index}"
    if fields.get("label"):
        head += f", {fields['label']}"
    if fields.get("tensor"):
        head += f" for {fields['tensor']}"
    told = []
    for field, words in TRACE_WORDS:
        if field in fields:
            value = fields[field]
            text = (" and ".join(_traced(v) for v in value) or "nothing"
                    if field == "grads_out" and isinstance(value, list) else _traced(value))
            told.append(f"{words} {text}")
    return f"({head}" + (f": {'; '.join(told)}" if told else "") + ")"

