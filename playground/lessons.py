"""Lessons: the five seed notebooks as guided, checkable walks through a Session.

A lesson is a TOML file (``docs/lesson_format.md``): a model (the Session's
arguments) and steps, each running a few Session actions, saying what just
happened, optionally asking the student to predict first, and stating the
values PyTorch should show. The built-in lessons live in
``resources/lessons/NN_name.toml``; a teacher can load a file of their own.

>>> from playground import list_lessons, load_lesson
>>> lesson = load_lesson(list_lessons()[0])
>>> session = lesson.play()          # every step, headless
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import lesson_file as lf
from .errors import PlaygroundError

if TYPE_CHECKING:
    from .session import Session

__all__ = ["Lesson", "LessonStep", "actual_value", "list_lessons", "load_lesson", "parse_lesson"]

#: Built-in lesson files are named like ``03_vector_jacobian_products.toml``.
_ORDERED_NAME = re.compile(r"^(\d+)_[\w\-]+$")
#: Absolute tolerance when a lesson does not set its own.
DEFAULT_TOLERANCE = 1e-4

Action = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class LessonStep:
    """One step: actions to run, then what to tell, ask and check.

    Attributes
    ----------
    actions:
        ``(method, kwargs)`` pairs run on the Session in order.
    say:
        Narration shown once the actions ran.
    ask, answer:
        Optional "predict, then reveal" question, and the text revealed after.
    expect:
        Keys like ``"w.grad"``, ``"out"``, ``"x.requires_grad"``, ``"record.note"``
        mapped to the value the session should show after this step
        (``"None"`` stands for None); see :func:`actual_value`.
    expect_error:
        Text PyTorch's (or the engine's) error must contain: the step is
        meant to fail, and the lesson goes on.
    line:
        Line of the step's ``[[step]]`` header in the file, if known.
    """

    actions: list[Action]
    say: str
    ask: str | None = None
    answer: str | None = None
    expect: dict[str, Any] = field(default_factory=dict)
    expect_error: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Lesson:
    """A parsed lesson: the model to build and the steps to walk through.

    Attributes
    ----------
    name:
        The file stem, e.g. ``"01_computing_gradients"``.
    title, description:
        Shown by the lesson panel.
    config:
        Keyword arguments for :class:`~playground.session.Session`.
    steps:
        The steps, in order.
    tolerance:
        Absolute tolerance for numeric ``expect`` values.
    """

    name: str
    title: str
    description: str
    config: dict[str, Any]
    steps: list[LessonStep]
    tolerance: float = DEFAULT_TOLERANCE

    def new_session(self) -> Session:
        """A fresh Session built from :attr:`config` (the config is copied, not shared)."""
        from .session import Session

        return Session(**copy.deepcopy(self.config))

    def run_step(self, session: Session, i: int) -> PlaygroundError | None:
        """Run step ``i``'s actions on ``session`` through its public methods.

        Returns
        -------
        PlaygroundError or None
            The error the step was meant to raise (``expect_error``), so a panel
            can show it; None for an ordinary step.

        Raises
        ------
        PlaygroundError
            When an action fails unexpectedly (the session is left as the
            failing method left it: unchanged), or when an expected error did
            not happen.
        """
        step = self.steps[i]
        try:
            for method, kwargs in step.actions:
                getattr(session, method)(**copy.deepcopy(kwargs))
        except PlaygroundError as exc:
            if step.expect_error is not None and error_matches(exc, step.expect_error):
                return exc
            raise
        if step.expect_error is not None:
            raise PlaygroundError(
                f"Step {i + 1} of {self.name} should have failed with "
                f"“{step.expect_error}”, but every action succeeded",
                line=step.line,
            )
        return None

    def check_step(self, session: Session, i: int) -> list[str]:
        """What in ``session`` differs from step ``i``'s ``expect``; empty when all match."""
        problems = []
        for key, expected in self.steps[i].expect.items():
            try:
                actual = actual_value(session, key)
            except LookupError as exc:
                problems.append(f"{key}: {exc.args[0]}")
                continue
            if not values_match(key, expected, actual, self.tolerance):
                problems.append(f"{key}: expected {expected!r}, got {actual!r}")
        return problems

    def play(self, *, check: bool = False) -> Session:
        """A new session with every step run headless, in order.

        With ``check=True`` each step's ``expect`` is verified as it goes and
        the first mismatch raises :class:`PlaygroundError` with the step's line.
        """
        session = self.new_session()
        for i, step in enumerate(self.steps):
            self.run_step(session, i)
            problems = self.check_step(session, i) if check else []
            if problems:
                raise PlaygroundError(
                    f"Step {i + 1} of {self.name}: " + "; ".join(problems), line=step.line
                )
        return session


