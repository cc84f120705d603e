"""Filing the semantic rules' matcher patterns: plain data, computed without spaCy.

Each written pattern is split at its wide gaps and filed under one word list it requires (see
`Filing`); semantic.py builds spaCy matchers from the filing. Because none of this needs spaCy,
`prefetch()` can file the installed rules in a forked child while the parent process imports
spaCy and loads the English pipeline, which takes longer; `prefetched()` collects the result.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from postcheck.errors import PostcheckError
from postcheck.ruleset import Rule, lexicon, lexicon_words, load_rules

WORD_ATTRS = ("LOWER", "LEMMA", "ORTH", "TEXT", "NORM")
# Words found in more than about one draft in twenty: a pattern needing one of them is tried on
# every draft (gating on them would cost more than it saves).
COMMON_WORDS = frozenset(
    ". , : ; - ! ? \" ' ( ) the a an and or but to of in on at for from with by about as is are was were "
    "be been being am 'm 's 're 've 'd 'll n't not no do does did have has had it its it's this that "
    "these those i i'm me my we us our you your he him his she her they them their who what when "
    "where why how if so just all one up out get got can will would could should today day week new "
    "x please anyone every ward nurse staff team trust hospital nhs patient patients shift work".split()
)


@lru_cache(maxsize=None)
def _one_words(name: str) -> tuple[str, ...]:
    """The one-word terms of a lexicon in order: what 'lex:NAME' in a pattern list means."""
    return tuple(sorted(lexicon_words(name)))


def _token_words(token: dict[str, Any]) -> frozenset[str] | None:
    """The lower-cased words a required token must be, or None if it is not a word list
    ('lex:NAME' in the list counts as the lexicon's one-word terms)."""
    if token.get("OP") not in (None, "+"):
        return None
    for attr in WORD_ATTRS:
        value = token.get(attr)
        if isinstance(value, str):
            return frozenset({value.lower()})
        if isinstance(value, dict) and set(value) == {"IN"}:
            return _in_words("\0".join(map(str, value["IN"])))
    return None


@lru_cache(maxsize=None)
def _in_words(joined: str) -> frozenset[str]:
    """An IN list's words (joined by NUL: one string is quicker to hash and compare than a
    tuple of them), lower-cased, lexicons expanded. Rules repeat the same lists."""
    if "lex:" not in joined:
        return frozenset(joined.lower().split("\0"))
    words = joined.split("\0")
    found = frozenset(w.lower() for w in words if not w.startswith("lex:"))
    return found.union(*(lexicon_words(w[4:]) for w in words if w.startswith("lex:")))


def _required(pattern: list[dict[str, Any]], seen: dict[int, Any] | None = None) -> list[frozenset[str]]:
    """The word lists of the pattern's required tokens: a Doc must hold a word of each for the
    pattern to match. `seen` keeps each token's words by identity (a pattern's split copies
    share their tokens)."""
    def words_of(token: dict[str, Any]) -> frozenset[str] | None:
        if seen is None:
            return _token_words(token)
        if id(token) not in seen:
            seen[id(token)] = (token, _token_words(token))  # the token is kept so its id stays its own
        return seen[id(token)][1]

    return [words for words in map(words_of, pattern) if words]


def _gate(required: list[frozenset[str]], common: frozenset[str] | set[str]) -> frozenset[str] | None:
    """The word list a pattern is filed under: the smallest with no common word in it, else the
    smallest of all; None when no required token is a word list (the pattern runs on every Doc)."""
    return min(required, key=lambda words: (bool(words & common), len(words))) if required else None


OP_RANGE = re.compile(r"^\{(\d*)(,?)(\d*)\}$")


def _max_length(pattern: list[dict[str, Any]]) -> int | None:
    """The most tokens a match of the pattern can span; None when a token may repeat without
    limit ('*', '+', '{2,}')."""
    total = 0
    for token in pattern:
        op = str(token.get("OP", ""))
        if op in ("", "!", "?"):
            total += 1
            continue
        found = OP_RANGE.match(op)
        if found is None or (found.group(2) and not found.group(3)):
            return None
        total += int(found.group(3) or found.group(1) or 0)
    return total


YAML_BOOLEAN = "a pattern holds a YAML boolean: quote words such as \"on\", \"off\", \"no\", \"yes\""
LEXICON_NAME = re.compile(r'"lex:([^"\\]*)"')  # a JSON string 'lex:NAME'
BOOLEAN_KEYS = frozenset({"OP", "op", "IS_ALPHA", "IS_UPPER", "IS_TITLE", "IS_DIGIT", "IS_PUNCT", "LIKE_NUM", "IS_SENT_START", "IS_STOP"})


def _scan(value: Any, lexicons: set[str]) -> bool:
    """Adds the lexicons a pattern names ('lex:NAME' anywhere in it) to `lexicons`; True if it
    holds a YAML boolean where a word belongs (YAML reads unquoted on/off/yes/no/true as
    booleans; inside a pattern they are words). Word lists are looked at in one pass each."""
    if isinstance(value, bool):
        return True
    if isinstance(value, dict):
        return any([_scan(v, lexicons) for k, v in value.items() if k not in BOOLEAN_KEYS])
    if isinstance(value, list):
        words = [v for v in value if v.__class__ is str]
        lexicons.update(w[4:] for w in words if w[:4] == "lex:")
        return len(words) < len(value) and any([_scan(v, lexicons) for v in value if v.__class__ is not str])
    return False


def _expand(value: Any) -> Any:
    """'lex:NAME' inside a pattern list stands for the one-word terms of rules/lexicons/NAME.yml."""
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items()}
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            if isinstance(item, str) and item.startswith("lex:"):
                out += _one_words(item[4:])
            else:
                out.append(_expand(item))
        return out
    return value


