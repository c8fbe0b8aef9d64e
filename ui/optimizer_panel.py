"""The model panel's optimizer block: which torch.optim class, its options, and live lr/momentum.

The optimizer and its options are part of the next session's config (Apply
builds it). The two "now" boxes are different: they change the *running*
optimizer, ``optimizer.param_groups[0]["lr"] = v``, through the controller, so
the run goes on without a reset and the change is recorded in the history.
Option names and torch's defaults come from :mod:`playground.optimizers`
(torch-free), so the block never disagrees with what the engine accepts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox, QCheckBox, QDoubleSpinBox, QFormLayout, QGroupBox,
    QLabel, QLineEdit, QWidget,
)

from playground.optimizers import OPTIMIZERS  # torch-free
from ui.narrow import ElidingCombo
from ui.session_view import FollowsSession

#: Options a learner meets first; the rest keep torch's defaults (``maximize`` is never offered).
SHOWN_OPTIONS: dict[str, tuple[str, ...]] = {
    "sgd": ("dampening", "nesterov"),
    "adam": ("betas", "eps", "amsgrad"),
    "adamw": ("betas", "eps", "amsgrad"),
    "rmsprop": ("alpha", "eps", "centered"),
    "adagrad": ("lr_decay", "initial_accumulator_value", "eps"),
}


class FieldValueError(ValueError):
    """An option box holds text that is not a value (``field`` names the option)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def _text(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return ", ".join(f"{float(v):g}" for v in value)
    return f"{float(value):g}"


def _read(name: str, text: str, default: Any) -> Any:
    try:
        if isinstance(default, tuple):
            parts = tuple(float(p) for p in text.replace("(", "").replace(")", "").split(","))
            if len(parts) != len(default):
                raise ValueError
            return parts
        return float(text)
    except ValueError:
        example = _text(default)
        raise FieldValueError(f"{name} must be {'two numbers' if isinstance(default, tuple) else 'a number'}"
                              f", like {example}", name) from None


class LiveSpin(QDoubleSpinBox):
    """A spin box for lr/momentum that shows numbers as a student writes them (0.05, not 0.050000)."""

    def __init__(self, name: str, maximum: float) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setDecimals(6)
        self.setRange(0.0, maximum)
        self.setKeyboardTracking(False)  # one change per Enter or arrow, not per keystroke
        self.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt API
        return f"{value:g}"


class OptimizerBlock(QGroupBox, FollowsSession):
    """Optimizer combo + its main options (for Apply) and live lr / momentum (for the running session).

    Signals
    -------
    lr_changed(float), momentum_changed(float)
        The user changed a "now" box: the window calls ``set_lr`` / ``set_momentum``.
    """

    lr_changed = Signal(float)
    momentum_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Optimizer", parent)
        self.setObjectName("optimizerBlock")
        self._follow_init()
        self.combo = ElidingCombo()  # "torch.optim.RMSprop" elides in a narrow dock
        self.combo.setObjectName("optimizerCombo")
        for name, kind in OPTIMIZERS.items():
            self.combo.addItem(f"torch.optim.{kind.torch_class}", name)
        self.combo.setToolTip("The optimizer of the next session (Apply builds it)")
        self.option_edits: dict[str, QLineEdit | QCheckBox] = {}
        self._options_form = QFormLayout()
        self.lr_spin = LiveSpin("liveLrSpin", 1e6)
        self.lr_spin.setToolTip('Changes the running optimizer: optimizer.param_groups[0]["lr"] = …'
                                "\n(recorded in the history; no reset)")
        self.momentum_spin = LiveSpin("liveMomentumSpin", 1.0)
        self.momentum_spin.setToolTip('Changes the running optimizer: '
                                      'optimizer.param_groups[0]["momentum"] = …')
        # One row each (not side by side): at 200 % zoom the dock has room for one pair.
        live = QFormLayout()
        live.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        live.addRow("lr", self.lr_spin)
        live.addRow("momentum", self.momentum_spin)
        form = QFormLayout(self)
        form.addRow(self.combo)
        form.addRow(self._options_form)
        self.live_label = QLabel("change now, mid-run:")
        form.addRow(self.live_label)
        form.addRow(live)
        self.combo.currentIndexChanged.connect(self._on_combo_current_index_changed)
        self.lr_spin.valueChanged.connect(self._on_lr_spin_value_changed)
        self.momentum_spin.valueChanged.connect(self._on_momentum_spin_value_changed)
        self._build_options("sgd", {})
        self.refresh()

    # -- config (for Apply) ------------------------------------------------------
    def load_config(self, config: Mapping[str, Any]) -> None:
        """Show the optimizer and options of ``config`` (Session keyword arguments)."""
        name = str(config.get("optimizer", "sgd")).lower()
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(0, self.combo.findData(name)))
        self.combo.blockSignals(False)
        self._build_options(self.combo.currentData(), dict(config.get("optimizer_options") or {}))

    def config(self) -> dict[str, Any]:
        """``optimizer`` and ``optimizer_options`` (only options that differ from torch's default)."""
        name = self.combo.currentData()
        defaults = OPTIMIZERS[name].options
        options: dict[str, Any] = {}
        for option, widget in self.option_edits.items():
            default = defaults[option]
            if isinstance(widget, QCheckBox):
                value: Any = widget.isChecked()
            else:
                value = _read(option, widget.text(), default)
            if value != default:
                options[option] = value
        return {"optimizer": name, "optimizer_options": options}

    def _build_options(self, name: str, values: Mapping[str, Any]) -> None:
        while self._options_form.rowCount():
            self._options_form.removeRow(0)
        self.option_edits = {}
        defaults = OPTIMIZERS[name].options
        for option in SHOWN_OPTIONS[name]:
            value = values.get(option, defaults[option])
            if isinstance(defaults[option], bool):
                widget: QLineEdit | QCheckBox = QCheckBox(option)
                widget.setChecked(bool(value))
                self._options_form.addRow(widget)
            else:
                widget = QLineEdit(_text(value))
                widget.setToolTip(f"torch's default: {_text(defaults[option])}")
                # A zero-width space after each "_" lets "initial_accumulator_value" wrap.
                label = QLabel(option.replace("_", "_\u200b"))
                label.setWordWrap(True)
                self._options_form.addRow(label, widget)
            widget.setObjectName(f"optimizerOption_{option}")
            self.option_edits[option] = widget

    def _on_combo_current_index_changed(self, _index: int) -> None:
        self._build_options(self.combo.currentData(), {})

    # -- live settings ----------------------------------------------------------
    def refresh(self) -> None:
        """Show the running session's lr and momentum (what its next step uses)."""
        s = self.session
        self.lr_spin.setEnabled(s is not None)
        has_momentum = s is not None and getattr(s.config, "update", "optimizer") == "optimizer" \
            and OPTIMIZERS.get(getattr(s.config, "optimizer", "sgd"), OPTIMIZERS["sgd"]).has_momentum
        self.momentum_spin.setEnabled(has_momentum)
        self.momentum_spin.setToolTip(
            'Changes the running optimizer: optimizer.param_groups[0]["momentum"] = …'
            if has_momentum or s is None else
            f"{OPTIMIZERS.get(getattr(s.config, 'optimizer', 'sgd'), OPTIMIZERS['sgd']).torch_class}"
            " has no momentum")
        for spin, value in ((self.lr_spin, getattr(s, "lr", None)),
                            (self.momentum_spin, getattr(s, "momentum", None))):
            if value is not None and math.isfinite(value) and not spin.hasFocus():
                spin.blockSignals(True)
                spin.setValue(float(value))
                spin.blockSignals(False)

    def _on_lr_spin_value_changed(self, value: float) -> None:
        if self.session is not None and value != self.session.lr:
            self.lr_changed.emit(value)

    def _on_momentum_spin_value_changed(self, value: float) -> None:
        if self.session is not None and value != self.session.momentum:
            self.momentum_changed.emit(value)