# ----------------------------------------------------------------- reading state
def actual_value(session: Session, key: str) -> Any:
    """The value an ``expect`` key names, read from the session as plain Python.

    ``"<name>"`` is the tensor's value (float or nested list); ``"<name>.grad"``
    its grad (None when None); ``.requires_grad``, ``.is_leaf`` booleans;
    ``.grad_fn`` the class name or None; ``.shape`` a list. ``"record.note"``
    and ``"record.action"`` read the last history record, ``"graph.freed"``
    whether the last backward freed the graph.

    Raises
    ------
    LookupError
        The tensor does not exist yet (an intermediate before any forward).
    """
    head, _, attr = key.partition(".")
    if head == "record":
        return getattr(session.history[-1], attr) if session.history else None
    if key == "graph.freed":
        return session.graph_freed
    if head == "optimizer":
        return session.lr if attr == "lr" else session.momentum
    if head == "trace":
        index, _, field_name = attr.partition(".")
        nodes = session.backward_trace()
        if int(index) >= len(nodes):
            raise LookupError(f"the last backward ran {len(nodes)} nodes, so there is no node {index}")
        return getattr(nodes[int(index)], field_name)
    info = next((t for t in session.tensors() if t.name == head), None)
    if info is None:
        raise LookupError(f"`{head}` does not exist yet: run forward first")
    if attr in lf.OPTIMIZER_STATE_ATTRS:
        if attr not in info.optimizer_state:
            raise LookupError(f"{head} has no optimizer state `{attr}` (yet)")
        value = info.optimizer_state[attr]
        return value.tolist() if hasattr(value, "tolist") else value
    if attr == "":
        return info.value.tolist()
    if attr == "grad":
        return None if info.grad is None else info.grad.tolist()
    if attr == "shape":
        return list(info.shape)
    return getattr(info, attr)


def values_match(key: str, expected: Any, actual: Any, tolerance: float) -> bool:
    """Whether ``actual`` shows what ``expected`` says (numbers within ``tolerance``)."""
    if expected == lf.NONE:
        return actual is None
    if isinstance(expected, bool):
        return isinstance(actual, bool) and actual is expected
    if isinstance(expected, str):
        if key == "record.note":  # notes are sentences; a lesson names the gist
            return actual is not None and expected.lower() in str(actual).lower()
        return actual == expected
    return _numbers_close(expected, actual, tolerance)


def _numbers_close(expected: Any, actual: Any, tolerance: float) -> bool:
    if expected == lf.NONE:  # an entry of trace.<i>.grads_out: an input that needs no grad
        return actual is None
    if isinstance(expected, list) != isinstance(actual, list):
        return False
    if isinstance(expected, list):
        return len(expected) == len(actual) and all(
            _numbers_close(e, a, tolerance) for e, a in zip(expected, actual)
        )
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        return False
    return math.isclose(float(actual), float(expected), rel_tol=0.0, abs_tol=tolerance)


def error_matches(exc: PlaygroundError, text: str) -> bool:
    """Whether ``text`` occurs in the error's message or in PyTorch's own message."""
    wanted = text.lower()
    return any(wanted in (part or "").lower() for part in (exc.message, exc.torch_message))


# ------------------------------------------------------------------ finding files
def _builtin_dir() -> Traversable:
    # Read through importlib.resources so an installed wheel finds them too.
    return files("resources") / "lessons"


def list_lessons() -> list[str]:
    """Names of the built-in lessons in teaching order (by their number prefix)."""
    names = []
    for entry in _builtin_dir().iterdir():
        stem = entry.name.removesuffix(".toml")
        if entry.name.endswith(".toml") and _ORDERED_NAME.match(stem):
            names.append(stem)
    return sorted(names, key=lambda n: (int(n.split("_", 1)[0]), n))


