"""The read side of a session: values, grads, tensors, graph, Jacobian and vᵀJ.

A mixin of :class:`~playground.session.Session`, kept apart so the session file
holds the actions; nothing here changes the session.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from .data import evaluate
from .errors import PlaygroundError
from .explain import torch_error
from .graph import Graph, build_graph
from .landscape import Landscape, compute_landscape
from .optimizers import state_numbers
from .records import TensorInfo, numbers, snapshot
from .values import parse_value

if TYPE_CHECKING:
    from .config import Spec
    from .program import Program

PHASES = ("forward", "backward", "step", "zero_grad")
#: Most entries :meth:`Inspection.jacobian` builds in full (64×64 floats, instantly).
MAX_JACOBIAN = 4096


def autograd_facts(tensor: torch.Tensor) -> tuple[bool, Any]:
    """``(tensor.is_leaf, tensor.grad_fn)`` as PyTorch reports them, without raising.

    A view made under no_grad whose base was later changed in place (``out =
    W.reshape(-1)`` under no_grad, then ``optimizer.step()``) makes PyTorch raise
    on ``is_leaf`` and ``grad_fn``; such a view was created a leaf without a
    grad_fn (what PyTorch reported before the change), so that is what we report.
    ``.grad`` of it is None in PyTorch too.
    """
    try:
        return bool(tensor.is_leaf), tensor.grad_fn
    except RuntimeError:
        return True, None


def readable_grad(tensor: torch.Tensor) -> torch.Tensor | None:
    """``tensor.grad`` where PyTorch keeps one (leaves, retain_grad), else None, never raising."""
    is_leaf, _ = autograd_facts(tensor)
    if is_leaf or tensor.retains_grad:
        return tensor.grad
    return None  # reading .grad of a non-leaf only warns; the answer is None


class Inspection:
    """Read-only views of the session's tensors (see ``docs/engine_api.md``)."""

    params: dict[str, torch.Tensor]
    inputs: dict[str, torch.Tensor]
    program: Program
    _store: Any
    _count: int
    _results: dict[str, torch.Tensor]
    _output: torch.Tensor | None
    _graph_freed: bool
    _retain_grad: bool
    optimizer: torch.optim.Optimizer | None

    @property
    def param_names(self) -> list[str]:
        return list(self.params)

    @property
    def input_names(self) -> list[str]:
        return list(self.inputs)

    @property
    def output_name(self) -> str:
        return self.program.output_name

    @property
    def output(self) -> Any:
        """The last forward result as a float or nested floats; None before any."""
        return None if self._output is None else numbers(self._output)

    @property
    def output_tensor(self) -> torch.Tensor | None:
        return self._output

    @property
    def graph_freed(self) -> bool:
        """True after a backward without retain_graph, until the next forward."""
        return self._graph_freed

    @property
    def retain_grad(self) -> bool:
        return self._retain_grad

    @property
    def next_phase(self) -> str:
        """What a typical loop does next: forward, backward, step, zero_grad, forward…"""
        store = self._store
        row = store.last_of(PHASES, self._count - 1)
        if row < 0:
            return "forward"
        return PHASES[(PHASES.index(store.action_at(row)) + 1) % len(PHASES)]

    def _tensor(self, name: str) -> torch.Tensor:
        for table in (self.params, self.inputs, self._results):
            if name in table:
                return table[name]
        raise PlaygroundError(f"There is no tensor called `{name}`", field="name")

    def value(self, name: str) -> Any:
        """The current value of a param, input or program name as (nested) floats."""
        return numbers(self._tensor(name))

    def grad(self, name: str) -> Any:
        """The current ``.grad`` as (nested) floats, or None."""
        grad = readable_grad(self._tensor(name))
        return None if grad is None else numbers(grad)

    def requires_grad(self, name: str) -> bool:
        return bool(self._tensor(name).requires_grad)

    def tensors(self) -> list[TensorInfo]:
        """Every tensor: params, inputs, intermediates, then the output."""
        rows = []
        named: list[tuple[str, str, torch.Tensor]] = [
            *(("param", n, t) for n, t in self.params.items()),
            *(("input", n, t) for n, t in self.inputs.items()),
        ]
        for name, tensor in self._results.items():
            kind = "output" if name == self.output_name else "intermediate"
            named.append((kind, name, tensor))
        for kind, name, tensor in named:
            is_leaf, grad_fn = autograd_facts(tensor)
            grad = readable_grad(tensor)
            rows.append(
                TensorInfo(
                    name=name,
                    kind=kind,
                    value=snapshot(tensor),  # type: ignore[arg-type]
                    grad=snapshot(grad),
                    requires_grad=bool(tensor.requires_grad),
                    is_leaf=is_leaf,
                    grad_fn=None if grad_fn is None else type(grad_fn).__name__,
                    shape=tuple(tensor.shape),
                    optimizer_state=self.optimizer_state(name) if kind == "param" else {},
                )
            )
        return rows

    def optimizer_state(self, name: str) -> dict[str, Any]:
        """Param ``name``'s optimizer state exactly as torch keeps it, as plain data.

        Keys are torch's own (SGD ``momentum_buffer``; Adam/AdamW ``step``,
        ``exp_avg``, ``exp_avg_sq``; RMSprop ``step``, ``square_avg``...; Adagrad
        ``step``, ``sum``); tensors are numpy copies, 0-d ones (``step``) floats.
        Empty before the first step, for plain SGD, and for the manual update.
        """
        if name not in self.params:
            raise PlaygroundError(f"`{name}` is not a param", field="name",
                                  hint="Only params have optimizer state.")
        if self.optimizer is None:
            return {}
        return state_numbers(self.optimizer.state.get(self.params[name], {}))

    def graph(self) -> Graph:
        """The autograd graph of the current output (empty before any forward)."""
        named = {**self.params, **self.inputs, **self._results}
        # A tensor whose grad_fn PyTorch refuses to read (see autograd_facts) has none
        # to walk: it is left out, and an output like that gives the empty graph.
        readable = {n: t for n, t in named.items() if self._grad_fn_readable(t)}
        output = self._output
        if output is not None and not self._grad_fn_readable(output):
            output = None
        return build_graph(output, readable, output_name=self.output_name, freed=self._graph_freed)

    @staticmethod
    def _grad_fn_readable(tensor: torch.Tensor) -> bool:
        try:
            tensor.grad_fn  # noqa: B018 - reading it is the test
        except RuntimeError:
            return False
        return True

    def _output_of(self, name: str) -> tuple[torch.Tensor, torch.Tensor]:
        """(a fresh copy of param ``name`` that requires grad, the output flattened),
        built by running the program once on it; the session is not touched."""
        if name not in self.params:
            raise PlaygroundError(f"`{name}` is not a param", field="name")
        env = {**self.inputs, **self.params}
        param = self.params[name].detach().clone().requires_grad_(True)
        try:
            with torch.enable_grad():
                out = self.program.run({**env, name: param})[self.output_name]
        except RuntimeError as exc:
            raise torch_error(exc, "Jacobian") from None
        return param, out.reshape(-1)

    @staticmethod
    def _row(out_element: torch.Tensor, param: torch.Tensor, *, retain: bool) -> torch.Tensor:
        """d out_element / d param, flattened (zeros where the output does not depend on it)."""
        if not out_element.requires_grad:
            return torch.zeros(param.numel())
        (grad,) = torch.autograd.grad(out_element, param, retain_graph=retain, allow_unused=True)
        return torch.zeros(param.numel()) if grad is None else grad.reshape(-1)

    def jacobian_shape(self, name: str) -> tuple[int, int]:
        """(output elements, param elements): the full Jacobian's shape, computing no grads."""
        param, out = self._output_of(name)
        return out.numel(), param.numel()

    def jacobian_block(self, name: str, rows: int = 8, cols: int = 8) -> tuple[list[list[float]], tuple[int, int]]:
        """The top-left ``rows``×``cols`` of d output / d param and the full shape.

        One backward per row shown (never one per output element), so a large
        output costs what the window shows, not what the Jacobian would hold.
        """
        param, out = self._output_of(name)
        shown = min(max(0, int(rows)), out.numel())
        block = []
        for i in range(shown):
            row = self._row(out[i], param, retain=i < shown - 1)
            block.append(row[: max(0, int(cols))].tolist())
        return block, (out.numel(), param.numel())

    def jacobian(self, name: str) -> list[list[float]]:
        """d output / d param as nested floats, shape (output elements, param elements).

        Refused above :data:`MAX_JACOBIAN` entries: use :meth:`jacobian_block` to see
        part of a large one, and :meth:`vjp` for vᵀJ (PyTorch never builds J either).
        """
        outputs, elements = self.jacobian_shape(name)
        if outputs * elements > MAX_JACOBIAN:
            raise PlaygroundError(
                f"The Jacobian of {self.output_name} w.r.t. {name} would hold "
                f"{outputs:,}×{elements:,} numbers; the limit is {MAX_JACOBIAN:,}",
                field="name",
                hint="Look at its top-left corner (jacobian_block), or at vᵀJ (vjp).",
            )
        block, _shape = self.jacobian_block(name, rows=outputs, cols=elements)
        return block

    def vjp(self, name: str, gradient: Spec | None = None) -> Any:
        """vᵀJ for param ``name``: what ``backward(v)`` adds to its .grad (nested floats).

        ``gradient`` is v (default: ones of the output's shape, what backward()
        uses for a one-element output). Computed as PyTorch does, by one backward
        with v, never by building J.
        """
        param, out = self._output_of(name)
        if gradient is None:
            vector = torch.ones(out.numel())
        else:
            try:
                vector = parse_value(gradient).reshape(-1)
            except PlaygroundError as exc:
                exc.field = "gradient"
                raise
        if vector.numel() != out.numel():
            raise PlaygroundError(
                f"v has {vector.numel()} numbers but the output has {out.numel()}",
                field="gradient",
                hint="Give v exactly one number per output element.",
            )
        if not out.requires_grad:
            return torch.zeros_like(param).tolist()
        (grad,) = torch.autograd.grad(out, param, grad_outputs=vector, allow_unused=True)
        return (torch.zeros_like(param) if grad is None else grad).tolist()

    def landscape(
        self, x: str | None = None, y: str | None = None, n: int = 101, span: Any = None,
        aspect: float | None = None,
    ) -> Landscape:
        """The output over an n × n grid of two param elements, the others held still.

        ``x``/``y`` are spelled as the plots' legends spell them (``"w[0]"``,
        ``"w[1,2]"``, ``"b"``); both None picks the first two trainable elements.
        ``span``: None for a span around the current point that also covers the
        path so far; a number for that half-width around the current point; or
        ``((x_low, x_high), (y_low, y_high))``. ``loss[i][j]`` is the output at
        ``(xs[j], ys[i])``; computed under no_grad in one batched evaluation.
        ``aspect``: a width / height ratio (a view's, in pixels) the automatic or
        half-width box is widened to along one axis, about the same centre, so a
        view drawing both axes at the same scale is filled by the grid.
        """
        def path_of(param: str, flat: int) -> list[float]:
            # the run so far (rows up to the current position, not the redo tail); only
            # its extremes matter for the span: O(n) in numpy, not a float per action
            columns = self.columns  # type: ignore[attr-defined]
            upto = self.position + 1  # type: ignore[attr-defined]
            column = columns.values(param)[:upto, flat]
            finite = column[np.isfinite(column)]
            return [float(finite.min()), float(finite.max())] if finite.size else []

        return compute_landscape(self.program, self.params, self.inputs, x, y, n, span, path_of,
                                 aspect)

    def evaluate(self, name: str | None = None, inputs: Mapping[str, Any] | None = None) -> Any:
        """Program name ``name`` (default: the output) with some inputs replaced, as nested
        floats: ``s.evaluate("y_hat", {"x": "linspace(-3, 3, 100)"})`` for a fitted line.

        Runs under no_grad on the current params, only up to the line assigning
        ``name``; nothing in the session changes. Values are specs or tensors.
        """
        env = {**self.inputs, **{n: t.detach() for n, t in self.params.items()}}
        return evaluate(self.program, env, name, inputs or {})
