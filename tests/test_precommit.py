"""The pre-commit hook definition: valid, pointing at our console script, files it can read."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT

HOOKS = ROOT / ".pre-commit-hooks.yaml"


def test_hook_definition() -> None:
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "postcheck" and hook["language"] == "python"
    assert hook["entry"].split()[0] == "postcheck"
    assert hook["require_serial"] is True  # one process, one pipeline, however many files
    files = re.compile(hook["files"])
    for name in ("posts/2026-12-01-shift.md", "drafts/a.markdown", "week.csv", "q.jsonl", "x.json", "notes.txt"):
        assert files.search(name), name
    for name in ("logo.png", "build.py", "README"):
        assert not files.search(name), name


def test_hook_entry_runs_like_pre_commit(tmp_path: Path) -> None:
    """pre-commit runs `entry` with the staged file names appended; exit 1 fails the commit."""
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    good = tmp_path / "good.md"
    good.write_text("Proud of the team today. Views my own.\n", encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_text("Mrs Patel in bed 12 went home, NHS number 943 476 5919\n", encoding="utf-8")
    entry = hook["entry"].split()
    cli = [sys.executable, "-c", "from postcheck.cli import main; main()"]
    ok = subprocess.run(cli + entry[1:] + [str(good)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    failed = subprocess.run(cli + entry[1:] + [str(good), str(bad)], capture_output=True, text=True)
    assert failed.returncode == 1 and "943 *** ****" in failed.stdout
