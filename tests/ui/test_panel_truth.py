"""The model panel says what runs and changes only what the teacher means to change (u1 trial).

#9: the "update" box names the optimizer the Optimizer block builds (it said
torch.optim.SGD while lesson 14 ran Adam); torch's own classes are the oracle.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
from PySide6.QtGui import QAction

from tests.ui.conftest import DEFAULT_MODEL
from ui.controller import build_session
from ui.model_panel import ModelPanel

#: Session(optimizer=...) name -> the torch class a user would write (the oracle).
TORCH_CLASSES = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
                 "rmsprop": torch.optim.RMSprop, "adagrad": torch.optim.Adagrad}


@pytest.fixture
def panel(qtbot: Any) -> Any:
    auto = QAction("auto")
    auto.setCheckable(True)
    apply = QAction("apply")
    widget = ModelPanel(auto, apply)
    widget.actions_kept = (auto, apply)  # keep the QActions alive as long as the panel
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.mark.parametrize("name", sorted(TORCH_CLASSES))
def test_update_box_names_the_loaded_optimizer_and_apply_builds_it(panel: Any, name: str) -> None:
    cls = TORCH_CLASSES[name]
    panel.load_config({**DEFAULT_MODEL, "optimizer": name})  # a lesson / an opened file
    combo = panel.update_combo
    assert combo.currentData() == "optimizer"
    assert f"torch.optim.{cls.__name__}:" in combo.currentText()
    for other in set(TORCH_CLASSES.values()) - {cls}:
        assert f"torch.optim.{other.__name__}:" not in combo.currentText()
    session = build_session(panel.config())
    assert type(session.optimizer) is cls


@pytest.mark.parametrize("name", sorted(TORCH_CLASSES))
def test_update_box_follows_the_optimizer_chosen_in_the_block(panel: Any, name: str) -> None:
    cls = TORCH_CLASSES[name]
    panel.load_config({**DEFAULT_MODEL, "optimizer": "adam" if name == "sgd" else "sgd"})
    block = panel.optimizer_block.combo
    block.setCurrentIndex(block.findData(name))  # what a click in the list does
    text = panel.update_combo.currentText()
    assert text.startswith(f"torch.optim.{cls.__name__}:") and "step()" in text
    assert type(build_session(panel.config()).optimizer) is cls


def test_manual_update_keeps_its_own_words(panel: Any) -> None:
    panel.load_config({**DEFAULT_MODEL, "update": "manual"})
    assert panel.update_combo.currentText() == "manual: w -= lr * w.grad"
    session = build_session(panel.config())
    assert session.optimizer is None
