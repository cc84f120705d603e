"""Privacy (issue 6): no socket is ever opened, identifiers are masked in every format and in
error messages unless --show-evidence, no temporary file is left behind, and input files are
never modified. One module-scoped run of every command feeds most of the tests."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from postcheck.cli import app

NHS, PHONE, EMAIL = "943 476 5919", "07700 900123", "jane.ellis@gmail.com"
DRAFT = (
    f"Mrs Ellis in bed 4 went home today, NHS number {NHS}. Her daughter asked me to pass on "
    f"her number {PHONE} and email {EMAIL}\n"
)
# What must never appear in masked output: the identifiers, or enough of them to rebuild one.
SECRETS = (NHS, "476 5919", PHONE, "900123", EMAIL, "ellis", "gmail")
SHOWN = (NHS, PHONE, EMAIL, "Mrs Ellis")
# The one socket call allowed to be *attempted* (and refused, and the run still works): importing
# spaCy imports requests, and urllib3 probes at import whether a socket can bind to ::1. It
# never connects, and with it refused postcheck runs the same.
IMPORT_PROBE = "urllib3/util/connection.py:_has_ipv6"


def _inputs(folder: Path) -> dict[str, Path]:
    """Drafts in every format (some with bad metadata quoting identifiers), a batch of more than
    one chunk (so --jobs 2 really forks) and a labelled folder, under one folder."""
    drafts = folder / "drafts"
    drafts.mkdir(parents=True)
    (drafts / "post.md").write_text(f"---\naccount: personal\nplatform: facebook\n---\n{DRAFT}", encoding="utf-8")
    (drafts / "bad-meta.md").write_text(f"---\naccount: Mrs Ellis {NHS}\n---\nhello\n", encoding="utf-8")
    (drafts / "no-header.csv").write_text(f"{DRAFT.strip()},personal\n", encoding="utf-8")
    (drafts / "posts.jsonl").write_text(
        json.dumps({"text": DRAFT}) + "\n" + json.dumps({"text": "hi", "platform": f"call {PHONE}"}) + "\n", encoding="utf-8"
    )
    (drafts / "ignored.txt").write_text(f"<!-- postcheck: ignore Mrs Ellis {NHS} -- test -->\nProud of the team\n", encoding="utf-8")
    week = folder / "batch" / "week.csv"
    week.parent.mkdir()
    with week.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Date", "Message", "Network"])
        for i in range(130):
            out.writerow([f"2026-12-0{1 + i % 5} 19:30", DRAFT if i % 2 else "Proud of the team today.", "facebook"])
    labels = folder / "labelled"
    labels.mkdir()
    (labels / "a.txt").write_text(DRAFT, encoding="utf-8")
    (labels / "b.txt").write_text("Proud of the team today.\n", encoding="utf-8")
    (labels / "labels.yaml").write_text("a.txt: {expect: [patient-identifier]}\nb.txt: {expect: []}\n", encoding="utf-8")
    config = folder / "empty.yaml"
    config.write_text("", encoding="utf-8")
    return {"folder": folder, "drafts": drafts, "week": week, "labels": labels, "config": config}


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _caller() -> str:
    frame = sys._getframe(2)
    return f"{'/'.join(Path(frame.f_code.co_filename).parts[-3:])}:{frame.f_code.co_name}"


class Guard:
    """Records, and refuses, every socket and temporary file a run tries to open."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, str]] = []  # (what, the caller's file:function)

    def refuse(self, what: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            self.attempts.append((what, _caller()))
            raise OSError(f"{what} refused by the privacy test")

        return refused

    def install(self, mp: pytest.MonkeyPatch) -> None:
        guard = self

        class NoSocket(socket.socket):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                guard.attempts.append(("socket.socket", _caller()))
                raise OSError("socket refused by the privacy test")

        mp.setattr(socket, "socket", NoSocket)
        for name in ("create_connection", "socketpair", "getaddrinfo", "create_server", "fromfd"):
            mp.setattr(socket, name, self.refuse(f"socket.{name}"))
        for name in ("mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile", "TemporaryDirectory"):
            mp.setattr(tempfile, name, self.refuse(f"tempfile.{name}"))


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every command once, under the guard, from an empty working directory and temp dir."""
    base = tmp_path_factory.mktemp("privacy")
    paths = _inputs(base / "inputs")
    work, temp = base / "cwd", base / "tmp"
    work.mkdir()
    temp.mkdir()
    before = _digests(paths["folder"])
    guard = Guard()
    runner = CliRunner()
    drafts, config = str(paths["drafts"]), str(paths["config"])
    commands = {
        "table": ["check", drafts, "--config", config],
        "json": ["check", drafts, str(paths["week"]), "--config", config, "--format", "json", "--jobs", "2"],
        "sarif": ["check", drafts, "--config", config, "--format", "sarif"],
        "csv": ["check", drafts, "--config", config, "--format", "csv"],
        "evidence": ["check", drafts, "--config", config, "--format", "json", "--show-evidence"],
        "evidence-plain": ["check", str(paths["drafts"] / "post.md"), str(paths["drafts"] / "bad-meta.md"),
                           str(paths["drafts"] / "ignored.txt"), "--config", config, "--show-evidence"],
        "rules": ["rules"],
        "explain": ["explain", "patient-identifier"],
        "policies": ["policies"],
        "eval": ["eval", str(paths["labels"] / "labels.yaml"), str(paths["labels"])],
        "version": ["--version"],
    }
    results = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(work)
        mp.setattr(tempfile, "tempdir", str(temp))
        guard.install(mp)
        for name, args in commands.items():
            results[name] = runner.invoke(app, args)
        from postcheck.check import Options, run
        from postcheck.policy.config import Config
        from postcheck.report.table import render_table

        report = run([str(paths["drafts"] / "post.md")], Config(), Options())
        results["rich"] = render_table(report, color=True, width=120)  # the terminal table
    return {"results": results, "guard": guard, "before": before, "after": _digests(paths["folder"]),
            "work": work, "temp": temp, "paths": paths}


def _text(result: Any) -> str:
    return result if isinstance(result, str) else result.stdout + result.stderr


def test_every_command_ran(session: dict[str, Any]) -> None:
    codes = {name: getattr(r, "exit_code", None) for name, r in session["results"].items()}
    assert codes == {"table": 2, "json": 2, "sarif": 2, "csv": 2, "evidence": 2, "evidence-plain": 2, "rules": 0,
                     "explain": 0, "policies": 0, "eval": 0, "version": 0, "rich": None}
    for name, result in session["results"].items():
        assert "Traceback" not in _text(result), name
        if not isinstance(result, str):
            assert result.exception is None or isinstance(result.exception, SystemExit), (name, result.exception)
    report = json.loads(session["results"]["json"].stdout)
    assert report["summary"]["drafts"] == 136 and report["summary"]["errors"] == 3


def test_no_socket_is_opened(session: dict[str, Any]) -> None:
    """Every command ran (above) with every socket refused; nothing but the import probe tried."""
    assert [a for a in session["guard"].attempts if a != ("socket.socket", IMPORT_PROBE)] == []


def test_no_temporary_file_is_left_behind(session: dict[str, Any]) -> None:
    assert not any(what.startswith("tempfile.") for what, _ in session["guard"].attempts)
    assert list(session["temp"].iterdir()) == []
    assert list(session["work"].iterdir()) == []


def test_inputs_are_never_modified(session: dict[str, Any]) -> None:
    assert session["after"] == session["before"]
    assert len(session["before"]) == 10


@pytest.mark.parametrize("name", ["table", "json", "sarif", "csv", "rich"])
def test_identifiers_are_masked_in_every_format_and_error(session: dict[str, Any], name: str) -> None:
    text = _text(session["results"][name])
    assert "943 *** ****" in text  # the finding is there, masked
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), (name, secret)


def test_error_messages_are_masked(session: dict[str, Any]) -> None:
    stderr = session["results"]["table"].stderr
    assert "metadata 'account': expected one of personal, work, official, got 'Mrs E**** *** *** ****'" in stderr
    assert "no text column" in stderr and "(columns: Mrs E**** in bed * went home today" in stderr
    assert "metadata 'platform'" in stderr and "got 'call ***** ******'" in stderr
    report = json.loads(session["results"]["json"].stdout)
    errors = [r["error"] for r in report["results"] if "error" in r]
    assert len(errors) == 3 and not any(s.lower() in e.lower() for e in errors for s in SECRETS)
    sarif = json.loads(session["results"]["sarif"].stdout)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == 3


def test_show_evidence_shows_them_everywhere(session: dict[str, Any]) -> None:
    report = session["results"]["evidence"].stdout
    for secret in SHOWN:
        assert secret in report, secret
    plain = session["results"]["evidence-plain"]
    assert f"got 'Mrs Ellis {NHS}'" in plain.stderr
    assert f"evidence: {NHS}" in plain.stdout and "'Mrs Ellis 943 476 5919' is neither a rule id" in plain.stdout


def test_a_real_process_and_its_workers_open_no_socket(tmp_path: Path) -> None:
    """sitecustomize guards every Python process started with this PYTHONPATH, forked or spawned."""
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(
        "import socket, sys\n"
        "def _refuse(*args, **kwargs):\n"
        "    code = sys._getframe(2).f_code\n"
        "    where = '/'.join(code.co_filename.split('/')[-3:])\n"
        "    sys.stderr.write(f'SOCKET {where}:{code.co_name}\\n')\n"
        "    raise OSError('network refused by the privacy test')\n"
        "class _NoSocket(socket.socket):\n"
        "    def __init__(self, *args, **kwargs):\n"
        "        _refuse()\n"
        "socket.socket = _NoSocket\n"
        "for _name in ('create_connection', 'socketpair', 'getaddrinfo', 'create_server', 'fromfd'):\n"
        "    setattr(socket, _name, _refuse)\n"
        "sys.postcheck_socket_guard = True\n"
    )
    paths = _inputs(tmp_path / "inputs")
    before = _digests(paths["folder"])
    work, temp = tmp_path / "cwd", tmp_path / "tmp"
    work.mkdir()
    temp.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(guard), str(ROOT)]), "TMPDIR": str(temp),
           "PYTHONDONTWRITEBYTECODE": "1"}
    code = (
        "import sys\n"
        "assert getattr(sys, 'postcheck_socket_guard', False), 'the guard did not load'\n"
        "sys.argv = ['postcheck', *sys.argv[1:]]\n"
        "from postcheck.cli import main\n"
        "main()\n"
    )
    args = ["check", str(paths["week"]), str(paths["drafts"] / "post.md"),
            "--format", "json", "--jobs", "2", "--config", str(paths["config"])]
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=work, env=env, timeout=300)
    assert proc.returncode == 1, proc.stderr
    attempts = [line for line in proc.stderr.splitlines() if line.startswith("SOCKET")]
    assert set(attempts) <= {f"SOCKET {IMPORT_PROBE}"} and "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["summary"]["drafts"] == 131
    assert NHS not in proc.stdout
    assert list(temp.iterdir()) == [] and list(work.iterdir()) == []
    assert _digests(paths["folder"]) == before
