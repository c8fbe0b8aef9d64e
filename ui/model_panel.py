"""The model panel: parameters, inputs, the forward program and the training settings.

The panel only edits a *pending* configuration; nothing changes until Apply
(or a preset) builds a new Session. When building fails, :meth:`ModelPanel.show_error`
puts the message beside the field at fault (``PlaygroundError.field``) and the
running session stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction, QGuiApplication, QKeyEvent, QKeySequence, QShortcut, QTextOption, QWheelEvent,
)
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
    QPlainTextEdit, QSpinBox, QToolButton, QVBoxLayout, QWidget,
)

from playground.errors import PlaygroundError  # torch-free
from ui import theme
from ui.name_edit import NameEdit
from ui.narrow import ElidingCombo, ShortButton, fit_to_width, wrapped_check
from ui.optimizer_panel import FieldValueError, OptimizerBlock, is_pending, set_pending
from ui.presets import Preset, presets
from ui.wheel_guard import guard_wheel

#: The "optimizer" item is renamed after the Optimizer block's choice (update_mode_text).
UPDATE_MODES = (("torch.optim.SGD: optimizer.step()", "optimizer"), ("manual: w -= lr * w.grad", "manual"))
#: Pause after the last keystroke before a shown error is checked again.
RECHECK_MS = 400
ZERO_GRAD_MODES = (("zeros: grad.zero_()", "zeros"), ("None: set_to_none=True", "none"))


class FieldError(PlaygroundError):
    """A value the panel itself cannot read (e.g. "abc" as the learning rate)."""

    def __init__(self, message: str, field: str, hint: str | None = None) -> None:
        super().__init__(message, field=field, hint=hint)


def update_mode_text(torch_class: str) -> str:
    """The "update" box's optimizer item: names the class that runs (u1 trial #9: it said SGD
    while Adam ran). The class comes first, so an elided box still shows it."""
    return f"torch.optim.{torch_class}: optimizer.step()"


def _error_label(key: str) -> QLabel:
    label = QLabel()
    label.setObjectName(f"error_{key}")
    label.setProperty("role", "fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


def _spec_text(spec: Any) -> str:
    return spec if isinstance(spec, str) else repr(spec)


def _model_key(config: Mapping[str, Any]) -> tuple[Any, ...]:
    """What makes two configs the same model: the tensors' specs and the forward program."""
    def specs(kind: str) -> tuple[tuple[str, str], ...]:
        return tuple((name, _spec_text(spec).strip()) for name, spec in dict(config.get(kind) or {}).items())
    return specs("params"), specs("inputs"), str(config.get("forward", "")).strip()


def _set_flag(widget: QWidget, name: str, on: bool) -> None:
    # Dynamic properties drive the red frame in style.qss; re-polish to apply.
    widget.setProperty(name, on)
    # Re-polishing under the app's style sheet resets a font set with setFont (the forward
    # editor's zoomed monospace fell back to its start-up size after a preset): keep it.
    font = widget.font() if widget.testAttribute(Qt.WidgetAttribute.WA_SetFont) else None
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    if font is not None:
        widget.setFont(font)


