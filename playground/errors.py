"""The one exception type the engine raises, carrying what a window needs to explain it."""

from __future__ import annotations


class PlaygroundError(Exception):
    """A refused input or a PyTorch error, in words a student can act on.

    Parameters
    ----------
    message:
        One line: what was wrong.
    field:
        The model field at fault ("params.w", "inputs.x", "forward", "lr", ...), if any.
    line:
        1-based line in the forward program or lesson file, if known.
    hint:
        What to do about it.
    torch_message:
        PyTorch's own message, when PyTorch raised.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        line: int | None = None,
        hint: str | None = None,
        torch_message: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.line = line
        self.hint = hint
        self.torch_message = torch_message

    def __str__(self) -> str:
        """The message, then PyTorch's own words when PyTorch raised and the message
        does not already quote them: a notebook user who prints the error sees what
        torch said as well as the explanation."""
        said = (self.torch_message or "").strip().split("\n")[0]
        if said and said not in self.message:
            return f"{self.message} (PyTorch says: {said})"
        return self.message
