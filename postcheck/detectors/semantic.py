"""What a draft is doing: spaCy matcher rules from YAML, backed by the trained classifier.

A `semantic` rule (rules/checks/semantic/*.yml) has, under params:
  phrases:     word sequences matched case-insensitively (PhraseMatcher on LOWER);
               'lex:NAME' adds every term of rules/lexicons/NAME.yml
  patterns:    spaCy Matcher token patterns (lists of token dicts: LEMMA, LOWER, POS, OP...);
               inside an IN list, 'lex:NAME' stands for the one-word terms of that lexicon
  dependency:  spaCy DependencyMatcher patterns (lists of node dicts)
  negation:    drop a match whose verb is negated or follows never/don't ('we never give advice')
  questions:   drop a match in a sentence that asks ('should I double my dose?')
  quotes:      drop a match inside quotation marks (quoting or reporting someone)
  skip_official: drop on official or work accounts, which may do this as part of their job
  skip_official_share: drop when the draft re-shares a configured official account's update
  requires:    lexicon names; at least one must occur in the draft for a match to count
  classifier:  also report the category when the classifier's score reaches its threshold
  classifier_unless: lexicon names; when one occurs, only the rule patterns count
  classifier_requires: lexicon names; a classifier-only finding needs one of them in the draft
  unless:      lexicon names; when one occurs the rule reports nothing ('shared with consent')
Rule matches carry the matched span as evidence; a classifier-only finding carries the sentence
that scored highest. Matchers are compiled once per process and vocabulary.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any

from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from postcheck.detectors.base import DetectorContext, cached, doc_has_term, hit, is_official, text_of
from postcheck.errors import PostcheckError
from postcheck.model import Hit
from postcheck.ruleset import Rule, lexicon, load_rules

NEGATORS = {"never", "not", "n't", "no", "dont", "don't", "nobody", "shouldn't", "mustn't", "cannot", "can't", "cant"}
QUOTES = re.compile(r"[\"“”]")

def _squash(text: str) -> str:
    return "".join(text.lower().split())


class Phrases:
    """A PhraseMatcher whose phrases are made into Docs on first need. A phrase can match only
    a draft whose text, lower-cased and without whitespace, holds the phrase so squashed (the
    tokenizer splits text, never changes it). The first drafts of a run add just the phrases
    they may hold; from the WARM-th on, all the rest at once. Tokenizing the 1,100 phrases took
    a twentieth of a second, which a one-draft check no longer pays."""

    WARM = 8

    def __init__(self, matcher: PhraseMatcher, make_doc: Any) -> None:
        self.matcher = matcher
        self.make_doc = make_doc
        self.pending: list[tuple[Rule, str, str]] = []
        self.calls = 0

    def add(self, rule: Rule, texts: list[str]) -> None:
        self.pending += [(rule, text, _squash(text)) for text in texts]

    def __len__(self) -> int:
        return len(self.matcher) + len(self.pending)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if self.pending:
            self.calls += 1
            if self.calls >= self.WARM:
                due, self.pending = self.pending, []
            else:
                text = _squash(text_of(doc))
                due = [p for p in self.pending if p[2] in text]
                self.pending = [p for p in self.pending if p[2] not in text]
            by_rule: dict[str, tuple[Rule, list[Doc]]] = {}
            for rule, phrase, _ in due:
                by_rule.setdefault(rule.id, (rule, []))[1].append(self.make_doc(phrase))
            for rule, docs in by_rule.values():
                _add(rule, self.matcher.add, rule.id, docs)
        return self.matcher(doc) if len(self.matcher) else []


@dataclass(frozen=True)
class Compiled:
    matcher: Matcher  # patterns needing no uncommon word: run on every Doc
    phrases: Phrases
    dependency: DependencyMatcher
    key: tuple[int, str]
    # Patterns filed by a word list they need (the rarest), one Matcher per list, run only on
    # Docs holding a word of that list and of every other list one of its patterns needs.
    # spaCy's Matcher tries every pattern at every token and evaluates each IN list in Python
    # there, so most of its time went on patterns that could not match the draft at all.
    # Built on first need from `pending` (a single draft needs few of them: a cold start pays for
    # those alone); every pattern was validated when the rules were compiled.
    pending: dict[frozenset[str], list[tuple[Rule, Any]]] = field(default_factory=dict)
    index: dict[str, list[frozenset[str]]] = field(default_factory=dict)
    # Per matcher, the word lists its patterns need besides the one it is filed under, each
    # set of lists once (empty when one of its patterns needs no other): a Doc with a word of
    # the list a matcher is filed under runs it only if it holds a word of every list of one.
    needs: dict[frozenset[str], list[tuple[frozenset[str], ...]]] = field(default_factory=dict)
    # Per matcher, the most tokens a match of its patterns can span (None: no limit). A match
    # holds a word of the list the matcher is filed under, so it lies within that many tokens
    # of one, and the matcher runs on that stretch of the Doc alone: spaCy's Matcher visits
    # every token it is given in Python, twice, whatever its patterns.
    lengths: dict[frozenset[str], int | None] = field(default_factory=dict)
    triggered: dict[frozenset[str], Matcher] = field(default_factory=dict)

    def matcher_for(self, words: frozenset[str], vocab: Any) -> Matcher:
        found = self.triggered.get(words)
        if found is None:
            found = self.triggered[words] = Matcher(vocab)
            for rule, pattern in self.pending[words]:
                _add(rule, found.add, rule.id, [_expand(pattern)])
        return found

    def active(self, words: set[str]) -> list[frozenset[str]]:
        """The lists of the filed matchers a Doc with these words may need."""
        found = {key for word in words for key in self.index.get(word, ())}
        return [
            key
            for key in found
            if not self.needs[key] or any(all(not need.isdisjoint(words) for need in needs) for needs in self.needs[key])
        ]

    def run_filed(self, doc: Doc) -> list[tuple[int, int, int]]:
        """(match id, start, end) of every filed matcher the Doc needs, each run on the
        stretch of the Doc its matches can lie in."""
        positions = _positions(doc)
        found = []
        for key in self.active(set(positions)):
            matcher = self.matcher_for(key, doc.vocab)
            length = self.lengths.get(key)
            if length is None:
                found += matcher(doc)
                continue
            at = [i for word, where in positions.items() if word in key for i in where]
            start, end = max(0, min(at) - length + 1), min(len(doc), max(at) + length)
            found += [(match_id, s + start, e + start) for match_id, s, e in matcher(doc[start:end])]
        return found


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
    """The one-word terms of a lexicon, lower-cased: what 'lex:NAME' in a pattern list means."""
    return tuple(sorted({t.lower() for t in lexicon(name) if " " not in t and not t.startswith("re:")}))


@lru_cache(maxsize=None)
def _word_set(name: str) -> frozenset[str]:
    return frozenset(_one_words(name))


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
    words = joined.split("\0")
    if "lex:" not in joined:
        return frozenset(joined.lower().split("\0"))
    found = frozenset(w.lower() for w in words if not w.startswith("lex:"))
    return found.union(*(_word_set(w[4:]) for w in words if w.startswith("lex:")))


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


def _positions(doc: Doc) -> dict[str, list[int]]:
    """Where each word of the Doc is, by lower-case form, lemma and norm (the forms a pattern's
    word list is compared with)."""
    found: dict[str, list[int]] = {}
    for i, t in enumerate(doc):
        for word in {t.lower_, t.lemma_.lower(), t.norm_.lower()}:
            found.setdefault(word, []).append(i)
    return found


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


_COMPILED: dict[tuple[int, str], Compiled] = {}


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


def _patterns(doc: Doc, rule: Rule, ctx: DetectorContext) -> tuple[list[Any], list[str], list[Any]]:
    """A rule's token patterns (as written), phrases and dependency patterns (lexicons
    expanded)."""
    p = rule.params
    named: set[str] = set()  # lexicons the token patterns name
    if rule.vetted:  # checked when the bundle was written: only the lexicon names are needed
        named = set(LEXICON_NAME.findall(json.dumps(p.get("patterns") or [])))
    elif _scan(p.get("patterns"), named) or _scan(p.get("dependency"), set()):
        raise PostcheckError(rule.path or rule.id, YAML_BOOLEAN)
    texts = [str(t) for t in p.get("phrases", []) or [] if not str(t).startswith("lex:")]
    texts += [t for name in p.get("phrases", []) or [] if str(name).startswith("lex:") for t in lexicon(str(name)[4:]) if not t.startswith("re:")]
    tokens = list(p.get("patterns", []) or [])  # expanded as they are added to a matcher
    dependency = [_expand(pattern) for pattern in p.get("dependency", []) or []]
    for name in named:
        _one_words(name)  # a lexicon that does not exist is an error now, not on first use
    return tokens, texts, dependency


def _add(rule: Rule, add: Any, *args: Any) -> None:
    """Add patterns to a matcher, turning spaCy's validation error into one line naming the file."""
    try:
        add(*args)
    except (ValueError, KeyError, TypeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PostcheckError(rule.path or rule.id, f"invalid matcher pattern: {first}") from None


def _compile(doc: Doc, rule: Rule, ctx: DetectorContext) -> Compiled:
    """Matchers for the semantic rules of rules/checks, shared by every rule (one pass over a Doc
    serves them all), or for one rule given on its own."""
    installed = load_rules()
    key = (id(doc.vocab), "" if installed.get(rule.id) is rule else rule.id)
    compiled = _COMPILED.get(key)
    if compiled is not None:
        return compiled
    rules = [r for r in installed.values() if r.kind == "semantic"] if not key[1] else [rule]
    from spacy.schemas import validate_token_pattern

    matcher = Matcher(doc.vocab)
    phrases = Phrases(PhraseMatcher(doc.vocab, attr="LOWER"), ctx.make_doc or (lambda text: Doc(doc.vocab, words=text.split())))
    dependency = DependencyMatcher(doc.vocab, validate=True)
    pending: dict[frozenset[str], list[tuple[Rule, Any]]] = {}
    index: dict[str, list[frozenset[str]]] = {}
    needs: dict[frozenset[str], list[tuple[frozenset[str], ...]]] = {}
    lengths: dict[frozenset[str], int | None] = {}
    seen: dict[int, Any] = {}
    for r in rules:
        written, phrase_docs, dep = _patterns(doc, r, ctx)
        for raw in written:
            # Validated as written: a 'lex:NAME' stands where its words will, and a {n,m} gap is
            # what its split copies are. Expanding a lexicon costs, so a pattern is expanded
            # only when a matcher that needs it is built.
            if not isinstance(raw, list):
                raise PostcheckError(r.path or r.id, "invalid matcher pattern: a pattern must be a list of tokens")
            errors = [] if r.vetted else validate_token_pattern(raw)
            if errors:
                raise PostcheckError(r.path or r.id, f"invalid matcher pattern: {errors[0]}")
            for pattern in _split_ranges(raw):
                required = _required(pattern, seen)
                words = _gate(required, COMMON_WORDS)
                if words is None:  # no word the pattern needs: try it on every Doc
                    _add(r, matcher.add, r.id, [_expand(pattern)])
                    continue
                if words not in pending:
                    pending[words], needs[words] = [], []
                    for word in words:
                        index.setdefault(word, []).append(words)
                pending[words].append((r, pattern))
                needs[words].append(tuple(required))
                longest = _max_length(pattern)
                lengths[words] = None if longest is None or lengths.get(words, 0) is None else max(longest, lengths.get(words) or 0)
        if phrase_docs:
            phrases.add(r, phrase_docs)
        for i, pattern in enumerate(dep):
            _add(r, dependency.add, f"{r.id}#{i}", [pattern])
    others = {}
    for words, lists in needs.items():
        distinct = {tuple(sorted({w for w in need if w != words}, key=len)) for need in lists}
        others[words] = [] if () in distinct else sorted(distinct, key=len)
    _COMPILED[key] = Compiled(matcher, phrases, dependency, key, pending, index, others, lengths=lengths)
    return _COMPILED[key]


def _matches(doc: Doc, compiled: Compiled, rule: Rule) -> list[tuple[int, int]]:
    """The spans of `rule` in `doc`; every rule's matches come from one pass, kept per Doc."""
    def run() -> dict[str, set[tuple[int, int]]]:
        found: dict[str, set[tuple[int, int]]] = {}
        strings = doc.vocab.strings
        matches = compiled.matcher(doc) if len(compiled.matcher) else []
        if compiled.index:
            matches += compiled.run_filed(doc)
        for match_id, s, e in matches:
            found.setdefault(strings[match_id], set()).add((s, e))
        if len(compiled.phrases):
            for match_id, s, e in compiled.phrases(doc):
                found.setdefault(strings[match_id], set()).add((s, e))
        if len(compiled.dependency) and doc.has_annotation("DEP"):
            for match_id, token_ids in compiled.dependency(doc):
                found.setdefault(strings[match_id].split("#")[0], set()).add((min(token_ids), max(token_ids) + 1))
        return found

    return sorted(cached(doc, f"semantic:{compiled.key}", run).get(rule.id, ()))


def _sentence(doc: Doc, span: Span) -> Span:
    return span[0].sent if doc.has_annotation("SENT_START") or doc.has_annotation("DEP") else doc[:]


def _negated(span: Span, sentence: Span) -> bool:
    before = span.doc[max(sentence.start, span.start - 3) : span.start]
    if any(t.lower_ in NEGATORS for t in before):
        return True
    heads = {t.head for t in span} | set(span)
    return any(t.dep_ == "neg" and t.head in heads for t in sentence)


def _quoted(text: str, sentence: Span, start: int) -> bool:
    return len(QUOTES.findall(text, sentence.start_char, start)) % 2 == 1


def _best_sentence(doc: Doc, category: str, ctx: DetectorContext) -> tuple[int, int]:
    sentences = list(doc.sents) if doc.has_annotation("SENT_START") or doc.has_annotation("DEP") else [doc[:]]
    if len(sentences) > 1 and ctx.score_sentences is not None:
        scorer = ctx.score_sentences
        scores = cached(doc, "sentence-scores", lambda: scorer([s.as_doc() for s in sentences]))  # every category at once
        best = sentences[max(range(len(sentences)), key=lambda i: scores[i][category])]
    else:
        best = sentences[0]
    return best.start_char, best.end_char


SHARE = re.compile(r"\b(?:RT|via|shar(?:e|ed|ing)|retweet\w*|repost\w*|latest|update|follow|see)\b", re.IGNORECASE)


def _shares_official(text: str, ctx: DetectorContext) -> bool:
    """The draft passes on an official account's update (a configured official account is
    named, with a word of sharing): re-sharing the official channel is what staff should do."""
    lowered = text.lower()
    return any(account in lowered for account in ctx.official_accounts) and SHARE.search(text) is not None


def detect_semantic(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    p: dict[str, Any] = rule.params
    official = is_official(doc)
    if p.get("skip_official") and official:
        return []
    if p.get("skip_official_share") and _shares_official(text_of(doc), ctx):
        return []
    text = text_of(doc)
    if any(doc_has_term(doc, name) for name in p.get("unless") or []):
        return []
    hits: list[Hit] = []
    required = p.get("requires") or []
    if not required or any(doc_has_term(doc, name) for name in required):
        for start, end in _matches(doc, _compile(doc, rule, ctx), rule):
            span = doc[start:end]
            sentence = _sentence(doc, span)
            if p.get("questions") and sentence.text.rstrip().endswith("?"):
                continue
            if p.get("negation") and _negated(span, sentence):
                continue
            if p.get("quotes") and _quoted(text, sentence, span.start_char):
                continue
            if any(h.start is not None and h.start <= span.start_char < h.end for h in hits):  # type: ignore[operator]
                continue
            hits.append(hit(rule, span.start_char, span.end_char, float(p.get("confidence", 0.85)), p.get("why", "matched a rule pattern")))
    if hits or not p.get("classifier") or not text_of(doc).strip():
        return hits
    if any(doc_has_term(doc, name) for name in p.get("classifier_unless", [])):
        return []  # words that show the draft is about something else (a drill, a plan)
    needed = p.get("classifier_requires") or []
    if needed and not any(doc_has_term(doc, name) for name in needed):
        return []  # nobody the category is about is mentioned (no child for safeguarding)
    threshold = ctx.thresholds.get(rule.category)
    score = (doc.cats or {}).get(rule.category)
    if threshold is None or score is None or score < threshold:
        return []
    if any(h["category"] == rule.category for h in doc._.postcheck_hits or []):
        return []  # an earlier rule already reported this category with better evidence
    start, end = _best_sentence(doc, rule.category, ctx)
    cap = "review" if score < 0.8 else None
    return [hit(rule, start, end, score, f"classifier score {score:.2f} (threshold {threshold:.2f})", cap=cap)]
