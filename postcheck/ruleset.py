"""Rule definitions and lexicons from `rules/`: data, validated when loaded.

A rule is one YAML file under `rules/checks/`; its id is its path (`identifiers/nhs-number.yml`
is `identifiers.nhs-number`). To add a rule of an existing kind, add a YAML file; to add a
kind, implement it in a detector module and name it in `postcheck.nlp.factories.KINDS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from postcheck.errors import PostcheckError
from postcheck.model import CATEGORIES
from postcheck.paths import rules_dir
from postcheck.yamlload import bundled, line_of, load_file, strip_lines

RULE_KEYS = {"kind", "category", "message", "fix", "finds", "example", "instead", "params", "requires_clause"}
REQUIRED = ("kind", "category", "message", "fix", "finds", "example")


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    category: str
    message: str
    fix: str
    finds: str
    example: str
    instead: str = ""
    requires_clause: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    # Read from rules/compiled.json, whose writer validated every matcher pattern of the file
    # as it still is: the patterns need no second validation.
    vetted: bool = field(default=False, compare=False)


def _rule_from(path: Path, root: Path, data: Any = None, with_params: bool = True) -> Rule:
    """The rule in `path` (or in `data`, read from it), validated; `with_params=False` leaves
    its params out (listing rules needs only their texts)."""
    if data is None:
        data = bundled(path)
        vetted = data is not None
        if data is None:
            data = load_file(path, with_lines=True)
    else:
        vetted = False
    where = str(path)
    if not isinstance(data, dict):
        raise PostcheckError(where, "a rule file must be a mapping", 1)
    for key in data:
        if key not in RULE_KEYS and not key.startswith("__"):
            raise PostcheckError(where, f"unknown key '{key}'", line_of(data, key))
    for key in REQUIRED:
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise PostcheckError(where, f"'{key}' is required and must be text", line_of(data, key))
    if data["category"] not in CATEGORIES:
        raise PostcheckError(where, f"unknown category '{data['category']}'", line_of(data, "category"))
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise PostcheckError(where, "'params' must be a mapping", line_of(data, "params"))
    for key in ("patterns", "weak_patterns", "needs") if data["kind"] != "semantic" else ():
        for pattern in [params[key]] if key == "needs" and key in params else params.get(key, []) or []:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise PostcheckError(where, f"invalid regular expression {pattern!r}: {exc}", line_of(params, key)) from None
    rule = _make_rule(data, path, root, bool(data.get("requires_clause", False)), strip_lines(params) if with_params else {})
    return replace(rule, vetted=True) if vetted else rule


def _make_rule(data: dict[str, Any], path: Path, root: Path, requires_clause: bool, params: dict[str, Any]) -> Rule:
    return Rule(
        id=".".join(path.relative_to(root).with_suffix("").parts),
        kind=data["kind"],
        category=data["category"],
        message=data["message"].strip(),
        fix=data["fix"].strip(),
        finds=data["finds"].strip(),
        example=data["example"].strip(),
        instead=str(data.get("instead", "")).strip(),
        requires_clause=requires_clause,
        params=params,
        path=str(path),
    )


@lru_cache(maxsize=4)
def load_rules(root: str | None = None) -> dict[str, Rule]:
    base = Path(root) if root else rules_dir() / "checks"
    rules: dict[str, Rule] = {}
    for path in sorted(base.rglob("*.yml")):
        rule = _rule_from(path, base)
        rules[rule.id] = rule
    return rules


def _header(path: Path) -> dict[str, Any] | None:
    """A rule file's top-level text fields, read from libyaml's parse events without building
    its patterns (listing and explaining rules need nothing else; that takes a fifth of the
    time). None when the file is not plain enough to read this way: load it in full instead."""
    import yaml

    try:
        events = yaml.parse(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        out: dict[str, Any] = {}
        depth, key, expect_key = 0, None, True
        for event in events:
            if isinstance(event, yaml.AliasEvent):
                return None
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if depth == 0 and not isinstance(event, yaml.MappingStartEvent):
                    return None
                depth += 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
                expect_key = True
            elif isinstance(event, yaml.ScalarEvent) and depth == 1:
                if expect_key:
                    if event.value in out:
                        return None  # a duplicate key: the full loader reports it
                    key, expect_key = event.value, False
                else:
                    out[str(key)], expect_key = event.value, True
        return out
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


@lru_cache(maxsize=4)
def rule_summaries(root: str | None = None) -> dict[str, Rule]:
    """Every rule's id, kind, category and texts, without its params (for `rules` and
    `explain`): from the bundle, validated in full, where it holds the file as it is, else from
    the file's top-level fields; a file that cannot be read either way is loaded in full."""
    base = Path(root) if root else rules_dir() / "checks"
    rules: dict[str, Rule] = {}
    for path in sorted(base.rglob("*.yml")):
        full = bundled(path)
        if full is not None:
            rule = _rule_from(path, base, full, with_params=False)
            rules[rule.id] = rule
            continue
        data = _header(path)
        if data is None or any(not str(data.get(k, "")).strip() for k in REQUIRED) or data["category"] not in CATEGORIES:
            rule = _rule_from(path, base)
        else:
            clause = str(data.get("requires_clause", "")).lower() in ("true", "yes")
            rule = _make_rule(data, path, base, clause, {})
        rules[rule.id] = rule
    return rules