class SpecRows(QWidget):
    """Editable (name, value spec) rows, with + / − buttons.

    Signals
    -------
    rows_changed()
        A row was added or removed (the panel re-chains the Tab order).
    edited()
        A name or value was typed, or a row added or removed.
    """

    rows_changed = Signal()
    edited = Signal()

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName(f"{kind}Rows")
        self._rows: list[tuple[QLineEdit, QLineEdit, QWidget]] = []
        self._removers: dict[QWidget, QToolButton] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        add = self.add_button = QToolButton(self)
        add.setText("+ add")
        add.setToolTip(f"Add a {kind[:-1]}")
        add.clicked.connect(lambda: self.add_row("", ""))
        self._layout.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        self.error = _error_label(kind)
        self._layout.addWidget(self.error)

    def add_row(self, name: str, spec: str) -> None:
        """Append a row (before the + button)."""
        row = QWidget(self)
        name_edit, value_edit = NameEdit(name, row), QLineEdit(spec, row)
        name_edit.setPlaceholderText("name")
        # Names are short, values longer: 2 : 5 of a narrow dock's row (200 % zoom), and never
        # less than the name itself at the current zoom (NameEdit).
        value_edit.setPlaceholderText("e.g. ones(3) or [1, 2, 3]")
        remove = QToolButton(row)
        remove.setText("−")
        remove.setToolTip("Remove this row")
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(name_edit, 2)
        layout.addWidget(QLabel("="))
        layout.addWidget(value_edit, 5)
        layout.addWidget(remove)
        for edit in (name_edit, value_edit):
            edit.textChanged.connect(self.edited)
            # In a narrow dock (200 % zoom) show the start of a long spec, the whole in the tooltip.
            edit.setCursorPosition(0)
            edit.setToolTip(edit.text())
            edit.textChanged.connect(edit.setToolTip)
        entry = (name_edit, value_edit, row)
        remove.clicked.connect(lambda: self._remove(entry))
        self._rows.append(entry)
        self._layout.insertWidget(len(self._rows) - 1, row)
        self._removers[row] = remove
        self.rows_changed.emit()
        self.edited.emit()

    def tab_chain(self) -> list[QWidget]:
        """Name, value and − of each row, then "+ add"."""
        chain: list[QWidget] = []
        for name_edit, value_edit, row in self._rows:
            chain += [name_edit, value_edit, self._removers[row]]
        return chain + [self.add_button]

    def _remove(self, entry: tuple[QLineEdit, QLineEdit, QWidget]) -> None:
        self._rows.remove(entry)
        self._removers.pop(entry[2], None)
        # Out of the layout now: deleteLater alone would leave a gap until the event loop runs.
        self._layout.removeWidget(entry[2])
        entry[2].hide()
        entry[2].deleteLater()
        self.rows_changed.emit()
        self.edited.emit()

    def set_specs(self, specs: Mapping[str, Any]) -> None:
        """Replace all rows."""
        for entry in list(self._rows):
            self._remove(entry)
        for name, spec in specs.items():
            self.add_row(name, _spec_text(spec))

    def specs(self) -> dict[str, str]:
        """{name: spec text} of the non-empty rows; FieldError on a repeated name."""
        out: dict[str, str] = {}
        for name_edit, value_edit, _row in self._rows:
            name = name_edit.text().strip()
            if not name:
                continue
            if name in out:
                raise FieldError(f"'{name}' is defined twice", f"{self.kind}.{name}",
                                 hint="Give every tensor its own name.")
            out[name] = value_edit.text().strip()
        return out

    def value_edit(self, name: str) -> QLineEdit | None:
        """The value field of row ``name`` (None if there is no such row)."""
        for name_edit, value_edit, _row in self._rows:
            if name_edit.text().strip() == name:
                return value_edit
        return None

    def show_error(self, name: str, message: str) -> None:
        """Mark row ``name`` and show ``message`` under the rows."""
        edit = self.value_edit(name)
        if edit is not None:
            _set_flag(edit, "error", True)
        self.error.setText(f"{name}: {message}" if name else message)
        self.error.show()

    def clear_errors(self) -> None:
        """Remove every error mark."""
        for _name, value_edit, _row in self._rows:
            _set_flag(value_edit, "error", False)
        self.error.hide()


class PresetCombo(ElidingCombo):
    """The presets list: choosing one replaces the run, so only a deliberate choice does.

    A closed QComboBox applies the next item on an arrow key, Home, End, a typed
    letter or a wheel turn (and emits ``activated``). Here those keys open the
    list instead, where arrows only move the highlight; Enter (or a click) in
    the open list chooses. The wheel passes to the panel, which scrolls.
    """

    _KEEP = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Escape)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() in self._KEEP or event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier):
            super().keyPressEvent(event)
            return
        if event.key() != Qt.Key.Key_unknown:
            self.showPopup()
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt API
        event.ignore()


