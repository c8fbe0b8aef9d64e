"""Reading a lesson file: TOML text in, checked plain data out.

Every refusal is a :class:`PlaygroundError` whose ``line`` points into the
lesson file. ``tomllib`` reports its own syntax errors as "(at line N, column
M)"; for a file that parses but means something wrong (an unknown action, a
bad value) the line is found by scanning the text, since ``tomllib`` keeps no
positions. See ``docs/lesson_format.md`` for the format itself.
"""

from __future__ import annotations

import difflib
import re
import copy
import tomllib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .errors import PlaygroundError
from .lesson_toml import unclosed_opener

if TYPE_CHECKING:
    from .session import Session

#: Largest lesson file accepted, in bytes: lessons are a few kB; this refuses junk early.
MAX_LESSON_BYTES = 200_000
#: Bounds that keep a headless play of a teacher's file short.
MAX_STEPS = 200
MAX_ACTIONS_PER_STEP = 100

#: Every action a step may run: the Session method and the keyword arguments it takes.
ACTIONS: dict[str, frozenset[str]] = {
    "forward": frozenset({"no_grad"}),
    "backward": frozenset({"gradient", "retain_graph", "of"}),
    "step": frozenset(),
    "zero_grad": frozenset({"set_to_none"}),
    "iterate": frozenset(),
    "set_requires_grad": frozenset({"name", "flag"}),
    "set_retain_grad": frozenset({"flag"}),
    "reset": frozenset(),
    "set_lr": frozenset({"value"}),
    "set_momentum": frozenset({"value"}),
}
_REQUIRED_ARGS = {"set_requires_grad": ("name", "flag"), "set_retain_grad": ("flag",),
                  "set_lr": ("value",), "set_momentum": ("value",)}
_BOOL_ARGS = frozenset({"no_grad", "retain_graph", "set_to_none", "flag"})

TOP_KEYS = frozenset({"lesson", "model", "step"})
LESSON_KEYS = frozenset({"title", "description", "tolerance"})
MODEL_KEYS = frozenset(
    {"params", "inputs", "forward", "lr", "momentum", "weight_decay", "seed", "update",
     "zero_grad_mode", "auto_zero_grad", "optimizer", "optimizer_options"}
)
STEP_KEYS = frozenset({"do", "say", "ask", "answer", "expect", "expect_error"})
#: What an expect key may read after ``<tensor>.``; the empty string means the value.
TENSOR_ATTRS = frozenset({"", "grad", "requires_grad", "grad_fn", "is_leaf", "shape"})
#: A param's optimizer state as torch keeps it, read as ``<param>.<key>`` (``w.exp_avg``).
OPTIMIZER_STATE_ATTRS = frozenset(
    {"momentum_buffer", "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step", "square_avg",
     "grad_avg", "sum"}
)
#: Expect keys that read the session rather than one tensor.
SESSION_KEYS = frozenset({"record.note", "record.action", "graph.freed", "optimizer.lr",
                          "optimizer.momentum"})
#: What ``trace.<i>.<field>`` reads of the last backward's node i (s.backward_trace()).
TRACE_FIELDS = {"label": str, "tensor": str, "grad_in": list, "grads_out": list,
                "old_grad": list, "new_grad": list}
_TRACE_KEY = re.compile(r"^trace\.(\d+)\.(\w+)$")
#: Written in an expect table where Python would say None (TOML has no null).
NONE = "None"

_TOML_AT = re.compile(r"\(at line (\d+)(?:, column \d+)?\)")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z_\"'][\w.\-\"' ]*?)\s*\]\]?\s*(?:#.*)?$")


def error(
    message: str, line: int | None, *, hint: str | None = None, field: str | None = None
) -> PlaygroundError:
    """A lesson-file error pointing at ``line`` (1-based, or None when unknown)."""
    return PlaygroundError(message, line=line, hint=hint, field=field)


#: Deepest bracket nesting and longest dotted key a lesson may use (real lessons use
#: 3 and 3); beyond them tomllib recurses (RecursionError) or slows down (seconds).
MAX_NESTING = 40
MAX_KEY_PARTS = 20
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_TOKENS = re.compile(
    rf"(?<![A-Za-z0-9_-])(?P<dotted>(?:{_KEY_PART}[ \t]*\.[ \t]*){{{MAX_KEY_PARTS},}})"
    r'|"""[\s\S]*?"""'
    r"|'''[\s\S]*?'''"
    r'|"(?:\\.|[^"\\\n])*"'
    r"|'[^'\n]*'"
    r"|\#[^\n]*"
    r"|(?P<open>[\[{])|(?P<close>[\]}])"
)


