"""What a draft is doing: spaCy matcher rules from YAML, backed by the trained classifier.

A `semantic` rule (rules/checks/semantic/*.yml) has, under params:
  phrases:     word sequences matched case-insensitively (PhraseMatcher on LOWER);
               'lex:NAME' adds every term of rules/lexicons/NAME.yml
  patterns:    spaCy Matcher token patterns (lists of token dicts: LEMMA, LOWER, POS, OP...);
               inside an IN list, 'lex:NAME' stands for the one-word terms of that lexicon
  dependency:  spaCy DependencyMatcher patterns (lists of node dicts)
  negation:    drop a match whose verb is negated or follows never/don't ('we never give advice');
               `outside` drops it only when the negation stands just before the match, in the same
               clause ('please don't just stop taking them', not 'don't wait, just take...' nor
               'advise you not to get the MMR'), so a rule may match negated words itself
               ('don't bother with A&E')
  questions:   drop a match in a sentence that asks ('should I double my dose?'), and a classifier-only
               finding whose best sentence asks for the writer (not 'Struggling with nausea? DM me')
  quotes:      drop a match inside quotation marks (quoting or reporting someone)
  skip_official: drop on official or work accounts, which may do this as part of their job
  skip_official_share: drop when the draft re-shares the official update (a configured official
               account's, or nothing but a retweet of an NHS body), and a match inside such a
               retweet or in a sentence pointing to the official update
  requires:    lexicon names; at least one must occur in the draft for a match to count
  classifier:  also report the category when the classifier's score reaches its threshold
  classifier_unless: lexicon names; when one occurs, only the rule patterns count
  classifier_requires: lexicon names; a classifier-only finding needs one of them in the draft
  unless:      lexicon names; when one occurs the rule reports nothing ('shared with consent')
  sentence_unless: lexicon names; a match whose sentence holds one of their terms does not count
               ('five years since the crash', 'major incident in my kitchen'), nor does a
               classifier-only finding whose best sentence holds one ('a drunk lad called me a ...')
  floored:     true (the default): a match stands only when the classifier gives the draft at
               least the category's floor (models/textcat/thresholds.yml); false for patterns
               specific enough to stand on their own ('I've got your address on the system')
Rule matches carry the matched span as evidence; a classifier-only finding carries the sentence
that scored highest. Matchers are compiled once per process and vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from postcheck.detectors.base import (
    DOUBLE_QUOTES,
    RETWEET,
    DetectorContext,
    cached,
    consent_recorded,
    doc_has_term,
    has_term,
    hit,
    in_official_retweet,
    is_official,
    retweet_end,
    text_of,
)
from postcheck.errors import PostcheckError
from postcheck.model import Hit
from postcheck.detectors.filing import (  # noqa: F401  (the pattern helpers are used and tested through this module)
    COMMON_WORDS,
    LEXICON_NAME,
    YAML_BOOLEAN,
    Filing,
    _expand,
    _gate,
    _max_length,
    _required,
    _scan,
    _split_ranges,
    file_rules,
    prefetched,
)
from postcheck.ruleset import Rule, load_rules

NEGATORS = {"never", "not", "n't", "no", "dont", "don't", "nobody", "shouldn't", "mustn't", "cannot", "can't", "cant"}
# Words in single quotes: the opening mark follows no letter and the closing one precedes none,
# so the apostrophes of "don't" and "nurses' station" open or close nothing.
SINGLE_QUOTED = re.compile(r"(?<!\w)'(?=[^\s'])[^'\n]{0,80}?[^\s']'(?!\w)")

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
    matcher: Matcher  # patterns that require no word list: run on every Doc
    phrases: Phrases
    dependency: DependencyMatcher
    key: tuple[int, str]
    # Patterns filed by a word list they need (the rarest), one Matcher per list, run only on
    # Docs holding a word of that list and of every other list one of its patterns needs.
    # spaCy's Matcher tries every pattern at every token and evaluates each IN list in Python
    # there, so most of its time went on patterns that could not match the draft at all.
    # Built on first need from `pending` (a single draft needs few of them: a cold start pays for
    # those alone); every pattern was checked when the rules were filed or the bundle written.
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


def _positions(doc: Doc) -> dict[str, list[int]]:
    """Where each word of the Doc is, by lower-case form, lemma and norm (the forms a pattern's
    word list is compared with)."""
    found: dict[str, list[int]] = {}
    for i, t in enumerate(doc):
        for word in {t.lower_, t.lemma_.lower(), t.norm_.lower()}:
            found.setdefault(word, []).append(i)
    return found


def _add(rule: Rule, add: Any, *args: Any) -> None:
    """Add patterns to a matcher, turning spaCy's validation error into one line naming the file."""
    try:
        add(*args)
    except (ValueError, KeyError, TypeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PostcheckError(rule.path or rule.id, f"invalid matcher pattern: {first}") from None


_COMPILED: dict[tuple[int, str], Compiled] = {}


def _compile(doc: Doc, rule: Rule, ctx: DetectorContext) -> Compiled:
    """Matchers for the semantic rules of rules/checks, shared by every rule (one pass over a Doc
    serves them all), or for one rule given on its own."""
    installed = load_rules()
    key = (id(doc.vocab), "" if installed.get(rule.id) is rule else rule.id)
    compiled = _COMPILED.get(key)
    if compiled is not None:
        return compiled
    rules = [r for r in installed.values() if r.kind == "semantic"] if not key[1] else [rule]
    by_id = {r.id: r for r in rules}
    filing = prefetched() if not key[1] else None  # filed by a child while spaCy loaded
    if filing is None or not _names_only(filing, by_id):
        from spacy.schemas import validate_token_pattern

        filing = file_rules(rules, validate_token_pattern)
    matcher = Matcher(doc.vocab)
    for rid, pattern in filing.always:
        _add(by_id[rid], matcher.add, rid, [pattern])
    phrases = Phrases(PhraseMatcher(doc.vocab, attr="LOWER"), ctx.make_doc or (lambda text: Doc(doc.vocab, words=text.split())))
    for rid, texts in filing.phrases:
        phrases.add(by_id[rid], texts)
    dependency = DependencyMatcher(doc.vocab, validate=True)
    for rid, patterns in filing.dependency:
        for i, pattern in enumerate(patterns):
            _add(by_id[rid], dependency.add, f"{rid}#{i}", [pattern])
    pending = {words: [(by_id[rid], pattern) for rid, pattern in group] for words, group in filing.pending.items()}
    _COMPILED[key] = Compiled(matcher, phrases, dependency, key, pending, filing.index, filing.needs, lengths=filing.lengths)
    return _COMPILED[key]


def _names_only(filing: Filing, rules: dict[str, Rule]) -> bool:
    """Whether every rule the filing names is one of `rules`."""
    named = {rid for group in filing.pending.values() for rid, _ in group}
    named |= {rid for rid, _ in filing.always + filing.phrases + filing.dependency}
    return named <= set(rules)


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


def _negated(span: Span, sentence: Span, mode: Any = True) -> bool:
    before = span.doc[max(sentence.start, span.start - 3) : span.start]
    if mode == "outside":  # a negator among the few words just before, with no punctuation between
        for t in reversed(before):
            if t.is_punct:
                return False
            if t.lower_ in NEGATORS and t.nbor(1).lower_ != "to":  # 'I'd advise you not to get the MMR' still advises
                return True
        return False
    if any(t.lower_ in NEGATORS for t in before):
        return True
    heads = {t.head for t in span} | set(span)
    return any(t.dep_ == "neg" and t.head in heads for t in sentence)


def _quoted(text: str, sentence: Span, start: int) -> bool:
    """The match lies inside quotation marks: an odd number of double marks open before it in
    its sentence, the match's own first character included (a match may begin at the mark), or
    it lies within single quotes ("label people as 'drug seekers'", "called me a 'lazy cow'")."""
    if len(DOUBLE_QUOTES.findall(text, sentence.start_char, start + 1)) % 2 == 1:
        return True
    return any(m.start() <= start < m.end() - 1 for m in SINGLE_QUOTED.finditer(text, sentence.start_char, sentence.end_char))


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


# Pointers to the official channel, in the sentence of a match: 'the official update from
# @trust', "the trust's statement on the outage is linked below".
OFFICIAL_SOURCE = re.compile(
    r"\bofficial\s+(?:\w+\s+)?(?:updates?|statements?|advice|posts?|accounts?|channels?|pages?|websites?|site|information|guidance|messages?|announcements?)\b"
    r"|\b(?:trust|hospital|nhs|ambulance service)(?:'s|’s)\s+(?:own\s+)?(?:updates?|statements?|website|page|account|post|announcement)\b",
    re.IGNORECASE,
)
def _passes_on_official(text: str, sentence: Span, start: int) -> bool:
    """The match is in words passed on from the official channel: inside a retweet of an NHS
    body, or in a sentence that points readers to the official update."""
    if in_official_retweet(text, start):
        return True
    return OFFICIAL_SOURCE.search(sentence.text) is not None


def _shares_official(text: str, ctx: DetectorContext) -> bool:
    """The whole draft passes on an official update: a configured official account is named,
    with a word of sharing, or the draft is only a retweet of an NHS body with no comment of the
    sharer's own. Re-sharing the official channel is what staff should do."""
    lowered = text.lower()
    if any(account in lowered for account in ctx.official_accounts) and SHARE.search(text) is not None:
        return True
    bare = text.strip()
    retweet = RETWEET.match(bare)
    return retweet is not None and retweet_end(bare, retweet) == len(bare)


ASKS_FOR_SELF = re.compile(r"\b(?:I|me|my|I'm|I've|I'd|im)\b", re.IGNORECASE)


def _asks_for_self(sentence: str) -> bool:
    """A question in the first person: the writer asking for advice, not a rhetorical opener."""
    return sentence.rstrip().endswith("?") and ASKS_FOR_SELF.search(sentence) is not None


def _held_back(p: dict[str, Any], sentence: str) -> bool:
    """The sentence holds a term of one of the rule's sentence_unless lexicons."""
    return any(has_term(sentence, name) for name in p.get("sentence_unless") or [])


def detect_semantic(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    p: dict[str, Any] = rule.params
    official = is_official(doc)
    if p.get("skip_official") and official:
        return []
    if p.get("official_consent_clears") and official and consent_recorded(doc):
        return []  # the organisation's own story, told with the person's consent
    text = text_of(doc)
    if p.get("skip_official_share") and _shares_official(text, ctx):
        return []
    if any(doc_has_term(doc, name) for name in p.get("unless") or []):
        return []
    hits: list[Hit] = []
    # spans an earlier rule of the category already reported: a floored: false sibling that
    # repeats a floored rule's words ('not for circulation') only stands where that one did not
    reported = [(h["start"], h["end"]) for h in doc._.postcheck_hits or [] if h["category"] == rule.category and h["start"] is not None]
    required = p.get("requires") or []
    if not required or any(doc_has_term(doc, name) for name in required):
        for start, end in _matches(doc, _compile(doc, rule, ctx), rule):
            span = doc[start:end]
            sentence = _sentence(doc, span)
            if p.get("questions") and sentence.text.rstrip().endswith("?"):
                continue
            if p.get("negation") and _negated(span, sentence, p["negation"]):
                continue
            if p.get("quotes") and _quoted(text, sentence, span.start_char):
                continue
            if p.get("skip_official_share") and _passes_on_official(text, sentence, span.start_char):
                continue
            if _held_back(p, sentence.text):
                continue
            if any(h.start is not None and h.start <= span.start_char < h.end for h in hits):  # type: ignore[operator]
                continue
            if any(start <= span.start_char < end for start, end in reported):
                continue
            hits.append(hit(rule, span.start_char, span.end_char, float(p.get("confidence", 0.85)), p.get("why", "matched a rule pattern")))
    if hits or not p.get("classifier") or not text.strip():
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
    if p.get("questions") and _asks_for_self(text[start:end]):
        return []  # the sentence most like the category asks for the writer ('should I double my dose?')
    if _held_back(p, text[start:end]):
        return []  # the sentence most like the category is one the rule's patterns may not count
    cap = "review" if score < 0.8 else None
    return [hit(rule, start, end, score, f"classifier score {score:.2f} (threshold {threshold:.2f})", cap=cap)]
