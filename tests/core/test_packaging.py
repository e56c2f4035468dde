"""The wheel carries every package and data file of the source tree, found, not hand-listed."""

from __future__ import annotations

import configparser
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hbdesk.plugins import DEFAULT_PLUGINS

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("hbdesk", "hbdesk_plugins", "hbdesk_themes")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("hbdesk-*.whl")
    return zipfile.ZipFile(built)


def source_files() -> set[str]:
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                found.add(path.relative_to(ROOT).as_posix())
    return found


def test_every_source_and_data_file_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    shipped = set(wheel.namelist())
    missing = sorted(source_files() - shipped)
    assert missing == []
    assert any(name.endswith("migrations/accounts_0001_initial.py") for name in shipped)
    assert "hbdesk/kernel/migrations/script.py.mako" in shipped
    assert not [name for name in shipped if "__pycache__" in name]


def test_the_wheel_declares_every_built_in_plugin(wheel: zipfile.ZipFile) -> None:
    [entry_points] = [name for name in wheel.namelist() if name.endswith(".dist-info/entry_points.txt")]
    parser = configparser.ConfigParser()
    parser.read_string(wheel.read(entry_points).decode())
    declared = dict(parser["hbdesk.plugins"])
    assert set(DEFAULT_PLUGINS) <= set(declared)
    for module in declared.values():
        assert f"{module.replace('.', '/')}/__init__.py" in wheel.namelist(), module