class ModelPanel(QWidget):
    """Edits the configuration of the next session.

    Parameters
    ----------
    auto_zero_grad_action:
        The window's checkable ``actionAutoZeroGrad``; the panel's checkbox mirrors it.
    apply_action:
        The window's ``actionApply``; the Apply button triggers it.

    Signals
    -------
    preset_chosen(object)
        The user picked a :class:`~ui.presets.Preset` in the combo.
    rechecked(object)
        While an error is shown, the edited fields were checked again (by building
        a throwaway Session): None when the model is now fine (the errors are
        cleared), else the new error (shown beside its field).
    """

    preset_chosen = Signal(object)
    rechecked = Signal(object)

    def __init__(self, auto_zero_grad_action: QAction, apply_action: QAction,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelPanel")
        self._auto_action = auto_zero_grad_action
        self.errors: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_model_group())
        layout.addWidget(self._build_training_group())
        self.optimizer_block = OptimizerBlock()  # ui/optimizer_panel.py: optimizer, options, live lr
        layout.addWidget(self.optimizer_block)
        # One lr box (t5 trial #10): Enter in lr / momentum changes the running optimizer;
        # weight decay is built into the optimizer, so Enter there is Apply (a new run).
        self.optimizer_block.attach_live(self.number_edits["lr"], self.number_edits["momentum"],
                                         self.number_edits["weight_decay"])
        self.optimizer_block.refused.connect(self._on_live_refused)
        self.optimizer_block.combo.currentIndexChanged.connect(self._name_update_mode)
        self._name_update_mode()
        for key in ("lr", "momentum"):  # after the block's own slot: the value was taken or not
            self.number_edits[key].returnPressed.connect(lambda key=key: self._on_live_entered(key))
        decay = self.number_edits["weight_decay"]
        decay.setToolTip("Set when the optimizer is built: Enter or Apply (Ctrl+Return) starts a "
                         "new run with it (Ctrl+Z brings the old run back)")
        decay.returnPressed.connect(apply_action.trigger)
        layout.addWidget(self._build_backward_group())
        # "Apply" alone when the dock is narrow (200 % zoom): the tooltip names the key.
        self.apply_button = ShortButton("Apply  (Ctrl+Return)", "Apply")
        self.apply_button.setObjectName("applyButton")
        self.apply_button.setToolTip(apply_action.toolTip())
        self.apply_button.clicked.connect(apply_action.trigger)
        layout.addWidget(self.apply_button)
        layout.addStretch(1)
        for rows in (self.params, self.inputs):
            rows.rows_changed.connect(self._fix_tab_order)
        # No sideways scrolling in a narrow dock at 200 %: headings wrap, combos elide.
        fit_to_width(self)
        # The wheel scrolls the panel; a box changes only when it has the keyboard (u1 #8).
        guard_wheel(self)
        self._fix_tab_order()
        # Esc hands the keyboard back to the window, so F, B, S, Z work again without the
        # mouse (t5 trial: after Ctrl+Return no key left the editor; F/B/S were typed in it).
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.release_keyboard,
                  Qt.ShortcutContext.WidgetWithChildrenShortcut)
        # An error stays up only while it is true: edits re-check the model after a pause.
        self._showing_error = False
        self._recheck_timer = QTimer(self)
        self._recheck_timer.setSingleShot(True)
        self._recheck_timer.setInterval(RECHECK_MS)
        self._recheck_timer.timeout.connect(self.recheck)
        self._watch_edits()
        QGuiApplication.instance().fontChanged.connect(self._on_app_font_changed)

    # -- construction --------------------------------------------------------
    def _build_model_group(self) -> QGroupBox:
        box = QGroupBox("Model")
        form = QVBoxLayout(box)
        self.preset_combo = PresetCombo()
        self.preset_combo.setObjectName("presetCombo")
        self.preset_combo.setToolTip("Choose with Enter or a click: a preset replaces the run")
        self.preset_combo.addItem("Presets…", None)
        for preset in presets():
            self.preset_combo.addItem(preset.name, preset)
            self.preset_combo.setItemData(self.preset_combo.count() - 1, preset.description,
                                          Qt.ItemDataRole.ToolTipRole)
        self.preset_combo.activated.connect(self._on_preset_combo_activated)
        form.addWidget(self.preset_combo)
        self.params = SpecRows("params")
        self.inputs = SpecRows("inputs")
        # A zero-width space after "=" lets the heading wrap in a narrow dock (200 % zoom).
        form.addWidget(QLabel("Parameters  (requires_grad=\u200bTrue)"))
        form.addWidget(self.params)
        form.addWidget(QLabel("Inputs  (constants)"))
        form.addWidget(self.inputs)
        form.addWidget(QLabel("Forward program  (last line is the output)"))
        self.forward_edit = QPlainTextEdit()
        self.forward_edit.setObjectName("forwardEdit")
        self.forward_edit.setFont(theme.monospace_font())
        self.forward_edit.setTabChangesFocus(True)
        # Lines wrap at spaces only, never inside a name (u1 #13: "…_with_logit⏎s(z, y)");
        # a chunk wider than the box scrolls sideways (Qt adds the scroll bar) instead.
        self.forward_edit.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self.forward_edit.setMinimumHeight(70)
        self.forward_edit.setMaximumHeight(130)
        form.addWidget(self.forward_edit)
        self.errors["forward"] = _error_label("forward")
        form.addWidget(self.errors["forward"])
        return box

    def _build_training_group(self) -> QGroupBox:
        box = QGroupBox("Training")
        form = QFormLayout(box)
        self.number_edits: dict[str, QLineEdit] = {}
        for key, label in (("lr", "lr"), ("momentum", "momentum"), ("weight_decay", "weight decay")):
            edit = QLineEdit()
            edit.setObjectName(f"{key}Edit")
            self.number_edits[key] = edit
            self.errors[key] = _error_label(key)
            form.addRow(label, edit)
            form.addRow(self.errors[key])
        self.update_combo = self._combo("updateCombo", UPDATE_MODES)
        self.zero_grad_combo = self._combo("zeroGradModeCombo", ZERO_GRAD_MODES)
        form.addRow("update", self.update_combo)
        form.addRow("zero_grad", self.zero_grad_combo)
        self.auto_zero_grad_check = QCheckBox()
        self.auto_zero_grad_check.setObjectName("autoZeroGradCheck")
        self.auto_zero_grad_check.setChecked(self._auto_action.isChecked())
        self.auto_zero_grad_check.toggled.connect(self._auto_action.setChecked)
        self._auto_action.toggled.connect(self.auto_zero_grad_check.setChecked)
        form.addRow(wrapped_check(self.auto_zero_grad_check, "auto zero_grad after each Iterate"))
        self.seed_spin = QSpinBox()
        self.seed_spin.setObjectName("seedSpin")
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip("torch.Generator().manual_seed(seed) for randn / rand specs")
        form.addRow("seed", self.seed_spin)
        self.errors["seed"] = _error_label("seed")
        form.addRow(self.errors["seed"])
        return box

    def _build_backward_group(self) -> QGroupBox:
        box = QGroupBox("Backward")
        form = QFormLayout(box)
        self.gradient_edit = QLineEdit()
        self.gradient_edit.setObjectName("gradientEdit")
        self.gradient_edit.setPlaceholderText("empty for a scalar output")
        self.gradient_edit.setToolTip("out.backward(v): v is needed when the output is not a scalar")
        form.addRow("v", self.gradient_edit)
        self.errors["gradient"] = _error_label("gradient")
        form.addRow(self.errors["gradient"])
        self.retain_graph_check = QCheckBox()
        self.retain_graph_check.setObjectName("retainGraphCheck")
        form.addRow(wrapped_check(self.retain_graph_check, "retain_graph=\u200bTrue"))
        return box

    @staticmethod
    def _combo(name: str, items: tuple[tuple[str, str], ...]) -> QComboBox:
        combo = ElidingCombo()
        combo.setObjectName(name)
        for text, value in items:
            combo.addItem(text, value)
        return combo

    # -- keyboard -------------------------------------------------------------------
    def release_keyboard(self) -> None:
        """Esc: the keyboard leaves the panel for the window (its single-letter keys)."""
        self.window().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_first(self) -> None:
        """Put the keyboard in the first field (the presets list, which opens only on a key)."""
        self.preset_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def tab_chain(self) -> list[QWidget]:
        """The panel's fields in screen order, top to bottom, left to right."""
        chain: list[QWidget] = [self.preset_combo]
        for rows in (self.params, self.inputs):
            chain += rows.tab_chain()
        chain += [self.forward_edit, *self.number_edits.values(), self.update_combo,
                  self.zero_grad_combo, self.auto_zero_grad_check, self.seed_spin,
                  self.gradient_edit, self.retain_graph_check, self.apply_button]
        return chain

    def _fix_tab_order(self) -> None:
        """Tab follows the screen (rows added later would otherwise come last)."""
        chain = self.tab_chain()
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    # -- reading and writing ------------------------------------------------------
    def load_config(self, config: Mapping[str, Any], *, gradient: str | None = None,
                    retain_graph: bool = False) -> None:
        """Show ``config`` (Session keyword arguments) in the widgets."""
        self.clear_errors()
        self.params.set_specs(config.get("params", {}))
        self.inputs.set_specs(config.get("inputs", {}))
        self.forward_edit.setPlainText(str(config.get("forward", "")))
        for key, edit in self.number_edits.items():
            edit.setText(repr(float(config.get(key, 0.1 if key == "lr" else 0.0))))
            set_pending(edit, False)
        self.update_combo.setCurrentIndex(self.update_combo.findData(config.get("update", "optimizer")))
        self.zero_grad_combo.setCurrentIndex(
            self.zero_grad_combo.findData(config.get("zero_grad_mode", "zeros")))
        self._auto_action.setChecked(bool(config.get("auto_zero_grad", False)))
        self.seed_spin.setValue(int(config.get("seed", 0)))
        self.optimizer_block.load_config(config)  # its combo's signals are blocked meanwhile
        self._name_update_mode()
        self.gradient_edit.setText(_spec_text(gradient) if gradient is not None else "")
        self.retain_graph_check.setChecked(retain_graph)
        self._forget_stale_preset(config)
        self._fix_tab_order()

    def _forget_stale_preset(self, config: Mapping[str, Any]) -> None:
        """The presets box names the model shown, or goes back to "Presets…".

        A lesson, an opened file or an undo loads another model: the last preset's name
        would then sit above a model it does not describe (t5 trial).
        """
        preset = self.preset_combo.currentData()
        if isinstance(preset, Preset) and _model_key(preset.config) != _model_key(config):
            self.preset_combo.setCurrentIndex(0)

    def config(self) -> dict[str, Any]:
        """The pending Session keyword arguments; FieldError for an unreadable number."""
        numbers: dict[str, float] = {}
        for key, edit in self.number_edits.items():
            try:
                numbers[key] = float(edit.text())
            except ValueError:
                raise FieldError(f"{key} must be a number, not {edit.text()!r}", key,
                                 hint="Type a number, like 0.1.") from None
        try:
            optimizer = self.optimizer_block.config()
        except FieldValueError as exc:
            raise FieldError(str(exc), "optimizer_options",
                             hint="Type the number(s) torch expects, or clear to the default.") from None
        return {
            **optimizer,
            "params": self.params.specs(),
            "inputs": self.inputs.specs(),
            "forward": self.forward_edit.toPlainText(),
            **numbers,
            "seed": self.seed_spin.value(),
            "update": self.update_combo.currentData(),
            "zero_grad_mode": self.zero_grad_combo.currentData(),
            "auto_zero_grad": self._auto_action.isChecked(),
        }

    def gradient(self) -> str | None:
        """The v for ``out.backward(v)``, or None when the field is empty."""
        return self.gradient_edit.text().strip() or None

    def retain_graph(self) -> bool:
        """Whether Backward passes ``retain_graph=True``."""
        return self.retain_graph_check.isChecked()

    # -- errors --------------------------------------------------------------
    def _watch_edits(self) -> None:
        """Every field that feeds the Session re-checks a shown error when edited."""
        self.forward_edit.textChanged.connect(self._on_field_edited)
        for edit in self.number_edits.values():
            edit.textChanged.connect(self._on_field_edited)
        for combo in (self.update_combo, self.zero_grad_combo):
            combo.currentIndexChanged.connect(self._on_field_edited)
        self.seed_spin.valueChanged.connect(self._on_field_edited)
        for rows in (self.params, self.inputs):
            rows.edited.connect(self._on_field_edited)

    def _on_field_edited(self, *_args: object) -> None:
        if self._showing_error:
            self._recheck_timer.start()

    def recheck(self) -> None:
        """Build a throwaway Session from the fields: clear the errors if it builds."""
        self._recheck_timer.stop()
        if not self._showing_error:
            return
        from ui.controller import build_session  # torch is loaded: an error came from a build

        try:
            build_session(self.config())
        except Exception as exc:  # noqa: BLE001 - any refusal is shown, never raised
            self.clear_errors()
            if not self.show_error(exc):
                self._showing_error = True  # not a field of ours: the banner shows it
            self.rechecked.emit(exc)
            return
        self.clear_errors()
        self.rechecked.emit(None)

    def show_error(self, exc: BaseException) -> bool:
        """Show ``exc`` beside its field; False when it names no field of this panel."""
        self._showing_error = True
        field = getattr(exc, "field", None) or ""
        message = getattr(exc, "message", str(exc))
        kind, _, name = field.partition(".")
        if kind in ("params", "inputs"):
            getattr(self, kind).show_error(name, message)
            return True
        label = self.errors.get(field)
        if label is None:
            return False
        line = getattr(exc, "line", None)
        prefix = f"line {line}: " if field == "forward" and line else ""
        # The engine's message often names the line already ("line 1 (`…`): …"): say it once.
        said = bool(line) and message.lower().startswith(f"line {line}")
        label.setText(message if not prefix or said else prefix + message)
        label.show()
        widget = self._field_widgets().get(field)
        if widget is not None:
            _set_flag(widget, "error", True)
        return True

    def _field_widgets(self) -> dict[str, QWidget]:
        return {"forward": self.forward_edit, "gradient": self.gradient_edit, **self.number_edits}

    def clear_errors(self) -> None:
        """Hide every field error."""
        self._showing_error = False
        self.params.clear_errors()
        self.inputs.clear_errors()
        for label in self.errors.values():
            label.hide()
        for widget in self._field_widgets().values():
            _set_flag(widget, "error", False)

    # -- slots ---------------------------------------------------------------
    def _on_live_refused(self, key: str, message: str) -> None:
        """Enter in lr / momentum with text that is no number: said beside the field."""
        error = FieldError(message, key, hint="Type a number, like 0.1.")
        self.clear_errors()
        self.show_error(error)
        self.rechecked.emit(error)  # the banner says it too, until the field is fixed

    def _on_live_entered(self, key: str) -> None:
        """The running optimizer took the value: an error beside the field no longer holds."""
        edit = self.number_edits[key]
        if not is_pending(edit):
            self.errors[key].hide()
            _set_flag(edit, "error", False)

    def _on_preset_combo_activated(self, index: int) -> None:
        preset = self.preset_combo.itemData(index)
        if isinstance(preset, Preset):
            self.preset_chosen.emit(preset)

    def _name_update_mode(self, *_args: object) -> None:
        """The "update" box names the optimizer the Optimizer block will build."""
        index = self.update_combo.findData("optimizer")
        self.update_combo.setItemText(index, update_mode_text(self.optimizer_block.torch_class()))

    def _on_app_font_changed(self, _font: object) -> None:
        self.forward_edit.setFont(theme.monospace_font())
