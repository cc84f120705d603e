"""Suppressions (CONTRACT section 8): next-line and whole-draft comments, the postcheck_ignore
column, counting, unused or unknown suppressions reported as info, and --no-ignore."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from postcheck.cli import app

STORY = "Lovely chat with Mrs Ellis in bay 4 today, she goes home Friday\n"


def run(tmp_path: Path, text: str, *args: str, name: str = "d.md") -> dict:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path), "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def rules_of(report: dict) -> list[str]:
    return [f["rule"] for f in report["results"][0]["findings"]]


def test_next_line_suppression_covers_only_that_line(tmp_path: Path) -> None:
    text = "<!-- postcheck: ignore identifiers.patient-name -- she asked us to share -->\n\n" + STORY + STORY
    report = run(tmp_path, text)
    names = [f for f in report["results"][0]["findings"] if f["rule"] == "identifiers.patient-name"]
    assert [f["line"] for f in names] == [4]  # line 3 suppressed, line 4 not
    assert report["results"][0]["suppressed"] == 1
    assert report["summary"]["suppressed"] == 1


def test_ignore_file_by_category(tmp_path: Path) -> None:
    text = "<!-- postcheck: ignore-file patient-identifier, patient-information -- training scenario -->\n" + STORY
    report = run(tmp_path, text)
    assert not any(f["category"] in ("patient-identifier", "patient-information") and f["severity"] != "info" for f in report["results"][0]["findings"])
    assert report["results"][0]["suppressed"] >= 2


def test_unknown_and_unused_suppressions_are_reported(tmp_path: Path) -> None:
    text = "<!-- postcheck: ignore patient-identifer -->\n" + STORY + "<!-- postcheck: ignore contact-details -->\nfine\n<!-- postcheck: nonsense -->\n"
    report = run(tmp_path, text)
    unused = [f for f in report["results"][0]["findings"] if f["rule"] == "postcheck.unused-suppression"]
    assert len(unused) == 3 and all(f["severity"] == "info" for f in unused)
    assert unused[0]["category"] == "patient-identifier"  # the category the typo meant
    assert [f["line"] for f in unused] == [1, 3, 5]
    assert "identifiers.patient-name" in rules_of(report)  # a typo widens nothing


def test_no_ignore_turns_every_suppression_off(tmp_path: Path) -> None:
    text = "<!-- postcheck: ignore-file patient-identifier -->\n" + STORY
    report = run(tmp_path, text, "--no-ignore")
    assert "identifiers.patient-name" in rules_of(report)
    assert "suppressed" not in report["results"][0]
    assert "postcheck.unused-suppression" not in rules_of(report)


def test_the_comment_itself_is_not_checked(tmp_path: Path) -> None:
    text = "<!-- postcheck: ignore contact-details -- ring 07700 900123 for the rota -->\nShift swap anyone?\n"
    report = run(tmp_path, text)
    assert [f["category"] for f in report["results"][0]["findings"] if f["severity"] != "info"] == []


def test_csv_postcheck_ignore_column(tmp_path: Path) -> None:
    text = "text,postcheck_ignore\n\"Lovely chat with Mrs Ellis in bay 4 today\",\"patient-identifier, patient-information\"\n\"Mrs Ellis in bay 4 again\",\n"
    report = run(tmp_path, text, name="batch.csv")
    first, second = report["results"]
    assert first["suppressed"] >= 1 and not any(f["category"] == "patient-identifier" for f in first["findings"])
    assert any(f["category"] == "patient-identifier" for f in second["findings"])
