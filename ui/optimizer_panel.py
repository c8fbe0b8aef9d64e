"""The model panel's optimizer block: which torch.optim class, its options, and live lr/momentum.

The optimizer and its options are part of the next session's config (Apply
builds it). The Training group's lr and momentum fields are also live (there is
one lr box, not two: t5 trial #10): Enter in them changes the *running*
optimizer, ``optimizer.param_groups[0]["lr"] = v``, through the controller, so
the run goes on without a reset and the change is recorded in the history (and
undone by Ctrl+Z); they show the running values, and a value typed but not yet
entered is marked as pending. Apply uses the same fields for a new run.
Option names and torch's defaults come from :mod:`playground.optimizers`
(torch-free), so the block never disagrees with what the engine accepts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

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


class OptimizerBlock(QGroupBox, FollowsSession):
    """Optimizer combo + its main options (for Apply); drives the live lr / momentum fields.

    Signals
    -------
    lr_changed(float), momentum_changed(float)
        Enter in a live field with a new number: the window calls ``set_lr`` / ``set_momentum``.
    refused(str, str)
        Enter in a live field whose text is no number: (field, message). Nothing ran.
    """

    lr_changed = Signal(float)
    momentum_changed = Signal(float)
    refused = Signal(str, str)

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
        form = QFormLayout(self)
        form.addRow(self.combo)
        form.addRow(self._options_form)
        #: The live fields (attach_live): "lr" and "momentum" -> the Training group's QLineEdit.
        self.live_edits: dict[str, QLineEdit] = {}
        self.combo.currentIndexChanged.connect(self._on_combo_current_index_changed)
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

    def torch_class(self) -> str:
        """The chosen optimizer's class in ``torch.optim`` ("SGD", "Adam", ...)."""
        return OPTIMIZERS[self.combo.currentData()].torch_class

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
    def attach_live(self, lr_edit: QLineEdit, momentum_edit: QLineEdit,
                    decay_edit: QLineEdit | None = None) -> None:
        """Make ``lr_edit`` and ``momentum_edit`` live: they show the running values, and
        Enter changes the running optimizer (the same fields feed Apply). ``decay_edit`` is
        only marked while it differs from the running run's weight decay (Apply sets it)."""
        self.live_edits = {"lr": lr_edit, "momentum": momentum_edit}
        for key, edit in self.live_edits.items():
            edit.setToolTip(LIVE_TIPS[key])
            edit.returnPressed.connect(lambda key=key: self.enter(key))
            edit.textEdited.connect(lambda _text, key=key: self._mark(key))
        self.decay_edit = decay_edit
        if decay_edit is not None:
            decay_edit.textEdited.connect(lambda _text: self._mark_decay())
        self.refresh()

    def refresh(self) -> None:
        """Show the running session's lr and momentum (what its next step uses), except in
        a field holding a value typed but not yet entered."""
        s = self.session
        for key, edit in self.live_edits.items():
            value = getattr(s, key, None)
            if value is None or not math.isfinite(value):
                continue
            if is_pending(edit):  # typed, not entered: the user's text stays (marked)
                set_pending(edit, _number(edit.text()) != value)  # unless the run caught up
            elif _number(edit.text()) != value:
                edit.setText(repr(float(value)))
        self._mark_decay()

    def enter(self, key: str) -> None:
        """Enter in the live field ``key``: a new number goes to the running optimizer (the
        engine refuses nan, inf and out-of-range values, changing nothing); text that is no
        number is refused here (``refused``)."""
        edit, s = self.live_edits[key], self.session
        text = edit.text().strip()
        value = _number(text)
        if value is None:
            self.refused.emit(key, f"{key} must be a number, not {text!r}")
            return
        if not math.isfinite(value):  # "1e400": say what was typed, not Python's inf
            self.refused.emit(key, f"{key} must be a finite number (0 to 1e6), not {text!r}")
            return
        if s is None:
            return
        if value != getattr(s, key):
            (self.lr_changed if key == "lr" else self.momentum_changed).emit(value)
        # Taken (or the value it already had): no longer pending. Refused: still pending.
        if getattr(s, key) == value:
            set_pending(edit, False)

    def _mark_decay(self) -> None:
        edit, s = getattr(self, "decay_edit", None), self.session
        if edit is not None and s is not None:
            set_pending(edit, _number(edit.text()) != float(s.config.weight_decay))

    def _mark(self, key: str) -> None:
        edit, s = self.live_edits[key], self.session
        set_pending(edit, s is None or _number(edit.text()) != getattr(s, key))


#: What Enter does in each live field (their tooltips).
LIVE_TIPS = {
    "lr": ('Enter changes the running optimizer now: optimizer.param_groups[0]["lr"] = …\n'
           "(recorded in the history, no reset; Ctrl+Z undoes it). Apply uses it for a new run."),
    "momentum": ('Enter changes the running optimizer now: optimizer.param_groups[0]["momentum"] = …\n'
                 "(SGD and RMSprop; recorded, no reset; Ctrl+Z undoes it). Apply uses it for a new run."),
}


#: Added to a field's tooltip while it holds a value not yet entered.
PENDING_TIP = "\n\nNot applied yet: press Enter to apply it."


def _number(text: str) -> float | None:
    """``text`` as a float, or None when it is no number (never eval: float() only)."""
    try:
        return float(text.strip())
    except ValueError:
        return None


def is_pending(edit: QWidget) -> bool:
    """Whether ``edit`` holds a value typed but not yet entered."""
    return bool(edit.property("pending"))


def set_pending(edit: QWidget, on: bool) -> None:
    """Mark ``edit`` as holding a value not yet entered (a dashed frame, style.qss)."""
    if is_pending(edit) == on:
        return
    edit.setProperty("pending", on)
    tip = edit.toolTip().removesuffix(PENDING_TIP)
    edit.setToolTip(tip + PENDING_TIP if on else tip)
    edit.style().unpolish(edit)
    edit.style().polish(edit)