def check_shape(text: str) -> None:
    """Refuse, in one linear pass, nesting and dotted keys no lesson needs: they would
    make tomllib (and the walks after it) recurse too deep or take seconds."""
    depth = 0
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            if depth > MAX_NESTING:
                raise error(f"Brackets nest more than {MAX_NESTING} deep",
                            text.count("\n", 0, match.start()) + 1,
                            hint="A lesson needs a few levels: [[step]], arrays and { } tables.")
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "dotted":
            raise error(f"A dotted key has more than {MAX_KEY_PARTS} parts",
                        text.count("\n", 0, match.start()) + 1,
                        hint='Keys look like w.grad or "w.grad".')


def parse_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads`` with its error turned into a PlaygroundError carrying the line."""
    check_shape(text)
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise error("The lesson file nests too deeply", None) from None
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_AT.search(str(exc))
        at = int(found.group(1)) if found else None
        opened = unclosed_opener(text, at)
        if opened is not None and (at is None or opened[1] < at):
            # tomllib names the line where it gave up (often the next key): the teacher
            # wants the line where the bracket or the quotes were left open.
            what, line = opened
            last = at if at is not None else len(text.splitlines())
            raise error(
                f"The lesson file is not valid TOML: {exc}; the {what} opened on line {line} "
                "is never closed",
                line, hint=f"Close the {what} on line {line}"
                + (f" (or on a line after it, up to line {last})." if last > line else "."),
            ) from None
        raise error(
            f"The lesson file is not valid TOML: {exc}",
            at,
            hint="Check the quotes, brackets and `key = value` pairs on that line.",
        ) from None
    except (ValueError, OverflowError) as exc:  # an int of thousands of digits
        raise error(f"The lesson file holds a number PyTorch cannot use: {str(exc).split(';')[0]}",
                    None, hint="Write large numbers as floats, like 1e20.") from None


class Locator:
    """Finds the line of a table or key in the lesson text, for error messages.

    Each line is owned by the table whose header comes before it: ``"lesson"``,
    ``"model"`` (also ``[model.params]`` and the like), ``"step0"``, ``"step1"``...
    (each ``[[step]]`` with its ``[step.expect]`` sub-tables), or None.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.owner: list[str | None] = []
        self.headers: dict[str, int] = {}
        owner: str | None = None
        steps = -1
        for number, line in enumerate(self.lines, start=1):
            match = _HEADER.match(line)
            if match:
                path = [part.strip().strip("\"'") for part in match.group(2).split(".")]
                if match.group(1) == "[[" and path == ["step"]:
                    steps += 1
                    owner = f"step{steps}"
                elif path[0] == "step":
                    owner = f"step{steps}" if steps >= 0 else None
                else:
                    owner = path[0] if path[0] in ("lesson", "model") else None
                if owner is not None:
                    self.headers.setdefault(owner, number)
            self.owner.append(owner)

    def table_line(self, owner: str) -> int | None:
        """Line of the header that opens ``owner`` ("model", "step3", ...)."""
        return self.headers.get(owner)

    def find(self, pattern: str, owner: str | None) -> int | None:
        """First line owned by ``owner`` (any line if None) matching the regex ``pattern``."""
        regex = re.compile(pattern)
        for number, line in enumerate(self.lines, start=1):
            if (owner is None or self.owner[number - 1] == owner) and regex.search(line):
                return number
        return None

    def key_line(self, key: str, owner: str | None) -> int | None:
        """Line where ``key = ...`` is written (bare, quoted, dotted or in an inline table)."""
        quoted = re.escape(key)
        found = self.find(rf"(?:^|[\s{{,.])[\"']?{quoted}[\"']?\s*=", owner)
        if found is None and owner is not None:
            found = self.find(rf"^\s*\[\s*\[?\s*[\w.\"']*\b{quoted}[\"']?\s*\]", owner)
        return found if found is not None else self.table_line(owner) if owner else None

    def token_line(self, token: str, owner: str | None) -> int | None:
        """Line where the quoted string ``token`` appears, else the table's header."""
        found = self.find(rf"[\"']{re.escape(token)}[\"']", owner)
        return found if found is not None else self.table_line(owner) if owner else None

    def forward_line(self, program_line: int | None) -> int | None:
        """File line of a line of the forward program (1-based within the program)."""
        start = self.find(r"^\s*forward\s*=", "model")
        if start is None or program_line is None:
            return start
        after = self.lines[start - 1].split("=", 1)[1].strip()
        # A newline right after the opening triple quote is not part of the string.
        first = start + 1 if after in ('"""', "'''") else start
        return first + program_line - 1


