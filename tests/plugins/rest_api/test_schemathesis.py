"""Schemathesis over the served OpenAPI document: no 5xx, no response outside its own schema.

Connector names are narrowed to the simulated exchange: any other name asks a live exchange,
which this machine cannot reach (every such request is a 503 by design, tested offline in
tests/plugins/connectors/test_connectors_api.py and
tests/plugins/market_data/test_market_data_api.py); no test reaches out.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import FakeGateway, serve_in_thread
from tests.helpers import PASSWORD
from tests.plugins.docker.fake_engine import running_engine
from tests.server import start_server, stop_server

pytestmark = pytest.mark.slow
SIM_ONLY = {"type": "string", "enum": ["hbdesk_sim"]}


def narrow_connectors(document: dict[str, Any]) -> dict[str, Any]:
    """The document with connector names in requests (not responses) limited to hbdesk_sim."""
    document = json.loads(json.dumps(document))
    request_models: set[str] = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] in ("connector_name", "connector"):
                    parameter["schema"] = SIM_ONLY
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = body.get("schema", {}).get("$ref", "")
            if ref:
                request_models.add(ref.rsplit("/", 1)[-1])
    for name in request_models:
        properties = document["components"]["schemas"][name].get("properties", {})
        for key in ("connector_name", "connector"):
            if key in properties:
                properties[key] = SIM_ONLY
    return document


def test_schemathesis_finds_no_server_error_and_no_schema_violation(tmp_path: Path) -> None:
    # Gateway and Docker answer from fakes, so their routes are exercised rather than 503.
    with serve_in_thread(FakeGateway().app) as gateway_url, running_engine() as docker_engine:
        served = start_server(
            tmp_path, env={"GATEWAY_URL": gateway_url, "HBDESK_DOCKER__HOST": docker_engine.host}
        )
        try:
            with urllib.request.urlopen(f"{served.url}/openapi.json") as response:
                document = json.load(response)
            schema = tmp_path / "openapi.json"
            schema.write_text(json.dumps(narrow_connectors(document)))
            run = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "schemathesis.cli",
                    "run",
                    str(schema),
                    "--url",
                    served.url,
                    "--auth",
                    f"admin:{PASSWORD}",
                    "--checks",
                    "not_a_server_error,response_schema_conformance",
                    "--max-examples",
                    "25",
                    "--seed",
                    "20261121",
                    "--request-timeout",
                    "20",
                    "--no-color",
                    # Stateful runs feed GET /connectors/ (every live exchange) into the others.
                    "--phases",
                    "examples,coverage,fuzzing",
                ],
                capture_output=True,
                text=True,
                timeout=900,
            )
        finally:
            stop_server(served)
    report = run.stdout + run.stderr
    assert "API Operations" in report, report  # it really ran
    assert run.returncode == 0, report
    assert "Traceback" not in served.output()
