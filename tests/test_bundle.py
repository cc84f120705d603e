"""rules/compiled.json: the parsed rules bundle that spares a cold start 0.3 s of YAML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postcheck import paths, yamlload
from postcheck.bundle import bundle_of, render
from postcheck.yamlload import BUNDLE, BUNDLE_FORMAT, digest, load_file


def test_committed_bundle_is_up_to_date() -> None:
    root = paths.rules_dir()
    committed = (root / BUNDLE).read_text(encoding="utf-8")
    assert committed == render(bundle_of(root)), "rules/ changed: run python -m postcheck.bundle"


@pytest.fixture
def rules_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(paths, "rules_dir", lambda: tmp_path)
    yamlload._bundle.cache_clear()
    yield tmp_path
    yamlload._bundle.cache_clear()


def _write_bundle(root: Path, files: dict[str, list[str]]) -> None:
    (root / BUNDLE).write_text(json.dumps({"format": BUNDLE_FORMAT, "files": files}), encoding="utf-8")


def test_a_file_is_read_from_the_bundle_only_while_its_text_is_unchanged(rules_root: Path) -> None:
    lexicon = rules_root / "words.yml"
    lexicon.write_text("terms: [ward]\n", encoding="utf-8")
    # The bundle deliberately disagrees with the file, to show which one was read.
    _write_bundle(rules_root, {"words.yml": [digest("terms: [ward]\n"), json.dumps({"terms": ["bundled"]})]})
    assert load_file(lexicon, with_lines=True) == {"terms": ["bundled"]}
    lexicon.write_text("terms: [ward, bay]\n", encoding="utf-8")  # edited after the bundle was written
    assert yamlload.strip_lines(load_file(lexicon, with_lines=True)) == {"terms": ["ward", "bay"]}


def test_a_broken_or_foreign_bundle_is_ignored(rules_root: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    lexicon = rules_root / "words.yml"
    lexicon.write_text("terms: [ward]\n", encoding="utf-8")
    for text in ("{not json", json.dumps({"format": BUNDLE_FORMAT + 1, "files": {"words.yml": [digest("terms: [ward]\n"), "{}"]}}), "[]"):
        (rules_root / BUNDLE).write_text(text, encoding="utf-8")
        yamlload._bundle.cache_clear()
        assert yamlload.strip_lines(load_file(lexicon, with_lines=True)) == {"terms": ["ward"]}
    # A file outside rules/ with the same name and text is never taken from the bundle.
    _write_bundle(rules_root, {"words.yml": [digest("terms: [ward]\n"), json.dumps({"terms": ["bundled"]})]})
    yamlload._bundle.cache_clear()
    other = tmp_path_factory.mktemp("elsewhere") / "words.yml"
    other.write_text("terms: [ward]\n", encoding="utf-8")
    assert yamlload.strip_lines(load_file(other, with_lines=True)) == {"terms": ["ward"]}


def test_bundle_holds_what_yaml_gives_and_leaves_out_what_json_cannot(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("terms: [ward, 'on']\nsize: 3\n", encoding="utf-8")
    (tmp_path / "dated.yml").write_text("when: 2024-05-01\n", encoding="utf-8")  # a date: not JSON
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text("x: {y: [1, 2]}\n", encoding="utf-8")
    files = bundle_of(tmp_path)["files"]
    assert sorted(files) == ["a.yml", "sub/b.yml"]
    assert json.loads(files["a.yml"][1]) == yamlload.load_text((tmp_path / "a.yml").read_text(), "a.yml", with_lines=True)


def test_bundle_refuses_invalid_yaml(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text("terms: [ward\n", encoding="utf-8")
    with pytest.raises(Exception) as info:
        bundle_of(tmp_path)
    assert "bad.yml" in str(info.value)


def test_bundle_refuses_an_invalid_matcher_pattern(tmp_path: Path) -> None:
    """Rules read from the bundle are not validated again, so the bundle must not hold a bad one."""
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "bad.yml").write_text(
        "kind: semantic\ncategory: endorsement\nparams:\n  patterns:\n    - [{LOWER: {IN: [a]}, OP: '%'}]\n", encoding="utf-8")
    with pytest.raises(Exception) as info:
        bundle_of(tmp_path)
    assert "bad.yml" in str(info.value) and "invalid matcher pattern" in str(info.value)


def test_only_rules_read_from_a_fresh_bundle_skip_validation() -> None:
    from postcheck.ruleset import load_rules

    rules = [r for r in load_rules().values() if r.kind == "semantic"]
    assert rules and all(r.vetted for r in rules)


def test_bundle_refuses_a_yaml_boolean_in_a_pattern(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text(
        "kind: semantic\ncategory: endorsement\nparams:\n  patterns:\n    - [{LOWER: {IN: [switch]}}, {LOWER: {IN: [on, off]}}]\n", encoding="utf-8")
    with pytest.raises(Exception) as info:
        bundle_of(tmp_path)
    assert "bad.yml" in str(info.value) and "YAML boolean" in str(info.value)


def test_vetted_rules_name_the_same_lexicons_as_the_full_scan() -> None:
    import json as _json

    from postcheck.detectors.semantic import LEXICON_NAME, _scan
    from postcheck.ruleset import load_rules

    for rule in load_rules().values():
        if rule.kind == "semantic":
            named: set[str] = set()
            _scan(rule.params.get("patterns"), named)
            assert set(LEXICON_NAME.findall(_json.dumps(rule.params.get("patterns") or []))) == named, rule.id