def _lexicon_file(name: str, root: str | None = None) -> tuple[Path, Any]:
    """The path and parsed contents of `rules/lexicons/<name>.yml` (or of `root`/<name>.yml)."""
    path = (Path(root) if root else rules_dir() / "lexicons") / f"{name}.yml"
    if not path.is_file():
        raise PostcheckError(str(path), f"lexicon '{name}' does not exist")
    return path, _parsed(path)


@lru_cache(maxsize=None)  # every lexicon file, once (there are more than 64), however it is named
def _parsed(path: Path) -> Any:
    return load_file(path, with_lines=True)


@lru_cache(maxsize=None)
def lexicon(name: str, root: str | None = None) -> tuple[str, ...]:
    """The terms of `rules/lexicons/<name>.yml`; terms starting `re:` are regular expressions."""
    path, data = _lexicon_file(name, root)
    terms = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise PostcheckError(str(path), "'terms' must be a list of text", line_of(data, "terms"))
    return tuple(terms)


def lexicon_is_feature(name: str, root: str | None = None) -> bool:
    """Whether the classifier is shown the lexicon: all are but those marked 'feature: false',
    gates that only silence a rule ('please read the trust's update')."""
    data = _lexicon_file(name, root)[1]
    return not (isinstance(data, dict) and str(data.get("feature", "")).lower() in ("false", "no"))


@lru_cache(maxsize=None)
def lexicon_words(name: str) -> frozenset[str]:
    """A lexicon's one-word terms, lower-cased: what a token is checked against ('lex:NAME' in a
    pattern's word list, 'is this word a family word?'). Phrases and 're:' terms are left out."""
    return frozenset(t.lower() for t in lexicon(name) if " " not in t and not t.startswith("re:"))


def _units(term: str, fold: bool) -> list[str]:
    """A term as regular-expression pieces: each character escaped (lower-cased when `fold`),
    each space any run of whitespace."""
    units = []
    for char in term:
        if char == " ":
            units.append(r"\s+")
        else:
            low = char.lower() if fold else char
            units.append(re.escape(low if len(low) == 1 else char))
    return units


def _trie(node: dict[str, Any]) -> str:
    alternatives = [unit + _trie(child) for unit, child in sorted(node.items()) if unit]
    if not alternatives:
        return ""
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    return f"(?:{body})?" if "" in node else body


def term_pattern(terms: tuple[str, ...] | list[str], fold: bool = True) -> str:
    """One word-bounded regular expression for a lexicon's terms. The plain terms share their
    common beginnings (a trie: 'ibuprofen|ibuprofen gel|ice' is 'i(?:buprofen(?:\\s+gel)?|ce)'),
    so the engine follows one branch at each character instead of trying 400 terms there in
    turn; `fold` when the expression is used case-insensitively. 're:' terms are added as
    they are."""
    root: dict[str, Any] = {}
    for term in terms:
        if not term.startswith("re:"):
            node = root
            for unit in _units(term, fold):
                node = node.setdefault(unit, {})
            node[""] = {}
    parts = [f"(?:{term[3:]})" for term in terms if term.startswith("re:")]
    if root:
        parts.insert(0, _trie(root) if list(root) != [""] else "")
    return r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])"


@lru_cache(maxsize=None)
def lexicon_regex(name: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """One compiled regex for a lexicon, word-bounded, compiled once per process."""
    return re.compile(term_pattern(lexicon(name), fold=not case_sensitive), 0 if case_sensitive else re.IGNORECASE)


@lru_cache(maxsize=1)
def categories_doc() -> dict[str, dict[str, str]]:
    path = rules_dir() / "categories.yml"
    data = strip_lines(load_file(path, with_lines=True))
    if not isinstance(data, dict):
        raise PostcheckError(str(path), "must map each category to its description")
    for name in data:
        if name not in CATEGORIES:
            raise PostcheckError(str(path), f"unknown category '{name}'")
    return data
