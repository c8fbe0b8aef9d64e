"""Turn PyTorch's error messages into what a student can act on."""

from __future__ import annotations

from .errors import PlaygroundError

# (fragment of PyTorch's message, what happened, what to do)
_KNOWN: tuple[tuple[str, str, str], ...] = (
    (
        "grad can be implicitly created only for scalar outputs",
        "backward() needs a vector v here: the output is not a single number, "
        "so PyTorch cannot assume the gradient of the output is 1.",
        "Reduce the output to one number (add .sum() or .mean()), or give v in the "
        "backward(v) panel: PyTorch then computes the vector-Jacobian product vᵀJ.",
    ),
    (
        "Trying to backward through the graph a second time",
        "The previous backward freed the graph: its saved tensors are gone.",
        "Press Forward to build a new graph, or tick retain_graph on the earlier "
        "backward to keep the graph for a second one.",
    ),
    (
        "does not require grad and does not have a grad_fn",
        "Nothing in this output tracks gradients, so there is nothing to backpropagate.",
        "Switch requires_grad on for a param, run Forward outside no_grad, "
        "or remove the .detach() that cut the graph; then press Forward again.",
    ),
    (
        "Mismatch in shape",
        "The vector v given to backward(v) must have the output's shape.",
        "Give v with exactly as many numbers as the output, in the same shape.",
    ),
)


def torch_error(exc: BaseException, doing: str) -> PlaygroundError:
    """Wrap a PyTorch exception raised while ``doing`` (e.g. "backward")."""
    text = str(exc).strip() or type(exc).__name__
    first_line = text.splitlines()[0]
    for fragment, why, hint in _KNOWN:
        if fragment in text:
            return PlaygroundError(
                f"{doing} failed: {why}", hint=hint, torch_message=first_line
            )
    return PlaygroundError(
        f"{doing} failed: PyTorch says: {first_line}",
        hint="Nothing was changed. Check the model, then try again.",
        torch_message=first_line,
    )
