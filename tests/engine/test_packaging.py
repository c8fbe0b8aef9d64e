"""Packaging rules: the pins agree with the ranges, and no data file is left out of the wheel.

Static checks on ``pyproject.toml`` and ``constraints.txt`` (no build, no
network), so they are cheap enough to run with every test run.
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.version import Version

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("playground", "ui", "resources")


def pyproject() -> dict[str, Any]:
    """The parsed ``pyproject.toml``."""
    with (REPO_ROOT / "pyproject.toml").open("rb") as fh:
        data: dict[str, Any] = tomllib.load(fh)
    return data


def pins() -> dict[str, Version]:
    """``constraints.txt`` as {normalised name: pinned version}; every line must be ``name==version``."""
    result: dict[str, Version] = {}
    for raw in (REPO_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"not an exact pin: {raw!r}"
        assert "*" not in specs[0].version, f"wildcard pin: {raw!r}"
        result[_norm(req.name)] = Version(specs[0].version)
    return result


def _norm(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _requirements() -> list[Requirement]:
    project = pyproject()["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project.get("optional-dependencies", {}).values():
        reqs += [Requirement(r) for r in extra]
    return reqs


def _py311_env() -> dict[str, str]:
    # The tested interpreter, whatever runs this test.
    return {**default_environment(), "python_version": "3.11", "python_full_version": "3.11.7"}


def test_every_dependency_is_pinned_within_its_range() -> None:
    pinned = pins()
    env = _py311_env()
    checked = 0
    for req in _requirements():
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        name = _norm(req.name)
        assert name in pinned, f"{req.name} has no exact pin in constraints.txt"
        assert req.specifier.contains(pinned[name], prereleases=True), (
            f"constraints.txt pins {req.name}=={pinned[name]}, outside pyproject's {req}"
        )
        checked += 1
    assert checked >= 6


def test_pyside6_stays_below_612_on_python_311() -> None:
    # PySide6 6.12.0 aborts Python 3.11 ("Fatal Python error: none_dealloc").
    env = _py311_env()
    ranges = [
        r for r in _requirements() if _norm(r.name) == "pyside6-essentials" and (r.marker is None or r.marker.evaluate(env))
    ]
    assert len(ranges) == 1
    assert not ranges[0].specifier.contains("6.12.0")
    assert ranges[0].specifier.contains("6.11.3")
    assert "pyside6" not in {_norm(r.name) for r in _requirements()}, "full PySide6 is not wanted"


def test_torch_pin_is_exact_and_cpu_friendly() -> None:
    # An open range pulls the multi-GB CUDA build; only an exact pin takes the local CPU wheel.
    assert pins()["torch"] == Version("2.13.0")


def test_gui_script_points_at_ui_app_main() -> None:
    assert pyproject()["project"]["gui-scripts"] == {"playground": "ui.app:main"}


def _data_patterns() -> list[str]:
    package_data: dict[str, list[str]] = pyproject()["tool"]["setuptools"]["package-data"]
    return package_data.get("*", [])


@pytest.mark.parametrize("package", PACKAGES)
def test_every_data_file_is_shipped(package: str) -> None:
    # A file the package-data globs miss works in a checkout and vanishes from the wheel.
    patterns = _data_patterns()
    root = REPO_ROOT / package
    assert root.is_dir()
    missed = [
        path.relative_to(REPO_ROOT).as_posix()
        for path in root.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix != ".py"
        and not any(fnmatch.fnmatch(path.name, pat) for pat in patterns)
    ]
    assert missed == [], f"not matched by [tool.setuptools.package-data]: {missed}"


def test_package_discovery_covers_the_three_packages() -> None:
    find = pyproject()["tool"]["setuptools"]["packages"]["find"]
    assert find["namespaces"] is True  # data-only folders have no __init__.py
    for package in PACKAGES:
        assert any(fnmatch.fnmatch(package, pat) for pat in find["include"])
        assert any(fnmatch.fnmatch(f"{package}.sub", pat) for pat in find["include"])