def check_keys(
    table: dict[str, Any], allowed: Iterable[str], where: str, locate: Locator, owner: str | None
) -> None:
    """Refuse a key the format does not know, suggesting the closest known one."""
    known = sorted(allowed)
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            raise error(
                f"Unknown key `{key}` in {where}",
                locate.key_line(key, owner),
                hint=(f"Did you mean `{close[0]}`? " if close else "")
                + "Known keys: " + ", ".join(known) + ".",
            )


def text_value(table: dict[str, Any], key: str, where: str, locate: Locator, owner: str,
               *, required: bool = False) -> str | None:
    """A string field, stripped; None when absent and not required."""
    value = table.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise error(f"{where} needs `{key}` as non-empty text", locate.key_line(key, owner)
                    if key in table else locate.table_line(owner))
    return value.strip()


def parse_action(item: object, step: int, locate: Locator) -> tuple[str, dict[str, Any]]:
    """One entry of a step's ``do`` list: "forward" or {action = "backward", ...}."""
    owner = f"step{step}"
    where = f"step {step + 1}"
    if isinstance(item, str):
        action, kwargs = item, {}
    elif isinstance(item, dict):
        kwargs = dict(item)
        action = kwargs.pop("action", None)
        if not isinstance(action, str):
            raise error(f"{where}: an action table needs `action = \"...\"`",
                        locate.key_line("do", owner))
    else:
        raise error(f"{where}: each entry of `do` is an action name or a table",
                    locate.key_line("do", owner))
    if action not in ACTIONS:
        close = difflib.get_close_matches(action, list(ACTIONS), n=1)
        raise error(
            f"{where}: unknown action `{action}`",
            locate.token_line(action, owner),
            hint=(f"Did you mean `{close[0]}`? " if close else "")
            + "Actions: " + ", ".join(ACTIONS) + ".",
        )
    for arg in kwargs:
        if arg not in ACTIONS[action]:
            allowed = ", ".join(sorted(ACTIONS[action])) or "no arguments"
            raise error(f"{where}: `{action}` takes {allowed}, not `{arg}`",
                        locate.key_line(arg, owner))
    for arg in _REQUIRED_ARGS.get(action, ()):
        if arg not in kwargs:
            raise error(f"{where}: `{action}` needs `{arg}`", locate.token_line(action, owner))
    for arg, value in kwargs.items():
        if arg in _BOOL_ARGS and not isinstance(value, bool):
            raise error(f"{where}: `{arg}` must be true or false", locate.key_line(arg, owner))
    return action, kwargs


def flatten_expect(table: object, step: int, locate: Locator) -> dict[str, Any]:
    """``{x = {grad = [..]}}`` (what a bare dotted key becomes) -> ``{"x.grad": [..]}``."""
    if not isinstance(table, dict):
        raise error(f"step {step + 1}: `expect` must be a table like {{ \"w.grad\" = [3, 3] }}",
                    locate.key_line("expect", f"step{step}"))
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            for sub, inner in flatten_expect(value, step, locate).items():
                flat[f"{key}.{sub}"] = inner
        else:
            flat[key] = value
    return flat


def _is_numbers(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, list) and bool(value) and all(_is_numbers(v) for v in value)


def check_expect(key: str, value: object, names: Iterable[str], step: int, locate: Locator) -> None:
    """Refuse an expect key naming no tensor, or a value of the wrong kind for it."""
    owner = f"step{step}"
    head, _, attr = key.partition(".")
    line = locate.key_line(attr or head, owner)
    trace = _TRACE_KEY.match(key)
    if key in SESSION_KEYS:
        kind = {"graph.freed": bool, "optimizer.lr": list, "optimizer.momentum": list}.get(key, str)
    elif trace is not None and trace.group(2) in TRACE_FIELDS:
        kind = TRACE_FIELDS[trace.group(2)]
    elif head in set(names) and attr in TENSOR_ATTRS | OPTIMIZER_STATE_ATTRS:
        kind = {"requires_grad": bool, "is_leaf": bool, "grad_fn": str}.get(attr, list)
    else:
        raise error(
            f"step {step + 1}: cannot check `{key}`",
            line,
            hint="Use <tensor>, <tensor>.grad, .requires_grad, .grad_fn, .is_leaf or .shape, "
            "with a param, input or program name; <param>.exp_avg and other optimizer state; "
            "record.note, record.action, graph.freed, optimizer.lr, optimizer.momentum; or "
            "trace.<i>.label / .tensor / .grad_in / .grads_out / .old_grad / .new_grad.",
        )
    if kind is list:
        ok = _is_numbers(value) or (value == NONE and (
            attr in ("grad", "") or trace is not None)) or (
            trace is not None and trace.group(2) == "grads_out" and isinstance(value, list))
    else:
        ok = isinstance(value, kind)
    if not ok:
        wanted = {bool: "true or false", str: "text", list: "numbers"}[kind]
        raise error(f"step {step + 1}: `{key}` should be {wanted}, not {value!r}", line)