def load_lesson(name_or_path: str | PathLike[str]) -> Lesson:
    """Load a built-in lesson by name, or a teacher's ``.toml`` file by path.

    Raises
    ------
    PlaygroundError
        No such lesson or file, a file over 200 kB, or a file that is not a
        valid lesson (``.line`` then points at the line at fault when known).
    """
    if isinstance(name_or_path, str) and name_or_path in list_lessons():
        data = (_builtin_dir() / f"{name_or_path}.toml").read_bytes()
        return parse_lesson(_decode(data), name=name_or_path)
    path = Path(name_or_path)
    if not path.is_file():
        raise PlaygroundError(
            f"No lesson called {str(name_or_path)!r}",
            hint="Built-in lessons: " + ", ".join(list_lessons()) + "; or give a .toml file's path.",
        )
    if path.stat().st_size > lf.MAX_LESSON_BYTES:
        raise _too_big()
    return parse_lesson(_decode(path.read_bytes()), name=path.stem)


def _too_big() -> PlaygroundError:
    return PlaygroundError(
        f"The lesson file is larger than {lf.MAX_LESSON_BYTES // 1000} kB",
        hint="A lesson is a few kB of text; is this the right file?",
    )


def _decode(data: bytes) -> str:
    if len(data) > lf.MAX_LESSON_BYTES:
        raise _too_big()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PlaygroundError("The lesson file is not UTF-8 text", line=line) from None


# ------------------------------------------------------------------------ parsing
def parse_lesson(text: str, name: str = "lesson") -> Lesson:
    """Parse and check lesson text; see ``docs/lesson_format.md``.

    The model is built once as a real Session, so anything the engine would
    refuse (a bad value spec, a forward line it does not allow, a name the
    program reads but nobody defines) is refused here, at the right line.
    """
    if len(text.encode("utf-8")) > lf.MAX_LESSON_BYTES:
        raise _too_big()
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
    data = lf.parse_toml(text)
    locate = lf.Locator(text)
    lf.check_keys(data, lf.TOP_KEYS, "the file", locate, None)
    head = lf.table(data, "lesson", locate)
    lf.check_keys(head, lf.LESSON_KEYS, "[lesson]", locate, "lesson")
    title = lf.text_value(head, "title", "[lesson]", locate, "lesson", required=True)
    description = lf.text_value(head, "description", "[lesson]", locate, "lesson") or ""
    tolerance = head.get("tolerance", DEFAULT_TOLERANCE)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 <= tolerance < 1:
        raise lf.error("`tolerance` must be a number from 0 to 1",
                       locate.key_line("tolerance", "lesson"))
    config = lf.model_config(lf.table(data, "model", locate), locate)
    session = _build_session(config, locate)
    raw_steps = data.get("step", [])
    if not isinstance(raw_steps, list) or not raw_steps:
        raise lf.error("The lesson has no steps", None, hint="Add at least one [[step]] table.")
    if len(raw_steps) > lf.MAX_STEPS:
        raise lf.error(f"A lesson has at most {lf.MAX_STEPS} steps",
                       locate.table_line(f"step{lf.MAX_STEPS}"))
    names = [*session.param_names, *session.input_names, *session.program.names]
    steps = [LessonStep(**lf.step_fields(raw, k, locate, session, names))
             for k, raw in enumerate(raw_steps)]
    return Lesson(name=name, title=title or name, description=description, config=config,
                  steps=steps, tolerance=float(tolerance))


def _build_session(config: dict[str, Any], locate: lf.Locator) -> Session:
    """Build the lesson's Session once; an engine refusal gets the file's line."""
    from .session import Session

    try:
        return Session(**copy.deepcopy(config))
    except PlaygroundError as exc:
        field_name = exc.field or ""
        message = re.sub(r"^line \d+: ", "", exc.message)
        if field_name == "forward":
            line = locate.forward_line(exc.line)
            where = f"forward, line {exc.line}" if exc.line else "forward"
        else:
            key = field_name.split(".", 1)[-1] if field_name else ""
            line = locate.key_line(key, "model") if key else locate.table_line("model")
            where = f"[model] {field_name}" if field_name else "[model]"
        raise PlaygroundError(f"{where}: {message}", field=exc.field, line=line, hint=exc.hint,
                              torch_message=exc.torch_message) from None


