"""The generated dashboards validate against Grafana 11.6's own dashboard schema.

The schema (tests/support/grafana_dashboard_11.6.schema.json) is generated from @grafana/schema's
TypeScript types; its $comment says how. It checks types and required fields but allows
unknown ones, so the lint in test_dashboards_lint.py and the queries' tests still matter.
"""

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.support.dashboard_support import GENERATED
from tests.support.repo import TESTS

SCHEMA = json.loads((TESTS / "support" / "grafana_dashboard_11.6.schema.json").read_text())
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def errors(document: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]


@pytest.mark.parametrize("path", sorted(GENERATED.glob("*.json")), ids=lambda p: p.name)
def test_dashboard_matches_grafanas_schema(path: Path) -> None:
    assert errors(json.loads(path.read_text())) == []


def test_the_schema_catches_mistakes() -> None:
    broken = json.loads((GENERATED / "driftboard-overview.json").read_text())
    broken["schemaVersion"] = "41"
    broken["panels"][0]["gridPos"]["w"] = "8"
    del broken["templating"]["list"][0]["name"]
    assert len(errors(broken)) == 3
