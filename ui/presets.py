"""The preset models of the presets combo, read from ``resources/presets.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Preset:
    """A ready-made model.

    Parameters
    ----------
    name:
        Shown in the combo.
    description:
        One line shown as the combo's tooltip.
    config:
        Keyword arguments for ``Session(...)``.
    gradient:
        The ``v`` Backward passes for a non-scalar output (None for a scalar one).
    retain_graph:
        Whether Backward keeps the graph for another backward.
    """

    name: str
    description: str
    config: dict[str, Any] = field(default_factory=dict)
    gradient: str | None = None
    retain_graph: bool = False


@cache
def presets() -> tuple[Preset, ...]:
    """All presets, the start-up model first."""
    text = resources.files("resources").joinpath("presets.json").read_text(encoding="utf-8")
    return tuple(
        Preset(
            name=item["name"],
            description=item.get("description", ""),
            config=dict(item["config"]),
            gradient=item.get("gradient"),
            retain_graph=bool(item.get("retain_graph", False)),
        )
        for item in json.loads(text)["presets"]
    )


def default_preset() -> Preset:
    """The model the app starts with."""
    return presets()[0]


def preset_named(name: str) -> Preset:
    """The preset called ``name`` (KeyError if there is none)."""
    for preset in presets():
        if preset.name == name:
            return preset
    raise KeyError(name)
