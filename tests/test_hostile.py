"""Hostile and broken input (issue 6): each error is one line naming the file (and line or row
where known), exit code 2, never a traceback; in a batch the other drafts are still checked and
the summary counts the failures; nothing can exhaust memory or hang a check."""

from __future__ import annotations

import codecs
import io
import json
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from postcheck.cli import app
from postcheck.errors import PostcheckError
from postcheck.readers import read_path
from postcheck.readers.limits import MAX_BYTES, MAX_DRAFT_CHARS
from postcheck.safe_regex import backtracking_risk, compile_pattern
from postcheck.yamlload import LineLoader, NoAliasLoader

NHS = "943 476 5919"
PATIENT = f"Mrs Ellis in bed 4 on the ward, NHS number {NHS}, was admitted overnight."
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


BILLION_LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", "a", "b", "c", "d", "e", "f", "g", "h"], "abcdefghi")
)
PACK = (
    "id: mine\ntitle: Ours\norganisation: Our Trust\nversion: '1'\nreference: OT-1\nclauses:\n"
    "  - clause: '4.2'\n    summary: No patient details (OT 4.2).\n    categories: [{category}]\n"
    "    severity: {severity}\n    fix: Remove them.\n"
)


def check(*args: str, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(app, ["check", *args], input=input)


def assert_one_line_error(result: Result, *fragments: str) -> str:
    """Exit 2, exactly one line on standard error holding every fragment, no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def json_of(result: Result) -> dict:
    assert "Traceback" not in result.output
    return json.loads(result.stdout)


# One file each: (name, content, the error line after 'postcheck: <path>').
BROKEN = [
    ("photo.png", PNG, ": looks like a PNG image, not a text draft"),
    ("photo.txt", PNG, ": looks like a PNG image, not a text draft"),
    ("scan.pdf", PDF, ": looks like a PDF document, not a text draft"),
    ("scan.md", PDF, ": looks like a PDF document, not a text draft"),
    ("letter.zip", _zip(), ": looks like a ZIP archive (or a .docx/.xlsx document), not a text draft"),
    ("letter.csv", _zip(), ": looks like a ZIP archive (or a .docx/.xlsx document), not a text draft"),
    ("letter.json", _zip(), ": looks like a ZIP archive (or a .docx/.xlsx document), not a text draft"),
    ("nul.txt", b"hello\x00\x01\x02world", ": looks like a binary file, not a text draft"),
    ("latin.txt", "Caf\xe9 on ward 4\nna\xefve\n".encode("cp1252"), ":1: not valid UTF-8 text (save it as UTF-8)"),
    ("late.txt", b"fine\nfine\nbad \xff\xfe here\n", ":3: not valid UTF-8 text (save it as UTF-8)"),
    ("odd16.txt", codecs.BOM_UTF16_LE + b"a\x00b", ": not valid UTF-16 text"),
    ("open.md", b"---\naccount: personal\nWhat a night\n", ":1: front matter opened with '---' is never closed"),
    ("list.md", b"---\n- account\n- personal\n---\nWhat a night\n", ":2: front matter must be a mapping of metadata keys"),
    ("scalar.md", b"---\njust words\n---\nWhat a night\n", ":2: front matter must be a mapping of metadata keys"),
    ("yaml.md", b"---\naccount: [personal\n---\nWhat a night\n", ":3: front matter: "),
    ("account.md", b"---\nplatform: x\naccount: [1, 2]\n---\nWhat a night\n",
     ":3: metadata 'account': expected one of personal, work, official, got [*, *]"),
    ("when.md", b"---\nscheduled: tomorrow\n---\nWhat a night\n",
     ":2: metadata 'scheduled': expected an ISO 8601 date-time, got 'tomorrow'"),
    ("attach.md", b"---\nattachments: 5\n---\nWhat a night\n", ":2: metadata 'attachments': expected a list of attachments"),
    ("consent.md", b"---\nattachments: [{file: a.jpg, consent: maybe}]\n---\nWhat a night\n",
     ":2: metadata 'attachments[1].consent': expected true or false, got 'maybe'"),
    ("tag.md", b"---\nx: !!python/object:os.system echo\n---\nWhat a night\n", ":2: front matter: could not determine a constructor"),
    ("bomb.md", ("---\n" + BILLION_LAUGHS + "---\nWhat a night\n").encode(), ":3: front matter: YAML aliases are not allowed"),
    ("deep.md", ("---\nx: " + "[" * 1500 + "]" * 1500 + "\n---\nhi\n").encode(), ":2: front matter: nested too deeply"),
    ("nocolumn.csv", b"Date,Network\n2026-01-01,x\n",
     ":1: no text column: expected one of text, message, post, content or --text-column (columns: Date, Network)"),
    ("empty.csv", b"", ": empty CSV file: a header row is required"),
    ("header.csv", b"text,account\n", ": holds no drafts: a header row and at least one row are required"),
    ("cp1252.csv", "text,account\nCaf\xe9 \u2019round\u2019,personal\n".encode("cp1252"), ":2: not valid UTF-8 text (save it as UTF-8)"),
    ("nul.csv", b"text,account\nhello\x00,personal\n", ": looks like a binary file, not a text draft"),
    ("broken.json", b'{"text": "hi", }', ":1: invalid JSON: Expecting property name enclosed in double quotes"),
    ("empty.json", b"", ": empty file: expected a JSON object or an array of objects"),
    ("scalar.json", b'"hello"', ": expected a JSON object or an array of objects"),
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, ":1: invalid JSON: nested too deeply"),
    ("bigint.json", b'{"text": "hi", "n": ' + b"9" * 5000 + b"}", ":1: invalid JSON: a number is too long"),
    ("surrogate.json", b'{"text": "hi \\ud800 there"}', ": record 1: 'text' is not valid Unicode (an unpaired surrogate)"),
    ("notext.json", b'{"message": "hi"}', ": record 1 has no 'text' string"),
    ("empty.jsonl", b"\n\n", ": holds no drafts"),
]


@pytest.mark.parametrize("name,content,error", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_input_is_one_line_naming_the_file(tmp_path: Path, name: str, content: bytes, error: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    line = assert_one_line_error(check(str(path)))
    assert line == f"postcheck: {path}{error}" or line.startswith(f"postcheck: {path}{error}"), line


def test_missing_file_and_folder_without_drafts(tmp_path: Path) -> None:
    assert_one_line_error(check(str(tmp_path / "nope.txt")), f"{tmp_path / 'nope.txt'}: no such file or directory")
    (tmp_path / "photo.png").write_bytes(PNG)
    (tmp_path / "letter.docx").write_bytes(_zip())
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "draft.txt").write_text("hidden drafts are not walked")
    assert_one_line_error(check(str(tmp_path)), f"{tmp_path}: folder holds no drafts")


def test_empty_and_blank_drafts_pass_beside_others(tmp_path: Path) -> None:
    """A blank draft in a batch once made the classifier fail for the whole batch."""
    (tmp_path / "a-empty.txt").write_bytes(b"")
    (tmp_path / "b-blank.md").write_bytes(b"\n  \r\n\t\n")
    (tmp_path / "c-only-front-matter.md").write_bytes(b"---\naccount: personal\n---\n")
    (tmp_path / "d-patient.txt").write_text(PATIENT)
    (tmp_path / "e-rows.csv").write_text('text,account\n"  ",personal\n"\rProud of the team\r",personal\n')
    result = check(str(tmp_path), "--format", "json")
    assert result.exit_code == 1, result.output
    assert [r["verdict"] for r in json_of(result)["results"]] == ["pass", "pass", "pass", "block", "pass", "pass"]


def test_binaries_in_a_folder_are_skipped_or_reported_and_the_rest_checked(tmp_path: Path) -> None:
    (tmp_path / "a-photo.png").write_bytes(PNG)  # not a draft suffix: skipped
    (tmp_path / "b-scan.pdf").write_bytes(PDF)
    (tmp_path / "c-letter.docx").write_bytes(_zip())
    (tmp_path / "d-disguised.txt").write_bytes(PNG)  # a draft suffix: reported
    (tmp_path / "e-disguised.csv").write_bytes(_zip())
    (tmp_path / "f-patient.txt").write_text(PATIENT)
    (tmp_path / "g-clean.txt").write_text("Proud of the team today.")
    result = check(str(tmp_path), "--format", "json")
    assert result.exit_code == 2 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert errors == [
        f"postcheck: {tmp_path / 'd-disguised.txt'}: looks like a PNG image, not a text draft",
        f"postcheck: {tmp_path / 'e-disguised.csv'}: looks like a ZIP archive (or a .docx/.xlsx document), not a text draft",
    ]
    report = json_of(result)
    verdicts = {Path(r["source"]).name: r.get("error") and "error" or r["verdict"] for r in report["results"]}
    assert verdicts == {"d-disguised.txt": "error", "e-disguised.csv": "error", "f-patient.txt": "block", "g-clean.txt": "pass"}
    assert report["summary"] == {"drafts": 4, "pass": 1, "review": 0, "block": 1, "errors": 2}
    plain = check(str(tmp_path))
    assert plain.stdout.strip().splitlines()[-1].endswith("2 could not be read")


def _finding_against_bytes(data: bytes, encoding: str, finding: dict) -> None:
    """start/end/line/column of a finding agree with the original bytes."""
    text = data.decode(encoding)
    assert text[finding["start"] : finding["end"]] == NHS
    lines = data.decode(encoding).split("\n")
    line_text = lines[finding["line"] - 1]
    assert line_text[finding["column"] - 1 :].startswith(NHS)
    assert sum(len(l) + 1 for l in lines[: finding["line"] - 1]) + finding["column"] - 1 == finding["start"]


ENCODED = [
    ("utf8-bom.md", "utf-8-sig", codecs.BOM_UTF8 + f"---\r\naccount: personal\r\n---\r\nHello\r\n{PATIENT}\r\n".encode()),
    ("utf16-le.txt", "utf-16", f"Hello\n\n{PATIENT}\n".encode("utf-16")),
    ("utf16-be.txt", "utf-16", codecs.BOM_UTF16_BE + f"Hello\n{PATIENT}\n".encode("utf-16-be")),
    ("utf32.txt", "utf-32", f"Hello\n{PATIENT}\n".encode("utf-32")),
    ("crlf.txt", "utf-8", f"Line one\r\nLine two\r\n\r\n{PATIENT}\r\nBye\r\n".encode()),
    ("crlf-front.md", "utf-8", f"---\r\naccount: personal\r\nplatform: x\r\n---\r\nLine\r\n{PATIENT}\r\n".encode()),
    ("cr-in-line.txt", "utf-8", f"Odd\r carriage\r\n{PATIENT}\n".encode()),
]


def test_encodings_and_line_endings_keep_positions(tmp_path: Path) -> None:
    for name, _, data in ENCODED:
        (tmp_path / name).write_bytes(data)
    result = check(str(tmp_path), "--format", "json", "--policy", "bht")
    assert result.exit_code == 1, result.output
    by_name = {Path(r["source"]).name: r for r in json_of(result)["results"]}
    for name, encoding, data in ENCODED:
        nhs = [f for f in by_name[name]["findings"] if f["rule"] == "identifiers.nhs-number"]
        assert len(nhs) == 1, (name, by_name[name])
        assert nhs[0]["evidence"] == "943 *** ****"
        _finding_against_bytes(data, encoding, nhs[0])


def test_front_matter_keys_reported_at_their_line_with_crlf(tmp_path: Path) -> None:
    path = tmp_path / "crlf-bad.md"
    path.write_bytes(b"---\r\nplatform: x\r\nin_reply_to: troll\r\n---\r\nHi\r\n")
    assert_one_line_error(check(str(path)), f"{path}:3: metadata 'in_reply_to'")


def test_a_line_of_a_million_characters_is_refused_quickly(tmp_path: Path) -> None:
    huge = tmp_path / "b-huge.txt"
    huge.write_text("word " * 200_000 + PATIENT + "\n")
    (tmp_path / "a-patient.txt").write_text(PATIENT)
    started = time.monotonic()
    result = check(str(tmp_path), "--format", "json")
    assert time.monotonic() - started < 30
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    size = len(huge.read_text())
    assert size > 1_000_000
    assert errors == [f"postcheck: {huge}: the draft has {size:,} characters, over the {MAX_DRAFT_CHARS:,} postcheck checks (split it)"]
    assert [r["verdict"] for r in json_of(result)["results"]] == ["block", "pass"]


def test_a_long_line_under_the_limit_is_checked_with_positions(tmp_path: Path) -> None:
    data = ("x" * 8_000 + " " + PATIENT + " " + "y" * 8_000 + "\n").encode()
    path = tmp_path / "long.txt"
    path.write_bytes(data)
    result = check(str(path), "--format", "json")
    assert result.exit_code == 1, result.output
    (nhs,) = [f for f in json_of(result)["results"][0]["findings"] if f["rule"] == "identifiers.nhs-number"]
    assert nhs["line"] == 1
    _finding_against_bytes(data, "utf-8", nhs)


def test_a_50_mb_file_is_refused_unread_and_the_limit_can_be_raised(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB of NUL bytes that would be refused as binary anyway
    tracemalloc.start()
    started = time.monotonic()
    result = check(str(big))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.monotonic() - started < 5 and peak < 20 * 1024 * 1024
    assert_one_line_error(result, f"postcheck: {big}: 52,428,800 bytes, over the limit of {MAX_BYTES:,} (raise it with --max-bytes)")

    small = tmp_path / "small.txt"
    small.write_text("Proud of the team today. " * 80)  # 2,000 bytes
    assert_one_line_error(check(str(small), "--max-bytes", "1000"), f"{small}: 2,000 bytes, over the limit of 1,000")
    assert check(str(small), "--max-bytes", "5000").exit_code == 0
    assert_one_line_error(check("-", "--max-bytes", "100", input="x" * 500), "<stdin>: more than 100 bytes")
    assert check("--max-bytes", "0", str(small)).exit_code == 2  # a usage error


def test_max_bytes_is_documented() -> None:
    result = CliRunner().invoke(app, ["check", "--help"])
    assert "--max-bytes" in result.stdout and "100,000 characters" in result.stdout
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "--max-bytes" in readme


@pytest.mark.parametrize("where", ["front matter", "configuration", "pack"])
def test_alias_bombs_are_refused_without_expanding(tmp_path: Path, where: str) -> None:
    draft = tmp_path / "d.txt"
    draft.write_text("Proud of the team today.")
    args: list[str]
    if where == "front matter":
        draft = tmp_path / "bomb.md"
        draft.write_text("---\n" + BILLION_LAUGHS + "---\nhello\n")
        target, args, line = draft, [str(draft)], 3
    elif where == "configuration":
        target = tmp_path / "bomb.yaml"
        target.write_text("policies: [bht]\n" + BILLION_LAUGHS)
        args, line = [str(draft), "--config", str(target)], 3
    else:
        packs = tmp_path / "packs"
        packs.mkdir()
        target = packs / "mine.yml"
        target.write_text(PACK.format(category="disrepute", severity="block") + BILLION_LAUGHS)
        args, line = [str(draft), "--packs", str(packs)], 13
    tracemalloc.start()
    result = check(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50 * 1024 * 1024
    assert_one_line_error(result, f"{target}:{line}:", "YAML aliases are not allowed")


def test_every_yaml_loader_refuses_aliases() -> None:
    assert issubclass(LineLoader, NoAliasLoader)
    import yaml

    with pytest.raises(yaml.YAMLError, match="aliases"):
        yaml.load("a: &x 1\nb: *x\n", Loader=NoAliasLoader)


def test_csv_ragged_rows_are_reported_and_the_others_checked(tmp_path: Path) -> None:
    path = tmp_path / "week.csv"
    path.write_text(
        "Date,Message,Network\n"
        f"2026-12-01 19:00,{PATIENT.replace(',', '')},facebook\n"
        "2026-12-02 19:00,one,too,many\n"
        "2026-12-03 19:00\n"
        "2026-12-04 19:00,Proud of the team,x\n"
    )
    result = check(str(path), "--format", "json")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        f"postcheck: {path}:3: row 3 has 4 fields, the header has 3",
        f"postcheck: {path}:4: row 4 has 1 field, the header has 3",
    ]
    report = json_of(result)
    assert [(r["item"], r.get("error") is not None, r["verdict"]) for r in report["results"]] == [
        ("row 2", False, "block"), ("row 3", True, "pass"), ("row 4", True, "pass"), ("row 5", False, "pass"),
    ]
    assert report["summary"]["errors"] == 2 and report["summary"]["drafts"] == 4
    csv_rows = check(str(path), "--format", "csv").stdout.splitlines()
    assert any(",row 3,error," in row and "row 3 has 4 fields" in row for row in csv_rows)


def test_csv_huge_fields_semicolons_and_one_column(tmp_path: Path) -> None:
    huge = tmp_path / "a-huge.csv"
    huge.write_text(f'text,notes\n"{PATIENT}","{"n" * 300_000}"\n"{"t" * (MAX_DRAFT_CHARS + 1)}",short\n')
    semi = tmp_path / "b-semi.csv"
    semi.write_text(f"Message;Network\n{PATIENT};facebook\nHello, all; welcome;x\n")
    one = tmp_path / "c-one.csv"
    one.write_text("message\nWell done team, great shift, thanks all\nBake sale; Friday\n")
    result = check(str(huge), str(semi), str(one), "--format", "json")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        f"postcheck: {huge}: row 3: the draft has {MAX_DRAFT_CHARS + 1:,} characters, over the {MAX_DRAFT_CHARS:,} postcheck checks (split it)",
        f"postcheck: {semi}:3: row 3 has 3 fields, the header has 2",
    ]
    results = [(Path(r["source"]).name, r["item"], r["verdict"] if "error" not in r else "error") for r in json_of(result)["results"]]
    assert results == [
        ("a-huge.csv", "row 2", "block"), ("a-huge.csv", "row 3", "error"),
        ("b-semi.csv", "row 2", "block"), ("b-semi.csv", "row 3", "error"),
        ("c-one.csv", "row 2", "pass"), ("c-one.csv", "row 3", "pass"),
    ]
    assert [d.text for d in read_path(str(one))] == ["Well done team, great shift, thanks all", "Bake sale; Friday"]


def test_jsonl_bad_lines_are_reported_and_the_others_checked(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text(
        json.dumps({"text": PATIENT}) + "\n"
        '{"text": \n'
        "\n"
        '[1, 2]\n'
        + json.dumps({"text": "Proud of the team\u2028today", "account": "work"}, ensure_ascii=False) + "\n"
        + json.dumps({"text": "Shift swap?", "account": "robot"}) + "\n"
    )
    result = check(str(path), "--format", "json")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        f"postcheck: {path}:2: record 2: invalid JSON: Expecting value",
        f"postcheck: {path}:4: record 3 is not a JSON object",
        f"postcheck: {path}: record 5: metadata 'account': expected one of personal, work, official, got 'robot'",
    ]
    report = json_of(result)
    assert [(r["item"], "error" in r) for r in report["results"]] == [
        ("record 1", False), ("record 2", True), ("record 3", True), ("record 4", False), ("record 5", True),
    ]
    assert report["summary"] == {"drafts": 5, "pass": 1, "review": 0, "block": 1, "errors": 3}


def test_a_file_name_with_a_line_break_stays_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "evil\nname.txt"
    path.write_bytes(PNG)
    assert_one_line_error(check(str(path)), "evil\\nname.txt: looks like a PNG image")


@pytest.mark.parametrize("config,error", [
    ("policies: [bht]\ndisable: [gossip]\n", ":2: 'gossip' is neither a category nor a rule id"),
    ("severity:\n  disrepute: block\n  gossip: review\n", ":3: 'gossip' is neither a category nor a rule id"),
    ("severity: {disrepute: loud}\n", ":1: severity must be block, review or info, got 'loud'"),
    ("severity: {disrepute: [block]}\n", ":1: severity must be block, review or info, got ['block']"),
    ("fail_on: [block]\n", ":1: 'fail_on' must be block, review or info"),
    ("1: x\n", ":1: unknown key '1'"),
    ("organisation: {1: x}\n", ":1: unknown organisation key '1'"),
    ("working_hours: {days: 5}\n", ":1: working_hours 'days' must be a list"),
    ("working_hours: {start: '25:00'}\n", ":1: working_hours 'start' must be HH:MM"),
    ("hospital_number_patterns: ['RXQ(\\d']\n", ":1: invalid regular expression 'RXQ(\\\\d': missing ), unterminated subpattern"),
    ("hospital_number_patterns: ['(a+)+$']\n", ":1: regular expression '(a+)+$' could take forever to match (a repeat inside a repeat)"),
    ("hospital_number_patterns:\n  - 'RXQ\\d{7}'\n  - '(a|ab)*c'\n", ":1: regular expression '(a|ab)*c' could take forever"),
    ("hospital_number_patterns: ['RXQ.*']\n", ":1: regular expression 'RXQ.*' may match more than 64 characters"),
    ("hospital_number_patterns: ['(?=.*x)RXQ']\n", ":1: regular expression '(?=.*x)RXQ' may match more than 64 characters"),
    ("x: " + "[" * 1500 + "]" * 1500 + "\n", ": invalid YAML: nested too deeply"),
    ("\x00", ": invalid YAML: unacceptable character"),
])
def test_bad_configuration_is_one_line_with_file_and_line(tmp_path: Path, config: str, error: str) -> None:
    path = tmp_path / "postcheck.yaml"
    path.write_text(config)
    draft = tmp_path / "d.txt"
    draft.write_text("Proud of the team today.")
    assert_one_line_error(check(str(draft), "--config", str(path)), f"postcheck: {path}{error}")


@pytest.mark.parametrize("pack,error", [
    (PACK.format(category="gossip", severity="block"), ":9: unknown category 'gossip'"),
    (PACK.format(category="[disrepute]", severity="block"), ":9: unknown category '['disrepute']'"),
    (PACK.format(category="disrepute", severity="loud"), ":10: severity must be block, review or info, got 'loud'"),
    (PACK.format(category="disrepute", severity="[block]"), ":10: severity must be block, review or info, got ['block']"),
    (PACK.format(category="disrepute", severity="block") + "    patterns: ['(a+)+$']\n", ":12: unknown clause key 'patterns'"),
    (PACK.format(category="disrepute", severity="block") + "1: x\n", ":12: unknown key '1'"),
    ("\x00", ": invalid YAML: unacceptable character"),
])
def test_bad_pack_is_one_line_with_file_and_line(tmp_path: Path, pack: str, error: str) -> None:
    """Packs map categories to clauses and hold no regular expressions: a pattern key is refused."""
    (tmp_path / "mine.yml").write_text(pack)
    for command in (["check", str(tmp_path / "mine.yml"), "--packs", str(tmp_path)], ["policies", "--packs", str(tmp_path)]):
        result = CliRunner().invoke(app, command)
        assert_one_line_error(result, f"postcheck: {tmp_path / 'mine.yml'}{error}")


def test_catastrophic_pattern_cannot_hang_a_check(tmp_path: Path) -> None:
    config = tmp_path / "postcheck.yaml"
    config.write_text("hospital_number_patterns: ['(a+)+$']\n")
    draft = tmp_path / "d.txt"
    draft.write_text("a" * 5000 + "b")
    started = time.monotonic()
    result = check(str(draft), "--config", str(config))
    assert time.monotonic() - started < 2
    assert_one_line_error(result, f"{config}:1:", "could take forever")


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a*)*", "(a|a)*$", "(a|aa)*$", r"(\d+\s?)+$", r"(\d{3}[ -]?)+", "(x?){20}x{20}", "(.*a){12}", r"(?=(a+)+)b"])
def test_nested_quantifiers_are_refused(pattern: str) -> None:
    assert backtracking_risk(pattern)
    with pytest.raises(PostcheckError, match="could take forever"):
        compile_pattern(pattern, "config.yaml", 3)


@pytest.mark.parametrize("pattern", [r"RXQ\d{7}", r"[A-Z]{3}\d{6,8}", r"(?:\d{3} ?){3}\d", r"(?:RXQ|RXR)\d{7}", r"\bH\d{6}[A-Z]?\b"])
def test_ordinary_hospital_number_patterns_are_accepted(pattern: str) -> None:
    assert backtracking_risk(pattern) is None
    compile_pattern(pattern, "config.yaml", 3, max_width=64)


def test_a_safe_user_pattern_still_finds_hospital_numbers(tmp_path: Path) -> None:
    config = tmp_path / "postcheck.yaml"
    config.write_text("hospital_number_patterns: ['RXQ\\d{7}']\n")
    draft = tmp_path / "d.txt"
    draft.write_text("Patient on ward 4, hospital number RXQ1234567, went home today.")
    result = check(str(draft), "--config", str(config), "--format", "json")
    rules = {f["rule"] for f in json_of(result)["results"][0]["findings"]}
    assert any("hospital" in rule for rule in rules), rules


def test_batch_of_files_counts_failures_in_every_summary(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PATIENT)
    (tmp_path / "b.md").write_bytes(b"---\naccount: robot\n---\nhi\n")
    (tmp_path / "c.txt").write_text("Proud of the team today.")
    args = [str(tmp_path / "a.txt"), str(tmp_path / "b.md"), str(tmp_path / "missing.txt"), str(tmp_path / "c.txt")]
    report = json_of(check(*args, "--format", "json"))
    assert report["summary"] == {"drafts": 4, "pass": 1, "review": 0, "block": 1, "errors": 2}
    assert [Path(r["source"]).name for r in report["results"]] == ["a.txt", "b.md", "missing.txt", "c.txt"]
    plain = check(*args)
    assert plain.exit_code == 2
    last = plain.stdout.strip().splitlines()[-1]
    assert last.startswith("4 drafts: 1 pass, 0 review, 1 block") and last.endswith("2 could not be read")


def test_sarif_reports_unreadable_drafts_as_notifications() -> None:
    from conftest import SHARED
    from postcheck.model import DraftResult, Report
    from postcheck.report.sarif import render_sarif

    report = Report("0.1.0", ("bht",), (
        DraftResult("a.txt", None, "pass", ()),
        DraftResult("b.md", None, "pass", (), error="b.md:2: front matter must be a mapping of metadata keys"),
    ))
    log = json.loads(render_sarif(report))
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["message"]["text"].startswith("b.md:2:")
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "b.md"
    schema = SHARED / "schemas" / "sarif-schema-2.1.0.json"
    if schema.is_file():
        import jsonschema

        jsonschema.validate(log, json.loads(schema.read_text(encoding="utf-8")))


@pytest.mark.parametrize("where", ["front matter", "configuration", "pattern"])
def test_duplicate_keys_are_reported_with_their_line(tmp_path: Path, where: str) -> None:
    """YAML would keep the last of two equal keys and drop the first without a word."""
    from postcheck.errors import PostcheckError
    from postcheck.yamlload import load_text

    draft = tmp_path / "d.txt"
    draft.write_text("Proud of the team today.")
    if where == "front matter":
        draft = tmp_path / "dup.md"
        draft.write_text("---\naccount: personal\nplatform: x\naccount: official\n---\nhello\n")
        assert_one_line_error(check(str(draft)), f"{draft}:4:", "duplicate key 'account'")
    elif where == "configuration":
        target = tmp_path / "dup.yaml"
        target.write_text("policies: [bht]\npolicies: [hra]\n")
        assert_one_line_error(check(str(draft), "--config", str(target)), f"{target}:2:", "duplicate key 'policies'")
    else:
        with pytest.raises(PostcheckError, match=r"rule\.yml:2: .*duplicate key 'LOWER'"):
            load_text("patterns:\n  - [{LOWER: {IN: [he, she]}, LOWER: {NOT_IN: [you]}}]\n", "rule.yml", with_lines=True)


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: &x [1]\nb: [*x]\n", "a: &x 1\nb: {c: *x}\n", "- &x 1\n- *x\n",
    "a: &x 1\nb: [1,*x]\n", "? &x a\n: 1\n? *x\n: 2\n", "a: &x 1\nb:\n  *x\n",
])
def test_the_quick_alias_check_never_misses_one(text: str) -> None:
    from postcheck.errors import PostcheckError
    from postcheck.yamlload import ANCHOR_OR_ALIAS, load_text

    assert ANCHOR_OR_ALIAS.search(text)
    with pytest.raises(PostcheckError, match="aliases"):
        load_text(text, "t.yml", with_lines=True)
