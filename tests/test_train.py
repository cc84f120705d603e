"""postcheck train: a reproducible split, masked optional labels, thresholds chosen on dev, and
the same model twice from the same corpus and seed (on a small corpus, to stay quick)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from conftest import ROOT
from postcheck.evaluate import Label
import pytest

from postcheck.errors import PostcheckError
from postcheck.train import LABELS, add_to_corpus, cats_of, choose_thresholds, split_name, train, Example
from postcheck.nlp.classifier import model_path

CORPUS = ROOT / "models" / "corpus"


def test_split_is_a_pure_function_of_the_name() -> None:
    names = [f"x-{i:03}.txt" for i in range(400)]
    parts = [split_name(n) for n in names]
    assert parts == [split_name(n) for n in names]
    assert 0.12 < parts.count("dev") / len(parts) < 0.28


def test_optional_categories_are_left_out_of_the_loss() -> None:
    cats = cats_of(Label(frozenset({"disrepute"}), frozenset({"whistleblowing"})))
    assert cats["disrepute"] == 1.0 and "whistleblowing" not in cats
    assert all(cats[c] == 0.0 for c in LABELS if c not in ("disrepute", "whistleblowing"))


def test_thresholds_maximise_dev_f1() -> None:
    dev = [Example(f"{i}", "t", Label(frozenset({"endorsement"}) if i < 5 else frozenset(), frozenset())) for i in range(10)]
    scores = [{**{c: 0.0 for c in LABELS}, "endorsement": 0.9 if i < 5 else 0.6} for i in range(10)]
    assert choose_thresholds(dev, scores)["endorsement"] > 0.6


def test_thresholds_weigh_precision_above_recall() -> None:
    """Four positives score 0.9; a fifth scores 0.7, as does one clean draft. Catching the fifth
    costs one false alarm: F1 takes that trade (0.909 against 0.889), F-beta 0.5 does not
    (0.862 against 0.952)."""
    labels = [frozenset({"endorsement"})] * 5 + [frozenset()] * 5
    dev = [Example(f"{i}", "t", Label(labels[i], frozenset())) for i in range(10)]
    values = [0.9, 0.9, 0.9, 0.9, 0.7, 0.7, 0.1, 0.1, 0.1, 0.1]
    scores = [{**{c: 0.0 for c in LABELS}, "endorsement": v} for v in values]
    assert choose_thresholds(dev, scores, beta=1.0)["endorsement"] == 0.7
    assert choose_thresholds(dev, scores, beta=0.5)["endorsement"] > 0.7


def _small_corpus(tmp: Path) -> Path:
    for part, size in (("train", 60), ("dev", 20)):
        labels = yaml.safe_load((CORPUS / part / "labels.yaml").read_text(encoding="utf-8"))
        chosen = dict(sorted(labels.items())[:size])
        (tmp / part).mkdir(parents=True)
        for name in chosen:
            shutil.copy(CORPUS / part / name, tmp / part / name)
        (tmp / part / "labels.yaml").write_text(yaml.safe_dump(chosen), encoding="utf-8")
    return tmp


def test_training_twice_gives_the_same_model(tmp_path: Path) -> None:
    corpus = _small_corpus(tmp_path / "corpus")
    first = train(corpus, tmp_path / "a", epochs=2, log=lambda _: None)
    second = train(corpus, tmp_path / "b", epochs=2, log=lambda _: None)
    assert first == second
    weights = sorted((tmp_path / "a").rglob("model"))
    assert weights and all(w.read_bytes() == (tmp_path / "b" / w.relative_to(tmp_path / "a")).read_bytes() for w in weights)
    assert (tmp_path / "a" / "thresholds.yml").is_file()


def test_the_ensemble_saves_a_member_per_seed_and_scores_their_mean(tmp_path: Path) -> None:
    import spacy

    from postcheck.nlp.classifier import MEMBER_FOLDER, Classifier

    corpus = _small_corpus(tmp_path / "corpus")
    train(corpus, tmp_path / "pair", epochs=1, seeds=(1, 2), log=lambda _: None)
    train(corpus, tmp_path / "one", epochs=1, seeds=(1,), log=lambda _: None)
    train(corpus, tmp_path / "two", epochs=1, seeds=(2,), log=lambda _: None)
    assert (tmp_path / "pair" / MEMBER_FOLDER.format(2)).is_dir() and not (tmp_path / "one" / MEMBER_FOLDER.format(2)).exists()
    blank = spacy.blank("en")
    docs = [blank.make_doc(t) for t in ("Ring 111 if you are worried", "my manager is a lying snake", "")]
    pair, one, two = (Classifier(spacy.blank("en"), str(tmp_path / n)).scores(docs) for n in ("pair", "one", "two"))
    assert pair[0] != one[0] and pair[0] != two[0]
    for p, a, b in zip(pair, one, two):
        assert p == pytest.approx({label: (a[label] + b[label]) / 2 for label in a}, abs=1e-6)


def _folder(tmp: Path, entries: dict[str, dict], texts: dict[str, str]) -> Path:
    tmp.mkdir(parents=True)
    for name, text in texts.items():
        (tmp / name).write_text(text, encoding="utf-8")
    (tmp / "labels.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    return tmp


def test_adding_a_folder_copies_its_drafts_by_the_split_and_keeps_the_folder(tmp_path: Path) -> None:
    names = [f"new-{i:03}.txt" for i in range(30)]
    entries = {n: {"expect": ["endorsement"] if i % 2 else [], "optional": [], "note": "n"} for i, n in enumerate(names)}
    folder = _folder(tmp_path / "in", entries, {n: f"draft number {i}" for i, n in enumerate(names)})
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    corpus = tmp_path / "corpus"
    counts = add_to_corpus(folder, corpus)
    assert counts["train"] + counts["dev"] == 30 and counts["dev"] == sum(split_name(n) == "dev" for n in names)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # the user's folder is untouched
    for part in ("train", "dev"):
        merged = yaml.safe_load((corpus / part / "labels.yaml").read_text(encoding="utf-8"))
        assert all(split_name(n) == part and (corpus / part / n).is_file() for n in merged)
        assert all(merged[n] == entries[n] for n in merged)
    with pytest.raises(PostcheckError, match="already in the corpus"):
        add_to_corpus(folder, corpus)


@pytest.mark.parametrize(
    "entries, texts, message",
    [
        ({"a.txt": {"expect": ["no-such-category"]}}, {"a.txt": "x"}, "unknown category"),
        ({"a.txt": {"expect": []}}, {"a.txt": "x", "b.txt": "y"}, "no entry in labels.yaml"),
        ({"a.txt": {"expect": []}, "gone.txt": {"expect": []}}, {"a.txt": "x"}, "names no draft"),
    ],
)
def test_a_bad_folder_is_refused_before_anything_is_copied(tmp_path: Path, entries, texts, message) -> None:
    folder = _folder(tmp_path / "in", entries, texts)
    with pytest.raises(PostcheckError, match=message):
        add_to_corpus(folder, tmp_path / "corpus")
    assert not (tmp_path / "corpus").exists()


def test_train_add_reports_a_bad_folder_in_one_line(tmp_path: Path, capsys) -> None:
    from postcheck.train import main

    assert main([str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "missing" in err[0] and "labels.yaml" in err[0]


def test_train_uses_the_checkout_in_the_current_directory(tmp_path: Path, monkeypatch) -> None:
    from postcheck.paths import models_dir
    from postcheck.train import models_folder

    monkeypatch.chdir(tmp_path)
    assert models_folder() == models_dir()  # no corpus here: the package's own folder
    (tmp_path / "models" / "corpus" / "train").mkdir(parents=True)
    (tmp_path / "models" / "corpus" / "train" / "labels.yaml").write_text("{}", encoding="utf-8")
    assert models_folder() == tmp_path / "models"


def test_thresholds_dev_cannot_tell_apart_go_to_the_higher() -> None:
    """Sixty positives: 59 score 0.9, one 0.7, and nothing clean scores above 0.1. Catching the
    sixtieth moves F-beta by under TOLERANCE (1.000 against 0.997), a difference one dev draft
    makes, so the higher threshold is kept; when the lower one is clearly better, it wins."""
    dev = [Example(f"{i}", "t", Label(frozenset({"endorsement"}) if i < 60 else frozenset(), frozenset())) for i in range(80)]
    values = [0.9] * 59 + [0.7] + [0.1] * 20
    scores = [{**{c: 0.0 for c in LABELS}, "endorsement": v} for v in values]
    assert choose_thresholds(dev, scores)["endorsement"] == 0.9
    values = [0.9] * 40 + [0.7] * 20 + [0.1] * 20
    scores = [{**{c: 0.0 for c in LABELS}, "endorsement": v} for v in values]
    assert choose_thresholds(dev, scores)["endorsement"] == 0.7


def _floor_case() -> tuple[list[Example], list[dict[str, float]]]:
    """Twenty drafts: ten endorsement positives, ten clean. The classifier scores positives 0.3
    (under every threshold) and clean drafts 0.01."""
    dev = [Example(f"{i}", "t", Label(frozenset({"endorsement"}) if i < 10 else frozenset(), frozenset())) for i in range(20)]
    scores = [{**{c: 0.0 for c in LABELS}, "endorsement": 0.3 if i < 10 else 0.01} for i in range(20)]
    return dev, scores


def test_a_floor_drops_rule_matches_the_classifier_doubts() -> None:
    """A text rule fires on every positive and on four clean drafts the classifier scores 0.01:
    a floor above 0.01 keeps the ten and drops the four; a metadata rule's findings are never
    floored."""
    from postcheck.train import RuleFindings, choose_cutoffs

    dev, scores = _floor_case()
    text_rule = [RuleFindings(floored=frozenset({"endorsement"}) if i < 14 else frozenset()) for i in range(20)]
    floors = choose_cutoffs(dev, scores, text_rule)[1]
    assert 0.01 < floors["endorsement"] <= 0.3
    metadata_rule = [RuleFindings(fixed=frozenset({"endorsement"}) if i < 14 else frozenset()) for i in range(20)]
    assert choose_cutoffs(dev, scores, metadata_rule)[1]["endorsement"] == 0.0  # no floor can help


def test_no_floor_when_dev_cannot_tell() -> None:
    """A rule that fires only on positives needs no floor: every floor ties, and the lowest wins."""
    from postcheck.train import RuleFindings, choose_cutoffs

    dev, scores = _floor_case()
    rules = [RuleFindings(floored=frozenset({"endorsement"}) if i < 10 else frozenset()) for i in range(20)]
    assert choose_cutoffs(dev, scores, rules)[1]["endorsement"] == 0.0


def test_a_match_a_long_drafts_sentence_keeps_needs_no_floor() -> None:
    """Matches that stand on their sentence's score in a long draft (`rescued`) are reported
    whatever the floor, so, like a metadata rule's, no floor can drop the four on clean drafts."""
    from postcheck.train import RuleFindings, choose_cutoffs

    dev, scores = _floor_case()
    rules = [
        RuleFindings(floored=frozenset({"endorsement"}) if i < 14 else frozenset(), rescued=frozenset({"endorsement"}) if 10 <= i < 14 else frozenset())
        for i in range(20)
    ]
    assert choose_cutoffs(dev, scores, rules)[1]["endorsement"] == 0.0


@pytest.mark.skipif(not (model_path() / "config.cfg").is_file(), reason="no trained model in models/")
def test_the_model_carries_the_long_draft_setting_train_writes() -> None:
    from postcheck.nlp.classifier import long_drafts
    from postcheck.train import LONG_DRAFTS

    assert long_drafts() == LONG_DRAFTS
