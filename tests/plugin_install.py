"""Installs the test plugins the way pip would: a module and its dist-info on sys.path."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "example_plugin"


def install_plugin(site: Path, module: str, entry_name: str, version: str = "0.3.0") -> None:
    shutil.copy(FIXTURES / f"{module}.py", site / f"{module}.py")
    dist = site / f"{module}-{version}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {module.replace('_', '-')}\nVersion: {version}\n"
    )
    (dist / "entry_points.txt").write_text(f"[hbdesk.plugins]\n{entry_name} = {module}\n")


@pytest.fixture
def plugin_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    yield site
    for name in list(sys.modules):
        fixture = name.startswith(("hbdesk_example", "hbdesk_offset", "broken", "misspelt"))
        if fixture and name.endswith("_plugin"):
            del sys.modules[name]
