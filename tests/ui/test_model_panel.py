"""The model panel on its own: round trips, field errors, presets, the auto zero_grad binding."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from playground.errors import PlaygroundError
from ui.model_panel import FieldError
from ui.presets import default_preset, presets


@pytest.fixture
def panel(bare_model_panel: Any) -> Any:
    return bare_model_panel


def test_every_preset_round_trips_and_builds_a_session(panel: Any) -> None:
    from playground.session import Session

    for preset in presets():
        panel.load_config(preset.config, gradient=preset.gradient, retain_graph=preset.retain_graph)
        config = panel.config()
        for key, value in preset.config.items():
            assert config[key] == value, (preset.name, key)
        assert panel.gradient() == preset.gradient
        assert panel.retain_graph() == preset.retain_graph
        Session(**config)  # the engine accepts what the panel produces


def test_default_preset_has_distinct_inputs_so_curves_separate() -> None:
    config = default_preset().config
    assert config["forward"] == "out = (w * x).sum()"
    assert config["inputs"]["x"] == "[1.0, 2.0, 3.0]"


def test_presets_cover_the_notebooks() -> None:
    forwards = "\n".join(p.config["forward"] for p in presets())
    for piece in ("(weights * 3).sum()", "z = y * y * 3", "torch.mean((y_pred - y_true) ** 2)",
                  "x ** 2", "binary_cross_entropy_with_logits", "(inp + 1).pow(2).t()"):
        assert piece in forwards
    notebook = next(p for p in presets() if "(weights * 3)" in p.config["forward"])
    assert notebook.config["params"] == {"weights": "ones(4)"} and notebook.config["lr"] == 0.1


def test_field_errors_land_beside_their_field(panel: Any) -> None:
    panel.load_config(default_preset().config)
    assert panel.show_error(PlaygroundError("bad spec", field="params.w"))
    assert panel.params.error.isVisible() and panel.params.error.text() == "w: bad spec"
    assert panel.params.value_edit("w").property("error") is True
    assert panel.show_error(PlaygroundError("nope", field="inputs.x"))
    assert panel.inputs.error.isVisible()
    assert panel.show_error(PlaygroundError("refused", field="forward", line=1))
    label = panel.findChild(QLabel, "error_forward")
    assert label.isVisible() and label.text() == "line 1: refused"
    assert panel.show_error(PlaygroundError("too big", field="lr"))
    assert panel.findChild(QLabel, "error_lr").isVisible()
    assert not panel.show_error(PlaygroundError("somewhere else", field=None))
    panel.clear_errors()
    assert not label.isVisible() and not panel.params.error.isVisible()
    assert panel.params.value_edit("w").property("error") is False


def test_unreadable_number_and_repeated_name_are_field_errors(panel: Any) -> None:
    panel.load_config(default_preset().config)
    panel.number_edits["momentum"].setText("a lot")
    with pytest.raises(FieldError) as info:
        panel.config()
    assert info.value.field == "momentum"
    panel.number_edits["momentum"].setText("0")
    panel.params.add_row("w", "zeros(3)")
    with pytest.raises(FieldError) as info:
        panel.config()
    assert info.value.field == "params.w"


def test_rows_can_be_added_and_removed(panel: Any) -> None:
    panel.load_config(default_preset().config)
    panel.inputs.add_row("y", "[0.0]")
    panel.inputs.add_row("", "ignored without a name")
    assert panel.config()["inputs"] == {"x": "[1.0, 2.0, 3.0]", "y": "[0.0]"}
    panel.inputs.set_specs({})
    assert panel.config()["inputs"] == {}


def test_auto_zero_grad_checkbox_and_action_mirror_each_other(panel: Any) -> None:
    auto, _apply = panel.actions_kept
    panel.auto_zero_grad_check.setChecked(True)
    assert auto.isChecked()
    auto.setChecked(False)
    assert not panel.auto_zero_grad_check.isChecked()
    panel.load_config({**default_preset().config, "auto_zero_grad": True})
    assert auto.isChecked() and panel.config()["auto_zero_grad"] is True


def test_apply_button_triggers_the_apply_action(panel: Any, qtbot: Any) -> None:
    _auto, apply = panel.actions_kept
    with qtbot.waitSignal(apply.triggered, timeout=1000):
        panel.apply_button.click()


def test_choosing_a_preset_emits_it(panel: Any, qtbot: Any) -> None:
    combo = panel.preset_combo
    target = presets()[1]
    with qtbot.waitSignal(panel.preset_chosen, timeout=1000) as blocker:
        combo.activated.emit(combo.findText(target.name))
    assert blocker.args == [target]


def test_the_forward_editor_keeps_its_zoomed_font_after_a_preset(window: Any, qtbot: Any) -> None:
    """A preset re-polishes the panel's fields (their error frames): the zoom must survive it."""
    from PySide6.QtGui import QGuiApplication

    from ui.presets import preset_named

    editor = window.model_panel.forward_edit
    before = editor.fontInfo().pixelSize()
    try:
        for _ in range(3):
            window.action("actionZoomIn").trigger()
        zoomed = editor.fontInfo().pixelSize()
        assert zoomed > before * 1.3
        window._apply_preset(preset_named("BCE with logits: z = x @ w + b"))
        qtbot.wait(50)
        assert editor.fontInfo().pixelSize() == zoomed
        assert editor.font().pointSizeF() == QGuiApplication.font().pointSizeF()
    finally:
        window.action("actionZoomReset").trigger()
