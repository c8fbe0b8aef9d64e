"""The PyTorch code that mirrors every press, and the runnable script built from it.

Pure functions returning strings: the session asks for each action's lines at
the moment it runs (when it knows, say, which params have a .grad), and keeps
them in an :class:`ActionLog`. Repeated Iterate presses fold into one
``for epoch in range(n):`` loop, so a long auto-run keeps a short log and the
exported script reads like the notebooks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .action_log import ActionLog, LogEntry  # noqa: F401 - re-exported (moved there)
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
    """The shortest text that reads back as the same float32."""
    text = np.format_float_positional(np.float32(value), unique=True, trim="-")
    if "." not in text and "e" not in text and "inf" not in text and "nan" not in text:
        text += ".0"
    return text


def tensor_literal(tensor: torch.Tensor) -> str:
    """``torch.tensor([...])`` that rebuilds ``tensor`` exactly (float32)."""

    def nested(values: Any) -> str:
        if isinstance(values, list):
            return "[" + ", ".join(nested(v) for v in values) + "]"
        return number(values)

    return f"torch.tensor({nested(tensor.detach().tolist())})"


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
        extra = ""
        if config.momentum:
            extra += f", momentum={config.momentum!r}"
        if config.weight_decay:
            extra += f", weight_decay={config.weight_decay!r}"
        names = ", ".join(config.params)
        lines.append(f"optimizer = torch.optim.SGD([{names}], lr={config.lr!r}{extra})")
    return lines


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


def _entry_lines(entry: LogEntry) -> list[str]:
    if entry.count == 1:
        return list(entry.lines)
    return [f"for epoch in range({entry.count}):", *(INDENT + line for line in entry.lines)]


def code_lines(setup: list[str], log: ActionLog) -> list[CodeLine]:
    """Set-up lines, then every logged action's lines tagged with its record index."""
    out = [CodeLine(text, None) for text in setup]
    for entry in log.entries:
        out.extend(CodeLine(text, entry.record_index) for text in _entry_lines(entry))
    return out


def to_script(setup: list[str], log: ActionLog, params: list[str]) -> str:
    """The whole runnable script."""
    lines = [
        "# Exported from Training Loop Playground: every press, as PyTorch code.",
        "# Run it with `python script.py`; it prints what the session showed.",
        *setup,
        "",
    ]
    for entry in log.entries:
        lines.extend(_entry_lines(entry))
    return "\n".join(lines) + "\n"
