"""Policy packs: the five shipped packs load, map all 21 categories, and bad packs fail clearly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SHARED
from postcheck.errors import PostcheckError
from postcheck.model import CATEGORIES
from postcheck.policy.packs import load_pack, load_packs


def test_five_packs_cover_every_category() -> None:
    packs = load_packs()
    assert set(packs) == {"nhsbt", "ref251", "bht", "hra", "blackpool"}
    covered = {c for p in packs.values() for clause in p.clauses for c in clause.categories}
    assert covered == set(CATEGORIES)


def test_summaries_cite_their_clause_and_are_our_own_words() -> None:
    policies = SHARED / "policies"
    texts = " ".join(p.read_text().lower() for p in policies.glob("*.txt")) if policies.is_dir() else ""
    words = re.sub(r"\s+", " ", texts)
    for pack in load_packs().values():
        for clause in pack.clauses:
            assert clause.number in clause.summary, (pack.id, clause.number)
            tokens = clause.summary.lower().split()
            for i in range(len(tokens) - 7):
                assert " ".join(tokens[i : i + 8]) not in words


BAD = [
    ("id: bad\ntitle: t\norganisation: o\nversion: '1'\nreference: r\nclauses: []\n", "clauses", 6),
    ("id: bad\ntitle: t\norganisation: o\nversion: '1'\nreference: r\nclauses:\n  - clause: '1'\n    summary: s\n    categories: [gossip]\n    severity: block\n    fix: f\n", "unknown category 'gossip'", 9),
    ("id: bad\ntitle: t\norganisation: o\nversion: '1'\nreference: r\nclauses:\n  - clause: '1'\n    summary: s\n    categories: [disrepute]\n    severity: fatal\n    fix: f\n", "severity", 10),
    ("id: bad\ntitle: t\n  organisation: o\n", "invalid YAML", 3),
]


@pytest.mark.parametrize("content,message,line", BAD)
def test_bad_pack_names_file_and_line(tmp_path: Path, content: str, message: str, line: int) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(content)
    with pytest.raises(PostcheckError) as info:
        load_pack(path)
    assert message in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}:")


@pytest.mark.parametrize("with_bundle", [True, False])
def test_rule_summaries_read_the_same_texts_as_the_full_loader(with_bundle: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """`rules` and `explain` read the bundle, or only the top-level fields when it is out of
    date; either way they must agree with the full load."""
    from dataclasses import replace

    from postcheck import yamlload
    from postcheck.ruleset import load_rules, rule_summaries

    full = load_rules()
    if not with_bundle:
        monkeypatch.setattr(yamlload, "bundled", lambda path: None)
        monkeypatch.setattr("postcheck.ruleset.bundled", lambda path: None)
    light = rule_summaries.__wrapped__()
    assert light.keys() == full.keys()
    for rule_id, rule in full.items():
        assert light[rule_id] == replace(rule, params={}), rule_id


def _plain_alternation(terms: tuple[str, ...]) -> str:
    """The lexicon regex as it was before the trie: every term an alternative, longest first."""
    import re

    parts = [f"(?:{t[3:]})" if t.startswith("re:") else re.escape(t).replace(r"\ ", r"\s+") for t in terms]
    parts.sort(key=len, reverse=True)
    return r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])"


def test_lexicon_trie_matches_where_the_plain_alternation_does() -> None:
    """The shared-prefix expression finds a term exactly where trying each term would: whole
    terms, in any case and spacing, never inside a longer word, prefixes of terms neither."""
    import re

    from postcheck.paths import rules_dir
    from postcheck.ruleset import lexicon, lexicon_regex, term_pattern

    made = re.compile(term_pattern(("ibuprofen", "ibuprofen gel", "ice", "ICU", "a&e", "re:\\d+mg")), re.IGNORECASE)
    for text, found in (("two Ibuprofen  GEL tabs", True), ("icecream", False), ("ibuprofe", False),
                        ("off to a&e now", True), ("in icu", True), ("take 400mg", True), ("ice-cold", True)):
        assert (made.search(text) is not None) is found, text
    for path in sorted((rules_dir() / "lexicons").glob("*.yml")):
        terms = lexicon(path.stem)
        plain = re.compile(_plain_alternation(terms), re.IGNORECASE)
        trie = lexicon_regex(path.stem)
        samples = []
        for term in [t for t in terms if not t.startswith("re:")][:60]:
            samples += [f"so {term} here", f"so {term.upper()}s here", f"x{term}", f"{term[:-1]} end", f"({term.title()})"]
        for text in samples:
            assert (trie.search(text) is not None) == (plain.search(text) is not None), (path.stem, text)
