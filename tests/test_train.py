"""postcheck train: a reproducible split, masked optional labels, thresholds chosen on dev, and
the same model twice from the same corpus and seed (on a small corpus, to stay quick)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from conftest import ROOT
from postcheck.evaluate import Label
from postcheck.train import LABELS, cats_of, choose_thresholds, split_name, train, Example

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
