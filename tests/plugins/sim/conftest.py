from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _scripted_connectors(scripted_catalog: None) -> None:
    """A desk in these tests meets scripted exchanges unless a test asks for hummingbot's catalog."""
