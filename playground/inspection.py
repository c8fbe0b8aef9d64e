"""The read side of a session: values, grads, tensors, graph, Jacobian and vᵀJ.

A mixin of :class:`~playground.session.Session`, kept apart so the session file
holds the actions; nothing here changes the session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

from .errors import PlaygroundError
from .explain import torch_error
from .graph import Graph, build_graph
from .records import TensorInfo, numbers, snapshot
from .values import parse_value

if TYPE_CHECKING:
    from .config import Spec
    from .program import Program

PHASES = ("forward", "backward", "step", "zero_grad")


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
        tensor = self._tensor(name)
        if tensor.is_leaf or tensor.retains_grad:
            grad = tensor.grad
        else:
            grad = None  # reading .grad of a non-leaf only warns; the answer is None
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
            has_grad = tensor.is_leaf or tensor.retains_grad
            rows.append(
                TensorInfo(
                    name=name,
                    kind=kind,
                    value=snapshot(tensor),  # type: ignore[arg-type]
                    grad=snapshot(tensor.grad) if has_grad else None,
                    requires_grad=bool(tensor.requires_grad),
                    is_leaf=bool(tensor.is_leaf),
                    grad_fn=None if tensor.grad_fn is None else type(tensor.grad_fn).__name__,
                    shape=tuple(tensor.shape),
                )
            )
        return rows

    def graph(self) -> Graph:
        """The autograd graph of the current output (empty before any forward)."""
        named = {**self.params, **self.inputs, **self._results}
        return build_graph(
            self._output, named, output_name=self.output_name, freed=self._graph_freed
        )

    def jacobian(self, name: str) -> list[list[float]]:
        """d output / d param as nested floats, shape (output elements, param elements)."""
        if name not in self.params:
            raise PlaygroundError(f"`{name}` is not a param", field="name")
        env = {**self.inputs, **self.params}
        param = self.params[name].detach()

        def output_of(p: torch.Tensor) -> torch.Tensor:
            return self.program.run({**env, name: p})[self.output_name]

        try:
            jac = torch.autograd.functional.jacobian(output_of, param)
        except PlaygroundError:
            raise
        except RuntimeError as exc:
            raise torch_error(exc, "Jacobian") from None
        out_elements = max(1, int(jac.numel() // max(1, param.numel())))
        return jac.reshape(out_elements, param.numel()).tolist()

    def vjp(self, name: str, gradient: Spec | None = None) -> Any:
        """vᵀJ for param ``name``: what ``backward(v)`` adds to its .grad (nested floats).

        ``gradient`` is v (default: ones of the output's shape, what backward()
        uses for a one-element output).
        """
        jac = torch.tensor(self.jacobian(name))
        if gradient is None:
            vector = torch.ones(jac.shape[0])
        else:
            try:
                vector = parse_value(gradient).reshape(-1)
            except PlaygroundError as exc:
                exc.field = "gradient"
                raise
        if vector.numel() != jac.shape[0]:
            raise PlaygroundError(
                f"v has {vector.numel()} numbers but the output has {jac.shape[0]}",
                field="gradient",
                hint="Give v exactly one number per output element.",
            )
        return (vector @ jac).reshape(self.params[name].shape).tolist()
