"""Rules of the house that a test can hold: the kernel imports no UI, the CLI no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys

KERNEL_MODULES = [
    "hbdesk.kernel",
    "hbdesk.kernel.kernel",
    "hbdesk.kernel.db",
    "hbdesk.kernel.events",
    "hbdesk.kernel.secrets",
    "hbdesk.kernel.services",
    "hbdesk.settings",
    "hbdesk.routing",
    "hbdesk.runtime",
    "hbdesk_plugins.accounts.service",
    "hbdesk_plugins.connectors.catalog",
]


def imported_after(statement: str) -> set[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_kernel_imports_neither_textual_nor_aiohttp() -> None:
    modules = top_level(imported_after("\n".join(f"import {m}" for m in KERNEL_MODULES)))
    assert "textual" not in modules
    assert "aiohttp" not in modules


def test_cli_and_app_modules_do_not_import_hummingbot_or_pandas() -> None:
    modules = top_level(imported_after("import hbdesk.cli, hbdesk.tui.app, hbdesk.plugins"))
    assert "hummingbot" not in modules
    assert "pandas" not in modules


def test_loading_every_plugin_imports_no_heavy_library() -> None:
    modules = top_level(imported_after("from hbdesk.plugins import load_plugins; load_plugins()"))
    assert {"hummingbot", "pandas", "textual", "aiohttp"} & modules == set()


def test_the_first_frame_is_drawn_before_hummingbot_is_imported(tmp_path) -> None:
    code = f"""
import os, sys
os.environ["HBDESK_DATA_DIR"] = {str(tmp_path)!r}
from hbdesk.runtime import create_desk
from hbdesk.tui.app import DeskApp
app = DeskApp(create_desk())
seen = {{}}
def first_frame():
    seen["hummingbot"] = "hummingbot" in sys.modules
    seen["header"] = str(app.screen.query_one("#desk-header").render())
    app.exit()
app.call_later(lambda: app.call_after_refresh(first_frame))
app.run(headless=True)
print(seen["hummingbot"], "kernel:" in seen["header"])
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "False True", out.stdout + out.stderr
