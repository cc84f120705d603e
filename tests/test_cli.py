"""The command line: exit codes, formats, masking, the JSON contract and start-up cost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from postcheck.cli import app

runner = CliRunner()
FAILING = str(ROOT / "examples" / "ward-story.md")
CLEAN = str(ROOT / "examples" / "team-news.txt")


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_failing_example_exits_1_and_masks() -> None:
    result = invoke("check", FAILING)
    assert result.exit_code == 1
    assert "BLOCK" in result.stdout and "943 *** ****" in result.stdout
    assert "476 5919" not in result.stdout and "Patel" not in result.stdout


def test_clean_example_exits_0() -> None:
    result = invoke("check", CLEAN)
    assert result.exit_code == 0 and "PASS" in result.stdout


def test_missing_file_is_one_line_exit_2() -> None:
    result = invoke("check", "no-such-draft.txt")
    assert result.exit_code == 2
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert lines == ["postcheck: no-such-draft.txt: no such file or directory"]


def test_json_report_keeps_the_contract() -> None:
    result = invoke("check", FAILING, "--format", "json", "--policy", "bht")
    data = json.loads(result.stdout)
    assert set(data) >= {"postcheck", "policies", "results", "summary"}
    assert data["policies"] == ["bht"]
    (draft,) = data["results"]
    assert draft["source"] == FAILING and draft["item"] is None and draft["verdict"] == "block"
    assert data["summary"] == {"drafts": 1, "pass": 0, "review": 0, "block": 1}
    text = Path(FAILING).read_text()
    for finding in draft["findings"]:
        assert set(finding) >= {"rule", "category", "severity", "line", "column", "start", "end",
                                "evidence", "message", "clauses", "fix"}
        assert all(c["policy"] == "bht" for c in finding["clauses"])
        if finding["line"] is None:  # about the whole draft or its metadata
            assert finding["start"] is None and finding["end"] is None and finding["column"] is None
            continue
        line_start = sum(len(l) for l in text.splitlines(keepends=True)[: finding["line"] - 1])
        assert line_start + finding["column"] - 1 == finding["start"]
    nhs = next(f for f in draft["findings"] if f["rule"] == "identifiers.nhs-number")
    assert nhs["evidence"] == "943 *** ****" and nhs["severity"] == "block"
    assert text[nhs["start"]:nhs["end"]] == "943 476 5919"


def test_show_evidence_unmasks() -> None:
    result = invoke("check", FAILING, "--format", "json", "--show-evidence")
    assert "943 476 5919" in result.stdout


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "sarif"])
def test_every_format_masks(fmt: str) -> None:
    result = invoke("check", FAILING, "--format", fmt)
    assert result.exit_code == 1
    assert "476 5919" not in result.stdout and "900123" not in result.stdout


@pytest.mark.parametrize("fail_on,code", [("block", 1), ("review", 1), ("info", 1)])
def test_fail_on(fail_on: str, code: int) -> None:
    assert invoke("check", FAILING, "--fail-on", fail_on).exit_code == code


def test_fail_on_block_passes_review_only(tmp_path: Path) -> None:
    draft = tmp_path / "d.txt"
    draft.write_text("Swap my Saturday? Text me on 07912 345678\n")
    assert invoke("check", str(draft), "--fail-on", "block").exit_code == 0
    assert invoke("check", str(draft)).exit_code == 1
    assert invoke("check", str(draft), "--fail-on", "nonsense").exit_code == 2


def test_unknown_policy_is_exit_2() -> None:
    result = invoke("check", CLEAN, "--policy", "nope")
    assert result.exit_code == 2 and "unknown policy pack 'nope'" in result.stderr


def test_bad_user_pack_is_exit_2_with_line(tmp_path: Path) -> None:
    (tmp_path / "mine.yml").write_text("id: mine\ntitle: t\norganisation: o\nversion: '1'\nreference: r\nclauses:\n  - clause: '1'\n    summary: s\n    categories: [disrepute]\n    severity: loud\n    fix: f\n")
    result = invoke("policies", "--packs", str(tmp_path))
    assert result.exit_code == 2 and "mine.yml:10:" in result.stderr


def test_user_pack_is_used(tmp_path: Path) -> None:
    (tmp_path / "mine.yml").write_text("id: mine\ntitle: Ours\norganisation: Our Trust\nversion: '2'\nreference: OT-1\nclauses:\n  - clause: '4.2'\n    summary: No patient numbers (OT 4.2).\n    categories: [patient-identifier]\n    severity: block\n    fix: Remove it.\n")
    result = invoke("check", FAILING, "--packs", str(tmp_path), "--policy", "mine", "--format", "json")
    findings = json.loads(result.stdout)["results"][0]["findings"]
    clauses = next(f for f in findings if f["category"] == "patient-identifier")["clauses"]
    assert clauses == [{"policy": "mine", "clause": "4.2", "summary": "No patient numbers (OT 4.2)."}]


def test_rules_explain_policies() -> None:
    rules = invoke("rules")
    assert rules.exit_code == 0 and "identifiers.nhs-number" in rules.stdout
    explained = invoke("explain", "identifiers.nhs-number")
    assert explained.exit_code == 0 and "bht 6.11" in explained.stdout and "Example:" in explained.stdout
    category = invoke("explain", "medical-advice")
    assert category.exit_code == 0 and "nhsbt" in category.stdout
    assert invoke("explain", "nonsense").exit_code == 2
    policies = invoke("policies")
    assert policies.exit_code == 0 and all(p in policies.stdout for p in ("nhsbt", "ref251", "bht", "hra", "blackpool"))


def _run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "postcheck", *args], capture_output=True, text=True,
                          input=stdin, cwd=cwd or ROOT, timeout=120)


def test_real_subprocess_default_command_and_stdin() -> None:
    proc = _run("-", "--format", "json", stdin="Mrs Jones in bed 4 was admitted overnight\n")
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["results"][0]["source"] == "<stdin>"
    assert _run(CLEAN).returncode == 0


@pytest.mark.parametrize("command", [["--help"], ["rules"], ["explain", "patient-identifier"], ["policies"]])
def test_light_commands_do_not_import_spacy(command: list[str]) -> None:
    code = (
        "import sys; sys.argv = ['postcheck', *sys.argv[1:]]\n"
        "from postcheck.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('spacy', 'thinc', 'phonenumbers') if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True, cwd=ROOT)
    assert "HEAVY []" in proc.stderr, proc.stderr


def test_the_command_exits_fast_without_losing_output_or_its_code() -> None:
    """`python -m postcheck` leaves by os._exit once a check ran: the output must be whole."""
    proc = _run("--format", "json", "examples")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == invoke("check", "--format", "json", "examples").stdout
    assert _run("check", "no-such-draft.txt").returncode == 2
