""""PyTorch says" in the Lesson tab: which tensors a step is about, read from the live
session and printed as ``print`` shows them, packed side by side into the pane.

A mixin of :class:`ui.lesson_view.LessonPanel`. The numbers come from the lesson
engine (``actual_value``) and torch's own printing (:mod:`ui.lesson_text`).
"""

from __future__ import annotations

import html
from typing import Any

from playground.lessons import actual_value  # torch-free until used
from ui import theme
from ui.lesson_layout import unbroken_width, values_html
from ui.lesson_text import APP_NOTE_KEYS, TRACE_PREFIX, app_note, printed_value, trace_note


class LessonSays:
    """Needs the panel's ``session``, ``values_label`` and ``body_scroll``."""

    session: Any
    values_label: Any
    body_scroll: Any

    def _set_values(self, rich_text: str) -> None:
        """What PyTorch says, at least as wide as its widest printed line: a word-wrapped
        label would not ask for it, and the line would be broken where print never does."""
        self.values_label.setText(rich_text)
        self.values_label.setMinimumWidth(unbroken_width(rich_text, self.values_label.font()))

    def shown_keys(self, step: Any) -> list[str]:
        """What "PyTorch says" shows for ``step``: its ``expect`` keys, then the tensors its
        actions touch (grads after backward or zero_grad, values after a step, the output
        after a forward), each once."""
        params = list(self.session.param_names) if self.session is not None else []
        output = self.session.output_name if self.session is not None else None
        touched: dict[str, list[str]] = {
            "forward": [output] if output else [],
            "backward": [f"{p}.grad" for p in params],
            "zero_grad": [f"{p}.grad" for p in params],
            "step": [*params, *(f"{p}.grad" for p in params)],
            "iterate": [*params, *(f"{p}.grad" for p in params)],
        }
        keys = list(step.expect)
        for method, kwargs in step.actions:
            if method == "set_requires_grad" and kwargs.get("name"):
                keys.append(f"{kwargs['name']}.requires_grad")
            keys += touched.get(method, [])
        return list(dict.fromkeys(keys))

    def _values_html(self, step: Any) -> str:
        """``key = value`` for each key of :meth:`shown_keys`, read from the live session,
        side by side where the pane's width allows."""
        if self.session is None:
            return ""
        rows, notes = [], []
        traced: dict[int, dict[str, Any]] = {}  # node -> field -> value: one note a node
        for key in self.shown_keys(step):
            if key.startswith(TRACE_PREFIX):
                self._read_trace(key, traced, notes)
                continue
            try:
                value = actual_value(self.session, key)
                if key in APP_NOTE_KEYS:  # the app's state, not a print: worded as our note
                    notes.append(app_note(key, value))
                    continue
                text = printed_value(key, value)
            except Exception as exc:  # noqa: BLE001 - e.g. a tensor before any forward
                notes.append(f"{key}: {exc}")  # the app's words, not a print: they wrap
                continue
            rows.append((key, text))
        notes += [trace_note(index, fields) for index, fields in traced.items()]
        # The scroll bar's width is kept free whether it shows or not: packing must not
        # depend on whether the text it packs needs scrolling.
        width = self.body_scroll.width() - self.body_scroll.verticalScrollBar().sizeHint().width() - 8
        mono = theme.monospace_font()
        mono.setPointSizeF(self.values_label.font().pointSizeF())
        note = "<br>".join(f"<i>{html.escape(n)}</i>" for n in notes)
        said = values_html(rows, width, mono, self.values_label.font())
        return "<br>".join(part for part in (said, note) if part)

    def _read_trace(self, key: str, traced: dict[int, dict[str, Any]], notes: list[str]) -> None:
        """``trace.<node>.<field>`` into ``traced`` (with the node's label, for its note)."""
        index_text, _, field = key[len(TRACE_PREFIX):].partition(".")
        try:
            index = int(index_text)
            fields = traced.setdefault(index, {})
            if "label" not in fields:
                fields["label"] = actual_value(self.session, f"{TRACE_PREFIX}{index}.label")
            fields[field] = actual_value(self.session, key)
        except Exception as exc:  # noqa: BLE001 - e.g. no backward yet
            notes.append(f"{key}: {exc}")
