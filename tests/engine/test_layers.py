"""Layer rules for the engine package, checked for real.

``playground/`` is pure Python + torch: importing it must load no Qt, no
pyqtgraph and no ``ui`` module, and its source must never hand text to
``eval``/``exec``/``compile``/``__import__``. Each rule is checked on the real
package, and each checker is also run on a small bad example, so a checker
that silently finds nothing would fail here too.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ENGINE_DIR = REPO_ROOT / "playground"

# Top-level packages the engine must never load, directly or through a dependency.
FORBIDDEN_PACKAGES = frozenset({"PySide6", "shiboken6", "pyqtgraph", "ui", "PyQt5", "PyQt6", "PySide2"})
# Builtins that turn text into code.
FORBIDDEN_BUILTINS = frozenset({"eval", "exec", "compile", "__import__"})

# Runs in a fresh interpreter: imports every module given on argv (after the
# root on sys.path) and prints which forbidden packages ended up loaded.
_PROBE = textwrap.dedent(
    """
    import importlib, json, sys
    root, forbidden, names = sys.argv[1], set(sys.argv[2].split(",")), sys.argv[3:]
    sys.path.insert(0, root)
    for name in names:
        importlib.import_module(name)
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in forbidden)
    print(json.dumps(loaded))
    """
)


def engine_sources(package_dir: Path = ENGINE_DIR) -> list[Path]:
    """Every ``.py`` file of a package, caches left out."""
    return sorted(p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts)


def module_names(package_dir: Path) -> list[str]:
    """Dotted module names for every source file under ``package_dir``.

    Taken from the file system rather than :mod:`pkgutil`, which skips
    sub-folders that have no ``__init__.py``; ``__main__`` is left out because
    importing it would run the program.
    """
    root = package_dir.parent
    names = [package_dir.name]
    for path in engine_sources(package_dir):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return sorted(set(names))


def forbidden_modules_loaded(root: Path, names: list[str]) -> list[str]:
    """Import ``names`` in a clean interpreter; return the forbidden modules it loaded."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(root), ",".join(sorted(FORBIDDEN_PACKAGES)), *names],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
    )
    if result.returncode != 0:
        pytest.fail(f"importing the modules failed:\n{result.stderr}", pytrace=False)
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def _forbidden_nodes(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        # A bare name covers calls (eval(s)) and aliases (f = eval; f(s)).
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_BUILTINS:
            yield node.lineno, f"use of builtin {node.id}"
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in FORBIDDEN_BUILTINS
            and isinstance(node.value, ast.Name)
            and node.value.id == "builtins"
        ):
            yield node.lineno, f"use of builtins.{node.attr}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FORBIDDEN_PACKAGES:
                    yield node.lineno, f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in FORBIDDEN_PACKAGES:
                yield node.lineno, f"from {node.module} import ..."


def forbidden_uses(source: str, filename: str = "<string>") -> list[str]:
    """Every forbidden builtin use or layer-breaking import in ``source``.

    Imports are checked statically as well as at import time because a lazy
    ``import PySide6`` inside a function would escape the import-time check.
    """
    tree = ast.parse(source, filename=filename)
    return [f"{filename}:{line}: {what}" for line, what in _forbidden_nodes(tree)]


# --- the rules, on the real engine ------------------------------------------------


def test_engine_has_sources() -> None:
    # Guards the two tests below against passing on an empty or moved package.
    assert ENGINE_DIR.is_dir()
    assert engine_sources(), "no .py files found under playground/"


def test_importing_engine_loads_no_qt_or_ui() -> None:
    names = module_names(ENGINE_DIR)
    assert "playground" in names and len(names) > 1
    loaded = forbidden_modules_loaded(REPO_ROOT, names)
    top = sorted({name.split(".")[0] for name in loaded})
    assert loaded == [], f"importing playground loaded UI-layer packages {top} ({len(loaded)} modules)"


def test_engine_source_has_no_eval_exec_or_ui_imports() -> None:
    problems: list[str] = []
    for path in engine_sources():
        rel = path.relative_to(REPO_ROOT).as_posix()
        problems += forbidden_uses(path.read_text(encoding="utf-8"), rel)
    assert problems == [], "\n".join(problems)


# --- the checkers themselves catch what they are meant to -------------------------


def test_import_probe_catches_a_qt_import(tmp_path: Path) -> None:
    pkg = tmp_path / "fake_engine"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("import json\n")
    (pkg / "sub" / "widgets.py").write_text("from PySide6 import QtCore\n")
    names = module_names(pkg)
    assert names == ["fake_engine", "fake_engine.sub.widgets"]
    loaded = forbidden_modules_loaded(tmp_path, names)
    assert "PySide6" in loaded and "PySide6.QtCore" in loaded


def test_import_probe_passes_a_clean_package(tmp_path: Path) -> None:
    pkg = tmp_path / "clean_engine"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("import json, math\n")
    assert forbidden_modules_loaded(tmp_path, module_names(pkg)) == []


def test_source_check_catches_eval_exec_compile_import() -> None:
    source = textwrap.dedent(
        """
        import builtins
        def f(text):
            a = eval(text)
            exec(text)
            code = compile(text, "<x>", "exec")
            mod = __import__(text)
            run = eval
            return builtins.exec(text)
        """
    )
    found = forbidden_uses(source)
    assert len(found) == 6, found
    for name in FORBIDDEN_BUILTINS:
        assert any(f"builtin {name}" in item for item in found), (name, found)
    assert any("builtins.exec" in item for item in found)


def test_source_check_catches_lazy_ui_imports() -> None:
    source = textwrap.dedent(
        """
        def plot():
            import pyqtgraph as pg
            from PySide6.QtWidgets import QWidget
            from ui.main_window import MainWindow
        """
    )
    assert len(forbidden_uses(source)) == 3


def test_source_check_allows_lookalikes() -> None:
    # Methods and relative imports that merely share a name are fine.
    source = textwrap.dedent(
        """
        import re
        from . import ui_text
        pattern = re.compile("a+")
        result = model.eval()
        torch.compile
        """
    )
    assert forbidden_uses(source) == []
