"""Batches: CSV exports of scheduling tools, --jobs giving the same report, one pipeline per
process, the closing summary with the most frequent categories, and one CSV row per finding."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from postcheck.check import Options, run
from postcheck.cli import app
from postcheck.policy.config import Config

POSTS = [
    "Mrs Patel in bed 12 went home today, NHS number 943 476 5919",
    "Proud of the team today. Views my own.",
    "This trust is an absolute joke, useless management",
    "Bake sale in the atrium on Friday, all money to the hospital charity",
]


def write_export(tmp_path: Path, rows: int = 300) -> Path:
    path = tmp_path / "buffer-export.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Date", "Message", "Link"])
        for i in range(rows):
            out.writerow([f"2026-12-0{1 + i % 5} 19:30", POSTS[i % len(POSTS)], f"https://example.org/{i}"])
    return path


def test_scheduling_tool_columns(tmp_path: Path) -> None:
    path = write_export(tmp_path, rows=4)
    from postcheck.readers import read_path

    drafts = read_path(str(path))
    assert [d.item for d in drafts] == ["row 2", "row 3", "row 4", "row 5"]
    assert drafts[0].text == POSTS[0]
    assert drafts[0].meta["scheduled"].hour == 19 and drafts[0].meta["link"] == "https://example.org/0"


def test_jobs_give_the_same_report_and_build_once(tmp_path: Path) -> None:
    import postcheck.nlp.pipeline as pipeline

    path = write_export(tmp_path)
    before = pipeline.BUILDS
    seen: list[int] = []
    one = run([str(path)], Config(), Options(jobs=1), progress=lambda done, total: seen.append(done))
    two = run([str(path)], Config(), Options(jobs=2))
    assert pipeline.BUILDS - before == 2  # one per run, never one per draft or per worker
    assert one.results == two.results
    assert seen[-1] == 300 and seen == sorted(seen)
    assert one.summary()["drafts"] == 300
    assert run([str(path)], Config(), Options(jobs=0)).results == one.results  # one process per CPU


def test_batches_are_shared_out_evenly_and_small_ones_stay_in_one_process(monkeypatch) -> None:
    import postcheck.nlp.pipeline as pipeline

    monkeypatch.setattr(pipeline, "cpus", lambda: 2)
    assert pipeline.plan(250, 0) == (2, 125)
    assert pipeline.plan(10_000, 0) == (2, 128)
    assert pipeline.plan(40, 0) == (2, 32)  # two chunks; fewer than 64 drafts make one
    assert pipeline.plan(250, 1) == (1, 128)
    assert pipeline.plan(250, 3) == (3, 84)


def _through_spacys_own(nlp, text: str):
    """`text` through spaCy's own tagger, attribute ruler and lemmatizer (disabled in ours)."""
    doc = nlp.make_doc(text)
    for name in ("tok2vec", "tagger", "senter", "attribute_ruler", "lemmatizer"):
        if name in nlp.component_names:
            doc = nlp.get_pipe(name)(doc)
    return doc


def test_cached_attribute_ruler_sets_what_the_ruler_sets(nlp) -> None:
    """Parts of speech, morphology and lemmas from the cached ruler equal spaCy's own, on Docs
    its two-token patterns match ('gonna', "let's"), on repeated and on unseen words."""
    import numpy
    from spacy.attrs import LEMMA, MORPH, POS

    if "postcheck_cached_attribute_ruler" not in nlp.pipe_names:
        pytest.skip("no English attribute ruler installed")
    texts = ["We saw the saw on the ward, it ain't right.", "They're gonna leave; let's go, y'all.",
             "The nurses' notes were better than the best notes.", "Qwertyuiop zxcvbnm was seen by the team.",
             "We saw the saw on the ward again.\n\nThat's all."]
    for text in texts:
        doc = _through_spacys_own(nlp, text)
        ours = nlp(text)
        assert numpy.array_equal(ours.to_array([POS, MORPH, LEMMA]), doc.to_array([POS, MORPH, LEMMA])), text


def test_cached_lemmas_are_the_lemmatizers(nlp) -> None:
    """The cached lemmatizer gives each token the lemma spaCy's own gives it."""
    if "postcheck_cached_lemmatizer" not in nlp.pipe_names:
        pytest.skip("no English rule lemmatizer installed")
    text = ("We saw the saw on the ward. She was meeting them at the meeting; they're gonna leave. "
            "The nurses' notes were better than the best notes. Let's go, y'all.")
    expected = [t.lemma_ for t in _through_spacys_own(nlp, text)]
    ours = [t.lemma_ for t in nlp(text)]
    assert ours == expected and "meeting" in ours and "meet" in ours and "see" in ours


def test_closing_summary_and_csv_rows(tmp_path: Path) -> None:
    path = write_export(tmp_path, rows=8)
    result = CliRunner().invoke(app, ["check", str(path), "--policy", "bht"])
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("8 drafts: ") and "most frequent: patient-identifier" in last
    rows = list(csv.DictReader(io.StringIO(CliRunner().invoke(app, ["check", str(path), "--format", "csv"]).stdout)))
    assert rows and {"source", "item", "rule", "category", "severity", "line", "column", "evidence"} <= set(rows[0])
    assert {r["item"] for r in rows if r["category"] == "patient-identifier"} == {"row 2", "row 6"}
    assert all("943 476 5919" not in r["evidence"] for r in rows)


def test_no_progress_bar_off_a_terminal(tmp_path: Path) -> None:
    path = write_export(tmp_path, rows=60)
    result = CliRunner().invoke(app, ["check", str(path), "--format", "json"])
    assert json.loads(result.stdout)["summary"]["drafts"] == 60


def test_entity_recogniser_runs_only_where_a_name_is_possible(nlp) -> None:
    from postcheck.detectors.identifiers import may_hold_person

    assert "postcheck_gated_ner" in nlp.pipe_names and "ner" not in nlp.pipe_names
    assert not may_hold_person(nlp("Mad night on nights, 14 in the waiting room."))
    assert not may_hold_person(nlp("Mad night on Ward 7 this Monday, NHS at its best."))  # not-names only
    assert may_hold_person(nlp("Sarah Ward was on the ward."))  # a name starting a sentence, a capital after it
    doc = nlp("Mad night. Took Gerald Pearson back to the ward at 3am, he has a chest infection.")
    assert may_hold_person(doc)
    assert any("Pearson" in e.text for e in doc.ents if e.label_ == "PERSON")
    quiet = nlp("I think the NHS is brilliant. so proud of my team!")
    assert not quiet.ents
