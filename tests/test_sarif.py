"""SARIF 2.1.0 output validated against the official schema (skipped when ../shared is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT, SHARED
from postcheck.cli import app

SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"


def sarif_of(*paths: str) -> dict:
    result = CliRunner().invoke(app, ["check", *paths, "--format", "sarif"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.mark.skipif(not SCHEMA.is_file(), reason="../shared/schemas is not here")
def test_sarif_validates_against_the_schema(tmp_path: Path) -> None:
    import jsonschema

    meta = tmp_path / "meta.md"
    meta.write_text("---\nattachments: [{file: a.jpg, shows: [patient]}]\n---\nOn my ward today\n", encoding="utf-8")
    log = sarif_of(str(ROOT / "examples" / "ward-story.md"), str(ROOT / "examples" / "team-news.txt"), str(meta))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(log, schema, cls=jsonschema.Draft7Validator if "draft-07" in schema.get("$schema", "") else None)


def test_sarif_rules_results_levels_and_masking() -> None:
    log = sarif_of(str(ROOT / "examples" / "ward-story.md"))
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    for rule in rules:
        assert {"id", "name", "shortDescription", "fullDescription", "help"} <= set(rule)
        assert "Fix:" in rule["help"]["text"]
    ids = [r["id"] for r in rules]
    levels = {"error", "warning", "note"}
    for result in run["results"]:
        assert result["ruleId"] in ids and result["level"] in levels
        assert ids[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith("ward-story.md")
        if "region" in location:
            assert location["region"]["startLine"] >= 1
    assert any(r["level"] == "error" for r in run["results"])
    text = json.dumps(log)
    assert "943 476 5919" not in text and "Ellis" not in text  # evidence stays masked
