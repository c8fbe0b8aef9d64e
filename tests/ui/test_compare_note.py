"""The "Compare on: both runs restart…" note goes with compare (s6 trial item 2)."""

from __future__ import annotations

from typing import Any

from ui.controller import COMPARE_NOTE


def note_shown(window: Any) -> bool:
    return window.banner.isVisible() and COMPARE_NOTE in window.banner.text


def test_the_compare_note_goes_when_compare_does(make_window: Any) -> None:
    window = make_window()
    window.action("actionIterate").trigger()
    window.action("actionCompare").trigger()
    assert note_shown(window)
    window.action("actionCompare").trigger()
    assert not note_shown(window) and window.banner.isHidden()


def test_the_compare_note_does_not_survive_a_preset(make_window: Any) -> None:
    from ui.presets import presets

    window = make_window()
    window.action("actionIterate").trigger()
    window.action("actionCompare").trigger()
    assert note_shown(window)
    window.model_panel.preset_chosen.emit(presets()[1])
    assert not note_shown(window)


def test_other_notes_stay_when_compare_goes(make_window: Any) -> None:
    window = make_window()
    window.action("actionCompare").trigger()
    window.banner.show_info("Opened 20 rows: column(s) x, y are now inputs.")
    window.action("actionCompare").trigger()
    assert window.banner.isVisible() and "Opened 20 rows" in window.banner.text
