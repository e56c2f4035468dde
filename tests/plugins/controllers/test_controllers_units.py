"""The controllers plugin without a server: the confinement helper, the service's API for the
backtesting plugin, and ``hbdesk controllers import-bundled``."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from hbdesk.runtime import Desk
from hbdesk.sdk import InvalidInput, NotFound, confined
from hbdesk_plugins.controllers.bundled import import_bundled
from hbdesk_plugins.controllers.public import CONTROLLERS
from hbdesk_plugins.controllers.service import declared_type


def test_confined_refuses_what_leads_out(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (tmp_path / "secret").write_text("secret")
    (folder / "out").symlink_to(tmp_path / "secret")
    (folder / "loop").symlink_to(folder / "loop")
    assert confined(folder, "name", ".yml") == folder.resolve() / "name.yml"
    assert confined(folder, "a..b") == folder.resolve() / "a..b"
    for name in (
        "..",
        ".",
        "../secret",
        "/etc/passwd",
        "a/b",
        "a\\b",
        "a\x00b",
        ".hidden",
        "",
        "x" * 129,
        "out",
    ):
        with pytest.raises(InvalidInput):
            confined(folder, name)
    with pytest.raises(InvalidInput):
        confined(folder, "loop")


def test_the_declared_type_is_read_without_importing() -> None:
    assert declared_type("class C(MarketMakingControllerConfigBase):\n    x: int = 1\n") == "market_making"
    assert (
        declared_type("class C(base.DirectionalTradingControllerConfigBase): pass\n") == "directional_trading"
    )
    assert declared_type('class C(ControllerConfigBase):\n    controller_type: str = "market_making"\n') == (
        "market_making"
    )
    assert declared_type("class C(ControllerConfigBase): pass\n") == "generic"


async def test_load_config_and_controller_class(running_desk: Desk, data_dir: Path) -> None:
    controllers = running_desk.kernel.service(CONTROLLERS)
    config = await controllers.load_config(
        {"controller_name": "pure_market_making", "controller_type": "market_making", "buy_spreads": [0.01]}
    )
    assert config.id == "pure_market_making" and config.buy_spreads == [0.01]
    assert controllers.controller_class(config).__name__ == "PureMarketMaking"
    assert config.get_controller_class() is controllers.controller_class(config)  # hummingbot finds it too
    source = controllers.source_of(config)
    assert source.shipped and source.load_module().__name__ == source.module_name

    await controllers.save_config("grid_sol", {"controller_name": "grid", "controller_type": "generic"})
    saved = await controllers.load_config("grid_sol")
    assert saved.id == "grid_sol" and controllers.controller_class(saved).__name__ == "Grid"

    with pytest.raises(NotFound):
        await controllers.load_config("no_such_config")
    with pytest.raises(NotFound):
        await controllers.load_config({"controller_name": "nope", "controller_type": "generic"})
    with pytest.raises(InvalidInput, match="controller_type"):
        await controllers.load_config({"controller_name": "grid"})
    with pytest.raises(InvalidInput, match="leverage"):
        await controllers.load_config(
            {"controller_name": "grid", "controller_type": "generic", "leverage": 0}
        )
    with pytest.raises(InvalidInput):
        await controllers.load_config("../secret")


def _repository(root: Path) -> Path:
    repo = root / "hummingbot-master"
    (repo / "controllers" / "generic").mkdir(parents=True)
    (repo / "controllers" / "market_making" / "package_style").mkdir(parents=True)
    (repo / "scripts").mkdir()
    (repo / "controllers" / "generic" / "their_grid.py").write_text("X = 1\n")
    (repo / "controllers" / "generic" / "__init__.py").write_text("")
    (repo / "controllers" / "market_making" / "package_style" / "inner.py").write_text("X = 2\n")
    (repo / "scripts" / "their_script.py").write_text("Y = 1\n")
    (repo / "scripts" / "not-a-module.py").write_text("Y = 2\n")
    return repo


def test_import_bundled_from_a_checkout_and_an_archive(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "src")
    bots = tmp_path / "data" / "bots"
    report = import_bundled(repo, bots)
    assert sorted(report.copied) == ["generic/their_grid.py", "scripts/their_script.py"]
    assert (bots / "controllers" / "generic" / "their_grid.py").read_text() == "X = 1\n"
    assert (bots / "scripts" / "their_script.py").is_file()
    assert not (bots / "controllers" / "market_making").exists()
    again = import_bundled(repo, bots)
    assert again.copied == [] and len(again.kept) == 2

    archive = tmp_path / "hummingbot.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(repo, arcname="hummingbot-master")
        evil = tarfile.TarInfo("hummingbot-master/../../controllers/generic/evil.py")
        evil.size = 4
        tar.addfile(evil, io.BytesIO(b"Z=1\n"))
        link = tarfile.TarInfo("hummingbot-master/scripts/linked.py")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    fresh = tmp_path / "fresh" / "bots"
    report = import_bundled(archive, fresh, overwrite=True)
    assert sorted(report.copied) == ["generic/their_grid.py", "scripts/their_script.py"]
    assert not list(tmp_path.rglob("evil.py")) and not (fresh / "scripts" / "linked.py").exists()


def test_the_cli_command(tmp_path: Path) -> None:
    repo = _repository(tmp_path / "src")
    env = {**os.environ, "HBDESK_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "hbdesk.cli", "controllers", "import-bundled", str(repo)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 copied" in result.stdout
    assert (tmp_path / "data" / "bots" / "controllers" / "generic" / "their_grid.py").is_file()


def test_the_market_maker_shares_its_budget_equally_when_levels_have_no_amounts() -> None:
    from hummingbot.core.data_type.common import TradeType

    from hbdesk_plugins.controllers.library.pure_market_making import PureMarketMakingConfig

    config = PureMarketMakingConfig(id="pmm", total_amount_quote=100, buy_spreads=[0.001, 0.002, 0.003])
    spreads, amounts = config.get_spreads_and_amounts_in_quote(TradeType.BUY)
    assert spreads == [0.001, 0.002, 0.003] and len(amounts) == 3 and len(set(amounts)) == 1
    _, sells = config.get_spreads_and_amounts_in_quote(TradeType.SELL)
    assert sum(amounts) + sum(sells) == 100
