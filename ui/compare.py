"""Compare any one setting: which setting the compare twin changes, to what, and how to say it.

The twin is the main session's config with exactly one field replaced
(:func:`twin_config`), so both start from the same initial values (random
specs draw from the same seed). :class:`CompareBar` is the row that lets the
user pick the field and the twin's value while compare is on; the legend, the
tensor table and the exported script read :func:`describe` ("lr 0.1 vs 0.01").
A run's settings can change mid-run (the model panel's lr box calls
``s.set_lr``): :func:`live_settings` reads them as they are now, and
:class:`LabelWatch` says when the labels may have to follow.
No torch here: only config dictionaries and the sessions' own properties.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

#: The settings a twin may differ in: config key -> label shown to the user.
SETTINGS: dict[str, str] = {
    "auto_zero_grad": "auto zero_grad",
    "lr": "lr",
    "momentum": "momentum",
    "weight_decay": "weight decay",
    "optimizer": "optimizer",
    "zero_grad_mode": "zero_grad mode",
}
#: Choices for the settings that are not numbers.
CHOICES: dict[str, tuple[Any, ...]] = {
    "auto_zero_grad": (True, False),
    "zero_grad_mode": ("zeros", "none"),
    "optimizer": ("sgd", "adam", "adamw", "rmsprop", "adagrad"),
}
NUMERIC = ("lr", "momentum", "weight_decay")
DEFAULT_KEY = "auto_zero_grad"


@dataclass(frozen=True)
class CompareSetting:
    """The one setting the twin changes (``key``) and the twin's value for it."""

    key: str = DEFAULT_KEY
    value: Any = None  # None: the default other value (see default_other)


def current(config: Mapping[str, Any], key: str) -> Any:
    """The main session's value of ``key`` (optimizer "sgd" when the config has none)."""
    if key == "optimizer":
        return config.get("optimizer", "sgd") if config.get("update", "optimizer") == "optimizer" \
            else "manual"
    return config.get(key)


def default_other(key: str, value: Any) -> Any:
    """A sensible twin value that differs from ``value``: lr/10, momentum 0.9, Adam, …"""
    if key == "auto_zero_grad":
        return not bool(value)
    if key == "lr":
        return float(value) / 10 if value else 0.1
    if key == "momentum":
        return 0.0 if value else 0.9
    if key == "weight_decay":
        return 0.0 if value else 0.01
    if key == "zero_grad_mode":
        return "none" if value == "zeros" else "zeros"
    if key == "optimizer":
        return "adam" if value == "sgd" else "sgd"
    raise KeyError(key)


def twin_value(config: Mapping[str, Any], setting: CompareSetting) -> Any:
    """The value the twin uses for the compared setting."""
    if setting.value is not None:
        return setting.value
    return default_other(setting.key, current(config, setting.key))


def twin_config(config: Mapping[str, Any], setting: CompareSetting) -> dict[str, Any]:
    """``config`` with the compared setting replaced by the twin's value."""
    value = twin_value(config, setting)
    out = dict(config)
    if setting.key == "optimizer":
        out["update"] = "optimizer"  # a manual update has no optimizer to swap
    out[setting.key] = value
    return out


def show(key: str, value: Any) -> str:
    """A setting's value as a student reads it: 0.1, on/off, Adam."""
    if key == "auto_zero_grad":
        return "on" if value else "off"
    if key == "optimizer":
        return {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop",
                "adagrad": "Adagrad", "manual": "manual"}.get(str(value), str(value))
    if key == "zero_grad_mode":
        return "set_to_none" if value == "none" else "zeros"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def describe(config: Mapping[str, Any], setting: CompareSetting) -> str:
    """What differs, main first: ``"lr 0.1 vs 0.01"``."""
    label = SETTINGS[setting.key]
    main = show(setting.key, current(config, setting.key))
    return f"{label} {main} vs {show(setting.key, twin_value(config, setting))}"


def main_label(config: Mapping[str, Any], setting: CompareSetting) -> str:
    """The main run's own tag: ``"lr 0.1"``."""
    return f"{SETTINGS[setting.key]} {show(setting.key, current(config, setting.key))}"


def twin_label(config: Mapping[str, Any], setting: CompareSetting) -> str:
    """The twin's own tag for legends and tables: ``"lr 0.01"``."""
    return f"{SETTINGS[setting.key]} {show(setting.key, twin_value(config, setting))}"


def live_settings(session: Any, **overrides: Any) -> dict[str, Any]:
    """``session``'s settings as they are now: its config, with the lr and momentum a
    mid-run ``s.set_lr`` / ``s.set_momentum`` changed (``session.lr``, ``session.momentum``)."""
    config = session.config
    settings = {name: getattr(config, name) for name in config.__dataclass_fields__}
    for key in ("lr", "momentum"):
        value = getattr(session, key, None)
        if isinstance(value, int | float):
            settings[key] = float(value)
    return {**settings, **overrides}


def describe_runs(main: Mapping[str, Any], twin: Mapping[str, Any], key: str) -> str:
    """What differs between two runs' settings (see :func:`live_settings`): ``"lr 0.05 vs 0.01"``."""
    return f"{SETTINGS[key]} {show(key, current(main, key))} vs {show(key, current(twin, key))}"


def run_label(settings: Mapping[str, Any], key: str) -> str:
    """One run's tag from its settings: ``"lr 0.01"``."""
    return f"{SETTINGS[key]} {show(key, current(settings, key))}"


#: The recorded actions that change a run's settings mid-run.
SETTING_ACTIONS = ("set_lr", "set_momentum")


