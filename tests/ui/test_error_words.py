"""PyTorch's own words reach the user once: in str() for a notebook, once in the banner."""

from __future__ import annotations

from typing import Any

import torch

from playground import PlaygroundError, Session
from playground.explain import torch_error
from ui.messages import MessageBanner


def _torch_words(action: Any) -> str:
    try:
        action()
    except RuntimeError as exc:
        return str(exc).splitlines()[0]
    raise AssertionError("torch did not raise")


def test_a_known_torch_error_shows_its_words_once(qtbot: Any) -> None:
    said = _torch_words(lambda: torch.ones(2, requires_grad=True).mul(2).backward())
    s = Session(params={"w": [1.0, 2.0]}, forward="out = w * 2")
    s.forward()
    try:
        s.backward()
    except PlaygroundError as exc:
        error = exc
    assert said in str(error) and error.message in str(error)
    banner = MessageBanner()
    qtbot.addWidget(banner)
    banner.show_error(error)
    assert banner.text.count(said) == 1 and "PyTorch says" in banner.text


def test_an_unknown_torch_error_quoted_in_the_message_is_not_repeated(qtbot: Any) -> None:
    said = _torch_words(lambda: torch.ones(2) @ torch.ones(3))
    error = torch_error(RuntimeError(said), "forward()")
    assert str(error).count(said) == 1
    banner = MessageBanner()
    qtbot.addWidget(banner)
    banner.show_error(error)
    assert banner.text.count(said) == 1