def table(data: dict[str, Any], key: str, locate: Locator) -> dict[str, Any]:
    """The top-level table ``[key]``, which must be there."""
    value = data.get(key)
    if not isinstance(value, dict):
        raise error(
            f"The lesson needs a [{key}] table",
            locate.key_line(key, None) if key in data else None,
            hint="See docs/lesson_format.md for an example file.",
        )
    return value


def model_config(model: dict[str, Any], locate: Locator) -> dict[str, Any]:
    """The [model] table as Session keyword arguments (a copy); values are checked later."""
    check_keys(model, MODEL_KEYS, "[model]", locate, "model")
    if "forward" not in model:
        raise error(
            "[model] has no `forward` program",
            locate.table_line("model"),
            field="forward",
            hint='Add forward = """ ... """ with lines like out = (w * x).sum()',
        )
    for key in ("params", "inputs"):
        if key in model and not isinstance(model[key], dict):
            raise error(f"`{key}` must be a table of name = value",
                        locate.key_line(key, "model"), field=key)
    return copy.deepcopy(model)


def step_fields(raw: object, k: int, locate: Locator, session: Session,
                names: list[str]) -> dict[str, Any]:
    """The checked fields of step ``k`` (0-based), as LessonStep's keyword arguments."""
    owner = f"step{k}"
    where = f"step {k + 1}"
    if not isinstance(raw, dict):
        raise error(f"{where} must be a table", locate.table_line(owner))
    check_keys(raw, STEP_KEYS, where, locate, owner)
    do = raw.get("do", [])
    if isinstance(do, (str, dict)):
        do = [do]
    if not isinstance(do, list) or len(do) > MAX_ACTIONS_PER_STEP:
        raise error(f"{where}: `do` must be a list of at most {MAX_ACTIONS_PER_STEP} actions",
                    locate.key_line("do", owner))
    actions = [parse_action(item, k, locate) for item in do]
    for action, kwargs in actions:
        check_action_values(action, kwargs, where, locate, owner, session)
    ask = text_value(raw, "ask", where, locate, owner)
    answer = text_value(raw, "answer", where, locate, owner)
    if answer is not None and ask is None:
        raise error(f"{where} has an `answer` but no `ask`", locate.key_line("answer", owner))
    expect = flatten_expect(raw.get("expect", {}), k, locate)
    for key, value in expect.items():
        check_expect(key, value, names, k, locate)
    return {
        "actions": actions,
        "say": text_value(raw, "say", where, locate, owner, required=True) or "",
        "ask": ask,
        "answer": answer,
        "expect": expect,
        "expect_error": text_value(raw, "expect_error", where, locate, owner),
        "line": locate.table_line(owner),
    }


def check_action_values(action: str, kwargs: dict[str, Any], where: str, locate: Locator,
                        owner: str, session: Session) -> None:
    """Refuse at load what the action would refuse later: a bad vector v, an unknown param."""
    if action in ("set_lr", "set_momentum") and (
            isinstance(kwargs["value"], bool) or not isinstance(kwargs["value"], (int, float))):
        raise error(f"{where}: `{action}` needs a number as `value`", locate.key_line("value", owner))
    if action == "set_requires_grad" and kwargs["name"] not in session.param_names:
        raise error(f"{where}: `{kwargs['name']}` is not a param of this model",
                    locate.key_line("name", owner),
                    hint="requires_grad can be switched for params: " + ", ".join(session.param_names))
    if action == "backward" and kwargs.get("gradient") is not None:
        from .values import parse_value  # torch is loaded by now: the session was built

        try:
            parse_value(kwargs["gradient"])
        except PlaygroundError as exc:
            raise error(f"{where}: the backward gradient: {exc.message}",
                        locate.key_line("gradient", owner), hint=exc.hint, field="gradient") from None
