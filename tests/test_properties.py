"""Property-based tests (issue 6): for arbitrary Unicode text and metadata, checking never raises;
every finding's offsets lie inside the text and agree with its line and column; the same input
gives byte-identical JSON; a bad metadata value is a clean error, never another exception.

One pipeline serves the module (the session fixture `nlp`), and the Decider is used directly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timezone
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from postcheck.errors import PostcheckError
from postcheck.model import Draft, DraftResult, Report, line_starts_of
from postcheck.policy.config import Config
from postcheck.policy.decide import Decider
from postcheck.policy.packs import load_packs
from postcheck.readers.meta import ACCOUNTS, PLATFORMS, REPLY_TO, SHOWS, MetaError, parse_meta
from postcheck.readers.text import draft_from_text
from postcheck.report.json_report import render_json
from postcheck.ruleset import load_rules

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
META_KEYS = (
    "account", "identifies_as_staff", "profile_disclaimer", "platform", "role", "organisation",
    "attachments", "in_reply_to", "scheduled", "link", "postcheck_ignore",
)
# Pieces that make the detectors fire, and characters that are hard on positions.
FRAGMENTS = (
    "Mrs Ellis", " in bed 4", " NHS number 943 476 5919", " 07700 900123", " jane.ellis@gmail.com",
    " on the ward", " my patient", " password: hunter2", " Views my own.", " the trust is a joke",
    "\n", "\r\n", "\r", "\t", "\u00a0", "\u200b", "\ufeff", "\u2028", "\x0c", "e\u0301", "\U0001f600",
    "\u05e9\u05dc\u05d5\u05dd", "\u202e", "\uff19\uff14\uff13", "<!-- postcheck: ignore patient-identifier -- ok -->\n",
    "<!-- postcheck: ignore-file nonsense -->", "---\n", "#", "http://example.org/943 476 5919",
)
texts = st.lists(st.one_of(st.text(max_size=30), st.sampled_from(FRAGMENTS)), max_size=12).map("".join)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
    st.datetimes(timezones=st.one_of(st.none(), st.just(timezone.utc))), st.dates(),
    st.sampled_from(ACCOUNTS + PLATFORMS + REPLY_TO + SHOWS + ("true", "no", "2026-12-01T09:30", "2026-12-01 09:30", "image")),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(("file", "kind", "shows", "consent", "alt")) | st.text(max_size=6), inner, max_size=4),
    max_leaves=8,
)
metadata = st.dictionaries(st.sampled_from(META_KEYS) | st.text(max_size=10), values, max_size=6)


@pytest.fixture(scope="module")
def decider() -> Decider:
    return Decider(list(load_packs().values()), load_rules(), Config())


def _decide(nlp: Any, decider: Decider, draft: Draft) -> DraftResult:
    from postcheck.nlp.pipeline import detect

    return decider.decide(draft, next(detect(nlp, [draft])))


def _assert_positions(result: DraftResult, full: str) -> None:
    """Offsets inside the original text, agreeing with line and column computed from scratch."""
    for f in result.findings:
        if f.start is None:
            assert f.end is None and f.line is None and f.column is None
            continue
        assert f.end is not None and 0 <= f.start <= f.end <= len(full), (f, len(full))
        assert f.line == full.count("\n", 0, f.start) + 1
        assert f.column == f.start - (full.rfind("\n", 0, f.start) + 1) + 1


def _json(result: DraftResult) -> str:
    return render_json(Report("0.1.0", ("nhsbt", "ref251", "bht", "hra", "blackpool"), (result,)))


@PROPERTY
@given(text=texts, raw=metadata)
@example(text="\rY", raw={})  # a sentence of only a carriage return: the classifier failed on it
@example(text="0 !Mr AA", raw={})  # the sentence before a name was only whitespace: sentence_span failed
def test_checking_never_raises_and_positions_agree(nlp: Any, decider: Decider, text: str, raw: dict[str, Any]) -> None:
    try:
        meta = parse_meta(raw)
    except MetaError:
        meta = {}
    draft = Draft(text=text, meta=meta, source="t.txt", line_starts=line_starts_of(text))
    result = _decide(nlp, decider, draft)
    _assert_positions(result, text)
    for f in result.findings:
        if f.start is not None:
            assert (f.line, f.column) == draft.position(f.start)
    assert _json(result) == _json(_decide(nlp, decider, draft))  # byte-identical, run twice


@PROPERTY
@given(text=texts, raw=metadata)
def test_drafts_with_front_matter_point_into_the_file(nlp: Any, decider: Decider, text: str, raw: dict[str, Any]) -> None:
    """Front matter written from arbitrary metadata: a clean error, or positions into the file."""
    full = "---\n" + yaml.safe_dump(raw, allow_unicode=True) + "---\n" + text
    try:
        draft = draft_from_text(full, "d.md")
    except PostcheckError as exc:
        assert str(exc).startswith("d.md") and "\n" not in str(exc)
        return
    result = _decide(nlp, decider, draft)
    _assert_positions(result, full)
    for f in result.findings:
        if f.start is not None:
            assert full[f.start : f.end] == draft.text[f.start - draft.offset : f.end - draft.offset]


@settings(max_examples=300, deadline=None)
@given(raw=metadata)
def test_bad_metadata_is_a_clean_error(raw: dict[str, Any]) -> None:
    try:
        meta = parse_meta(raw)
    except MetaError as exc:
        assert str(exc).startswith("metadata '") and exc.key
        assert str(exc.shown).startswith("metadata '")
        return
    assert set(meta) <= {str(k) for k in raw}


@settings(max_examples=150, deadline=None)
@given(records=st.lists(st.one_of(metadata, values), max_size=4), text=texts)
def test_json_batches_give_drafts_or_clean_errors(tmp_path_factory: pytest.TempPathFactory, records: list[Any], text: str) -> None:
    from postcheck.readers import read_items

    folder = tmp_path_factory.mktemp("json", numbered=True)
    lines = [json.dumps({"text": text, **r} if isinstance(r, dict) else r, default=str) for r in records]
    for suffix, content in ((".jsonl", "\n".join(lines)), (".json", "[" + ",".join(lines) + "]")):
        path = folder / f"batch{suffix}"
        path.write_text(content, encoding="utf-8")
        try:
            items = read_items(str(path))
        except PostcheckError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
            continue
        if suffix == ".json" or not content.lstrip().startswith("["):  # a .jsonl opening with [ is one array
            assert len(items) == len(records)
        for item in items:
            assert isinstance(item, (Draft, PostcheckError))
            if isinstance(item, PostcheckError):
                assert item.item is not None and str(item).startswith(str(path))


def test_the_same_input_gives_the_same_json_in_any_process() -> None:
    """Two processes with different hash seeds write byte-identical reports."""
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run([sys.executable, "-m", "postcheck", "check", str(ROOT / "examples"), "--format", "json"],
                              capture_output=True, cwd=ROOT, env=env, timeout=300)
        assert proc.returncode == 1, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]


def _fold_reference(text: str) -> tuple[str, tuple[int, ...]]:
    """fold() without its shortcuts (plain ASCII, no digit): every character looked at."""
    import unicodedata

    from postcheck.detectors.fold import INVISIBLE, LOOKALIKE, _among_digits, _plain

    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch in INVISIBLE or unicodedata.category(ch) == "Mn" and chars and chars[-1].isdigit():
            continue
        chars.append(_plain(ch))
        origin.append(i)
    for i, ch in enumerate(chars):
        if ch in LOOKALIKE and _among_digits(chars, i):
            chars[i] = LOOKALIKE[ch]
    origin.append(len(text))
    return "".join(chars), tuple(origin)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 OoDlI|ab-\u200b\u0663\u00a0\u2013x", max_size=40))
def test_fold_shortcuts_change_nothing(text: str) -> None:
    from postcheck.detectors.fold import fold

    assert fold.__wrapped__(text) == _fold_reference(text)
