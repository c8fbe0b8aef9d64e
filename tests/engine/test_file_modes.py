"""Files are written with the user's umask, as a plain open() would write them."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.persist import current_umask, write_text_atomically


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077, 0o027])
def test_a_new_file_gets_the_mode_plain_open_gives(tmp_path: Path, umask: None, mask: int) -> None:
    os.umask(mask)
    assert current_umask() == mask
    plain = tmp_path / "plain.txt"
    plain.write_text("x")  # the oracle: what open(path, "w") gives under this umask
    ours = tmp_path / "handout.py"
    write_text_atomically(ours, "print('hello')\n")
    assert ours.read_text() == "print('hello')\n"
    assert _mode(ours) == _mode(plain) == 0o666 & ~mask


def test_an_existing_file_keeps_its_mode(tmp_path: Path, umask: None) -> None:
    os.umask(0o022)
    target = tmp_path / "run.json"
    target.write_text("old")
    target.chmod(0o640)
    write_text_atomically(target, "new")
    assert target.read_text() == "new" and _mode(target) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]  # no temporary file left
