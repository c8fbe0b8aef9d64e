"""The PyTorch code that mirrors every press, and the runnable script built from it.

Pure functions returning strings: the session asks for each action's lines at
the moment it runs (when it knows, say, which params have a .grad), and keeps
them in an :class:`ActionLog`. Repeated Iterate presses fold into one
``for epoch in range(n):`` loop, so a long auto-run keeps a short log and the
exported script reads like the notebooks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .action_log import ActionLog, LogEntry  # noqa: F401 - re-exported (moved there)
from .optimizers import optimizer_line
from .values import spec_is_random, value_code

if TYPE_CHECKING:
    import torch

    from .config import SessionConfig
    from .program import Program

INDENT = "    "


@dataclass(frozen=True)
class CodeLine:
    """A line for the code panel; record_index is None for set-up lines."""

    text: str
    record_index: int | None


def number(value: float) -> str:
    """The shortest text that reads back as the same float32 (``float("inf")`` and
    ``float("nan")`` for the non-finite ones: Python has no bare inf or nan)."""
    if np.isnan(value):
        return 'float("nan")'
    if np.isinf(value):
        return 'float("inf")' if value > 0 else '-float("inf")'
    text = np.format_float_positional(np.float32(value), unique=True, trim="-")
    if "." not in text and "e" not in text and "inf" not in text and "nan" not in text:
        text += ".0"
    return text


def tensor_literal(tensor: torch.Tensor) -> str:
    """``torch.tensor([...])`` that rebuilds ``tensor`` exactly (float32)."""
    return values_literal(tensor.detach().tolist())


def values_literal(values: Any) -> str:
    """``torch.tensor([1.0, 10.0, 100.0])`` for nested lists of numbers (or one number), as
    plain torch code writes it; a lesson's preview of ``backward(v)`` uses it too, so the
    line before running and the line that ran read the same (u1 trial #19)."""

    def nested(values: Any) -> str:
        if isinstance(values, list):
            return "[" + ", ".join(nested(v) for v in values) + "]"
        return number(values)

    return f"torch.tensor({nested(values)})"


def with_requires_grad(code: str) -> str:
    """``torch.ones(4)`` -> ``torch.ones(4, requires_grad=True)``."""
    if code.endswith(")") and code.startswith("torch.") and not code.endswith("()"):
        return code[:-1] + ", requires_grad=True)"
    return f"({code}).requires_grad_()"


def setup_lines(config: SessionConfig) -> list[str]:
    """Imports, tensors (params with requires_grad=True) and the optimizer."""
    lines = ["import torch", "import torch.nn.functional as F", ""]
    specs = [*config.params.values(), *config.inputs.values()]
    if any(spec_is_random(s) for s in specs):
        lines.append(f"g = torch.Generator().manual_seed({config.seed})")
    for name, spec in config.params.items():
        lines.append(f"{name} = {with_requires_grad(value_code(spec, generator_name='g'))}")
    for name, spec in config.inputs.items():
        lines.append(f"{name} = {value_code(spec, generator_name='g')}")
    if config.update == "optimizer":
        lines.append(optimizer_line(
            config.optimizer, list(config.params), lr=config.lr, momentum=config.momentum,
            weight_decay=config.weight_decay, options=config.optimizer_options,
        ))
    return lines


def setting_lines(key: str, value: float, *, manual: bool) -> list[str]:
    """A mid-run change of lr or momentum, as the code a user would write."""
    if manual:  # the manual update writes lr as a literal in each step's code
        return [f"# lr is {value!r} from here on"]
    return [f'optimizer.param_groups[0]["{key}"] = {value!r}']


def forward_lines(program: Program, *, no_grad: bool, retained: list[str]) -> list[str]:
    body = [line.source.strip() for line in program.lines]
    if no_grad:
        body = ["with torch.no_grad():", *(INDENT + b for b in body)]
    body += [f"{name}.retain_grad()" for name in retained]
    return [*body, f"print({program.output_name})"]


def backward_lines(
    output: str, vector: torch.Tensor | None, retain: bool, params: list[str], spec: Any = None
) -> list[str]:
    args = []
    if vector is not None:
        if isinstance(spec, str) and not spec_is_random(spec):
            args.append(value_code(spec))
        else:
            args.append(tensor_literal(vector))
    if retain:
        args.append("retain_graph=True")
    return [f"{output}.backward({', '.join(args)})", *(f"print({n}.grad)" for n in params)]


def manual_step_lines(updated: list[str], lr: float) -> list[str]:
    body = [f"{INDENT}{n} -= {lr!r} * {n}.grad" for n in updated]
    return ["with torch.no_grad():", *body, *(f"print({n})" for n in updated)]


def optimizer_step_lines(params: list[str]) -> list[str]:
    return ["optimizer.step()", *(f"print({n})" for n in params)]


def optimizer_zero_lines(to_none: bool, params: list[str]) -> list[str]:
    call = "optimizer.zero_grad()" if to_none else "optimizer.zero_grad(set_to_none=False)"
    return [call, *(f"print({n}.grad)" for n in params)]


def manual_zero_lines(names: list[str], to_none: bool) -> list[str]:
    if to_none:
        return [f"{n}.grad = None" for n in names]
    return [*(f"{n}.grad.zero_()" for n in names), *(f"print({n}.grad)" for n in names)]


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def loop_name(setup: list[str], log: ActionLog) -> str:
    """``epoch``, or ``epoch_``, ``epoch__``… when the script already uses that name
    (a param, input or program name ``epoch`` must not be overwritten by the loop)."""
    used: set[str] = set()
    for line in setup:
        used.update(_IDENTIFIER.findall(line))
    for entry in log.entries:
        for line in entry.lines:
            used.update(_IDENTIFIER.findall(line))
    name = "epoch"
    while name in used:
        name += "_"
    return name


def _entry_lines(entry: LogEntry, loop: str = "epoch") -> list[str]:
    if entry.count == 1:
        return list(entry.lines)
    return [f"for {loop} in range({entry.count}):", *(INDENT + line for line in entry.lines)]


def code_lines(setup: list[str], log: ActionLog) -> list[CodeLine]:
    """Set-up lines, then every logged action's lines tagged with its record index."""
    out = [CodeLine(text, None) for text in setup]
    loop = loop_name(setup, log)
    for entry in log.entries:
        out.extend(CodeLine(text, entry.record_index) for text in _entry_lines(entry, loop))
    return out


def to_script(setup: list[str], log: ActionLog, params: list[str]) -> str:
    """The whole runnable script."""
    lines = [
        "# Exported from Training Loop Playground: every press, as PyTorch code.",
        "# Run it with `python script.py`; it prints what the session showed.",
        *setup,
        "",
    ]
    loop = loop_name(setup, log)
    for entry in log.entries:
        lines.extend(_entry_lines(entry, loop))
    return "\n".join(lines) + "\n"


def two_runs_script(
    first: str, second: str, first_label: str, second_label: str, params: list[str]
) -> str:
    """Two exported scripts (a run and its compare twin) as one runnable file.

    Each script becomes the body of a function (``run_1``, ``run_2``) that
    returns its params, so the two runs cannot see each other's tensors; the
    file then runs both, one after the other, and keeps their params in
    ``run_1_params`` / ``run_2_params``.
    """
    out = [
        "# Exported from Training Loop Playground: two runs from the same start,",
        f"# differing in one setting: {first_label} (run 1) vs {second_label} (run 2).",
        "",
    ]
    returned = "{" + ", ".join(f"{name!r}: {name}" for name in params) + "}"
    for number_, (script, label) in enumerate(((first, first_label), (second, second_label)), 1):
        out.append(f"def run_{number_}():")
        out.append(f"{INDENT}# {label}")
        out.extend(INDENT + line if line.strip() else "" for line in script.splitlines())
        out.append(f"{INDENT}return {returned}")
        out.append("")
        out.append("")
    out.append('print("run 1:", ' + repr(first_label) + ")")
    out.append("run_1_params = run_1()")
    out.append('print("run 2:", ' + repr(second_label) + ")")
    out.append("run_2_params = run_2()")
    return "\n".join(out) + "\n"