RANGE = re.compile(r"^\{(\d*),(\d+)\}$")
SPLIT_FROM = 5  # a wider {n,m} gap is split into one pattern per length


def _split_ranges(pattern: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """A token with OP {n,m} is m-n optional copies for spaCy's Matcher, and every way of
    skipping some of them is a separate state: C(m, k) states after k tokens ({0,25} took
    250 ms on one draft). One pattern per fixed length matches exactly the same spans with one
    state each."""
    if not any("," in str(token.get("OP", "")) for token in pattern):
        return [list(pattern)] if pattern else []  # no gap to split (most patterns)
    variants: list[list[dict[str, Any]]] = [[]]
    for token in pattern:
        found = RANGE.match(str(token.get("OP", "")))
        low, high = (int(found.group(1) or 0), int(found.group(2))) if found else (0, 0)
        if not found or high - low < SPLIT_FROM:
            variants = [v + [token] for v in variants]
            continue
        plain = {k: v for k, v in token.items() if k != "OP"}
        variants = [v + [plain] * n for v in variants for n in range(low, high + 1)]
    return [v for v in variants if v]


def check_patterns(where: str, params: dict[str, Any], validate: Callable[[Any], list[str]], line: int | None = None) -> None:
    """The checks of a semantic rule's patterns as written: no YAML boolean where a word belongs,
    every token pattern a list that `validate` (spaCy's token pattern check) accepts. Run by
    the bundle's writer and on loading a rule the bundle did not vet."""
    if _scan(params.get("patterns"), set()) or _scan(params.get("dependency"), set()):
        raise PostcheckError(where, YAML_BOOLEAN, line)
    for raw in params.get("patterns") or []:
        # As written: a 'lex:NAME' stands where its words will, and a {n,m} gap is what its
        # split copies are.
        errors = validate(raw) if isinstance(raw, list) else ["a pattern must be a list of tokens"]
        if errors:
            raise PostcheckError(where, f"invalid matcher pattern: {errors[0]}", line)


def _patterns(rule: Rule) -> tuple[list[Any], list[str], list[Any]]:
    """A rule's token patterns (as written), phrases and dependency patterns (lexicons
    expanded). Every lexicon the token patterns name must exist."""
    p = rule.params
    texts = [str(t) for t in p.get("phrases", []) or [] if not str(t).startswith("lex:")]
    texts += [t for name in p.get("phrases", []) or [] if str(name).startswith("lex:") for t in lexicon(str(name)[4:]) if not t.startswith("re:")]
    tokens = list(p.get("patterns", []) or [])  # expanded as they are added to a matcher
    dependency = [_expand(pattern) for pattern in p.get("dependency", []) or []]
    for name in set(LEXICON_NAME.findall(json.dumps(tokens))):
        _one_words(name)  # a lexicon that does not exist is an error now, not on first use
    return tokens, texts, dependency


@dataclass
class Filing:
    """The semantic rules' patterns as matchers will hold them, by rule id.

    always:     (rule id, expanded pattern) run on every Doc: no word list is required
    pending:    per word list, the (rule id, pattern) filed under it, expanded when built
    index:      word -> the word lists holding it
    needs:      per word list, the distinct sets of other lists one of its patterns requires
                (empty when one requires no other)
    lengths:    per word list, the longest match of its patterns (None: unbounded)
    phrases:    (rule id, phrase texts); dependency: (rule id, expanded patterns)"""

    always: list[tuple[str, Any]] = field(default_factory=list)
    pending: dict[frozenset[str], list[tuple[str, Any]]] = field(default_factory=dict)
    index: dict[str, list[frozenset[str]]] = field(default_factory=dict)
    needs: dict[frozenset[str], list[tuple[frozenset[str], ...]]] = field(default_factory=dict)
    lengths: dict[frozenset[str], int | None] = field(default_factory=dict)
    phrases: list[tuple[str, list[str]]] = field(default_factory=list)
    dependency: list[tuple[str, list[Any]]] = field(default_factory=list)


def file_rules(rules: list[Rule], validate: Callable[[Any], list[str]] | None) -> Filing:
    """The filing of `rules`. `validate` (spaCy's token pattern check) is applied to every rule
    not vetted by the bundle; without it, such a rule is an error."""
    filing = Filing()
    seen: dict[int, Any] = {}
    needs: dict[frozenset[str], list[tuple[frozenset[str], ...]]] = {}
    for r in rules:
        if not r.vetted:  # a rule read from a fresh bundle was checked when it was written
            if validate is None:
                raise PostcheckError(r.path or r.id, "not vetted by the bundle")
            check_patterns(r.path or r.id, r.params, validate)
        written, texts, dep = _patterns(r)
        for raw in written:  # expanded only when a matcher that needs it is built
            for pattern in _split_ranges(raw):
                required = _required(pattern, seen)
                words = _gate(required, COMMON_WORDS)
                if words is None:  # no word the pattern needs: try it on every Doc
                    filing.always.append((r.id, _expand(pattern)))
                    continue
                if words not in filing.pending:
                    filing.pending[words], needs[words] = [], []
                    for word in words:
                        filing.index.setdefault(word, []).append(words)
                filing.pending[words].append((r.id, pattern))
                needs[words].append(tuple(required))
                longest, before = _max_length(pattern), filing.lengths.get(words, 0)
                filing.lengths[words] = None if longest is None or before is None else max(longest, before)
        if texts:
            filing.phrases.append((r.id, texts))
        if dep:
            filing.dependency.append((r.id, dep))
    for words, lists in needs.items():
        distinct = {tuple(sorted({w for w in need if w != words}, key=len)) for need in lists}
        filing.needs[words] = [] if () in distinct else sorted(distinct, key=len)
    return filing


_CHILD: tuple[int, int, int] | None = None  # (our process id, the child's, read end of its pipe)
_FILED: list[Filing | None] = []  # what the child sent, once collected


def prefetch() -> None:
    """Start filing the installed semantic rules in a forked child (it takes about 0.1 s; the
    parent meanwhile imports spaCy and loads the English pipeline, which takes 0.8 s). Only
    before spaCy is imported (nothing has started threads), where fork exists, and only for
    rules the bundle vetted; otherwise the parent files them itself, as it always could."""
    global _CHILD
    if _CHILD is not None or _FILED or not hasattr(os, "fork") or "spacy" in sys.modules:
        return
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: file, send, leave without running the parent's exit handlers
        try:
            os.close(read)
            rules = [r for r in load_rules().values() if r.kind == "semantic"]
            data = pickle.dumps(file_rules(rules, None)) if all(r.vetted for r in rules) else b""
        except BaseException:  # the parent files the rules itself and reports any error
            data = b""
        try:
            with os.fdopen(write, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(write)
    _CHILD = (os.getpid(), pid, read)


def prefetched() -> Filing | None:
    """The child's filing of the installed semantic rules, or None. Collected once, by the
    process that started the child (--jobs workers forked later inherit what it collected)."""
    global _CHILD
    if _FILED:
        return _FILED[0]
    if _CHILD is None or _CHILD[0] != os.getpid():
        return None
    _, pid, read = _CHILD
    _CHILD = None
    found = None
    try:
        with os.fdopen(read, "rb") as source:
            data = source.read()
        os.waitpid(pid, 0)
        gc.disable()  # unpickling 1 MB of small objects set off collections over all of spaCy's heap
        try:
            found = pickle.loads(data) if data else None
        finally:
            gc.enable()
    except Exception:  # the rules are filed in process instead
        found = None
    _FILED.append(found if isinstance(found, Filing) else None)
    return _FILED[0]