class LabelWatch(QObject):
    """Says (``changed``, once per event-loop turn) when the compare labels may be stale:
    a mid-run lr or momentum change, a reset or a move in time of the runs it follows.

    The filter on each action is one tuple lookup, so auto-run pays nothing for it.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sessions: list[Any] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.changed)

    def follow(self, *sessions: Any) -> None:
        """Follow ``sessions`` (None entries skipped) instead of the ones followed so far."""
        for session in self._sessions:
            for signal, slot in self._pairs(session):
                signal.disconnect(slot)
        self._sessions = [s for s in sessions if s is not None]
        for session in self._sessions:
            for signal, slot in self._pairs(session):
                signal.connect(slot)

    def _pairs(self, session: Any) -> list[tuple[Any, Any]]:
        events = session.events
        pairs = [(events.action_done, self._on_action_done), (events.reset, self.schedule)]
        moved = getattr(events, "moved", None)
        return pairs + ([(moved, self.schedule)] if moved is not None else [])

    def _on_action_done(self, record: Any) -> None:
        if record.action in SETTING_ACTIONS:
            self.schedule()

    def schedule(self, *_args: Any) -> None:
        """Emit ``changed`` at the next turn of the event loop (both runs have acted by then)."""
        self._timer.start()


def parse_value(key: str, text: str) -> Any:
    """The twin value typed or chosen for ``key``; ValueError with a student's message."""
    if key in CHOICES:
        for choice in CHOICES[key]:
            if text in (str(choice), show(key, choice)):
                return choice
        raise ValueError(f"{SETTINGS[key]} must be one of "
                         + ", ".join(show(key, c) for c in CHOICES[key]))
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"the twin's {SETTINGS[key]} must be a number, like 0.01") from None
    if not 0 <= value <= 1e6:
        raise ValueError(f"the twin's {SETTINGS[key]} must be between 0 and 1e6")
    return value


class CompareBar(QWidget):
    """The row shown while compare is on: "Twin differs in [lr ▾]: [0.01]   lr 0.1 vs 0.01".

    Signals
    -------
    setting_changed(object)
        The user chose a new :class:`CompareSetting` (its value already parsed).
    """

    setting_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareBar")
        self._config: Mapping[str, Any] = {}
        self._twin: Mapping[str, Any] | None = None
        self.setting = CompareSetting()
        self.key_combo = QComboBox()
        self.key_combo.setObjectName("compareKeyCombo")
        self.key_combo.setToolTip("The one setting in which the dashed twin run differs")
        for key, label in SETTINGS.items():
            self.key_combo.addItem(label, key)
        self.choice_combo = QComboBox()
        self.choice_combo.setObjectName("compareChoiceCombo")
        self.value_edit = QLineEdit()
        self.value_edit.setObjectName("compareValueEdit")
        self.value_edit.setMaximumWidth(110)
        self.value_edit.setToolTip("The twin's value; Enter applies it and restarts both runs")
        self.summary = QLabel()
        self.summary.setObjectName("compareSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Alt+D and Alt+W reach the two fields from the keyboard.
        caption = QLabel("Twin (dashed) &differs in")
        caption.setBuddy(self.key_combo)
        value_caption = self._value_caption = QLabel("t&win value")
        layout.addWidget(caption)
        layout.addWidget(self.key_combo)
        layout.addWidget(value_caption)
        layout.addWidget(self.choice_combo)
        layout.addWidget(self.value_edit)
        layout.addWidget(self.summary, 1)
        self.key_combo.activated.connect(self._on_key_combo_activated)
        self.choice_combo.activated.connect(self._on_choice_combo_activated)
        self.value_edit.returnPressed.connect(self._on_value_edit_return_pressed)
        self._show()

    def set_config(self, config: Mapping[str, Any], setting: CompareSetting | None = None,
                   twin: Mapping[str, Any] | None = None) -> None:
        """Follow the main session's settings (what "vs" compares against), the compared
        one, and the twin's settings as they are now (None: as the setting makes them)."""
        self._config = dict(config)
        self._twin = None if twin is None else dict(twin)
        if setting is not None:
            self.setting = setting
        self._show()

    def _show(self) -> None:
        key = self.setting.key
        self.key_combo.setCurrentIndex(self.key_combo.findData(key))
        twin = self._twin if self._twin is not None and self._config else None
        value = twin_value(self._config, self.setting) if self._config else None
        if twin is not None:
            value = current(twin, key)
        choices = key in CHOICES
        self.choice_combo.setVisible(choices)
        self.value_edit.setVisible(not choices)
        self._value_caption.setBuddy(self.choice_combo if choices else self.value_edit)
        if choices:
            self.choice_combo.clear()
            for choice in CHOICES[key]:
                self.choice_combo.addItem(show(key, choice), choice)
            self.choice_combo.setCurrentIndex(max(0, self.choice_combo.findData(value)))
        elif value is not None:
            self.value_edit.setText(show(key, value))
        if twin is not None:
            self.summary.setText(describe_runs(self._config, twin, key))
        else:
            self.summary.setText(describe(self._config, self.setting) if self._config else "")

    def choose(self, key: str, value: Any = None) -> None:
        """Pick ``key`` (and the twin's value, default: a sensible other one) and announce it."""
        self.setting = CompareSetting(key, value)
        self._twin = None  # the twin is rebuilt with this setting: say what it will be
        self._show()
        self.setting_changed.emit(self.setting)

    def _on_key_combo_activated(self, index: int) -> None:
        self.choose(self.key_combo.itemData(index))

    def _on_choice_combo_activated(self, index: int) -> None:
        self.choose(self.setting.key, self.choice_combo.itemData(index))

    def _on_value_edit_return_pressed(self) -> None:
        try:
            value = parse_value(self.setting.key, self.value_edit.text().strip())
        except ValueError as exc:
            self.summary.setText(str(exc))
            return
        self.choose(self.setting.key, value)
