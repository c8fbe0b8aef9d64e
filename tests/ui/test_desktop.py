"""Desktop integration: the .desktop entry, its icon, the install command, the window's name."""

from __future__ import annotations

import configparser
import os
import subprocess
from pathlib import Path

from PySide6.QtGui import QGuiApplication

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ROOT / "desktop" / "training-loop-playground.desktop"


def test_the_entry_names_the_app_its_icon_and_command() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ENTRY, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Name"] == "Training Loop Playground"
    assert entry["Exec"] == "playground" and entry["Icon"] == "training-loop-playground"
    assert "Education" in entry["Categories"].split(";")


def test_install_desktop_puts_entry_and_icon_in_the_users_folders(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([str(ROOT / "tools" / "install-desktop")], env=env, check=True,
                   capture_output=True)
    installed = tmp_path / "applications" / "training-loop-playground.desktop"
    icon = tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "training-loop-playground.svg"
    assert icon.read_bytes() == (ROOT / "resources" / "icons" / "app.svg").read_bytes()
    exec_line = [ln for ln in installed.read_text().splitlines() if ln.startswith("Exec=")]
    assert exec_line == [f'Exec="{ROOT}/tools/launch"']  # no `playground` on this PATH
    subprocess.run([str(ROOT / "tools" / "install-desktop"), "--uninstall"], env=env, check=True,
                   capture_output=True)
    assert not installed.exists() and not icon.exists()


def test_the_application_names_its_desktop_file(qapp: object) -> None:
    from ui.app import DESKTOP_FILE, make_application

    name, org = QGuiApplication.applicationName(), QGuiApplication.organizationName()
    try:
        make_application([])
        assert QGuiApplication.desktopFileName() == DESKTOP_FILE == ENTRY.stem
        assert not QGuiApplication.windowIcon().isNull()
    finally:  # the tests' own names keep their settings apart from the user's
        QGuiApplication.setApplicationName(name)
        QGuiApplication.setOrganizationName(org)
