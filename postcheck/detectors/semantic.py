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
Rule matches carry the matched span as evidence; a classifier-only finding carries the sentence
that scored highest. Matchers are compiled once per process and vocabulary.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from postcheck.detectors.base import DetectorContext, has_term, hit, is_official
from postcheck.errors import PostcheckError
from postcheck.model import Hit
from postcheck.ruleset import Rule, lexicon

NEGATORS = {"never", "not", "n't", "no", "dont", "don't", "nobody", "shouldn't", "mustn't", "cannot", "can't", "cant"}
QUOTES = re.compile(r"[\"“”]")

_COMPILED: dict[tuple[int, str], tuple[Matcher, PhraseMatcher, DependencyMatcher]] = {}


def _yaml_booleans(value: Any) -> bool:
    """YAML reads unquoted on/off/yes/no/true as booleans; inside a pattern they are words."""
    if isinstance(value, bool):
        return True
    if isinstance(value, dict):
        return any(_yaml_booleans(v) for k, v in value.items() if k not in ("OP", "op", "IS_ALPHA", "IS_UPPER", "IS_TITLE", "IS_DIGIT", "IS_PUNCT", "LIKE_NUM", "IS_SENT_START", "IS_STOP"))
    if isinstance(value, list):
        return any(_yaml_booleans(v) for v in value)
    return False


def _expand(value: Any) -> Any:
    """'lex:NAME' inside a pattern list stands for the one-word terms of rules/lexicons/NAME.yml."""
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items()}
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            if isinstance(item, str) and item.startswith("lex:"):
                out += sorted({t.lower() for t in lexicon(item[4:]) if " " not in t and not t.startswith("re:")})
            else:
                out.append(_expand(item))
        return out
    return value


def _compile(doc: Doc, rule: Rule, ctx: DetectorContext) -> tuple[Matcher, PhraseMatcher, DependencyMatcher]:
    key = (id(doc.vocab), rule.id)
    compiled = _COMPILED.get(key)
    if compiled is not None:
        return compiled
    p = rule.params
    matcher = Matcher(doc.vocab, validate=True)
    phrases = PhraseMatcher(doc.vocab, attr="LOWER")
    dependency = DependencyMatcher(doc.vocab, validate=True)
    if _yaml_booleans(p.get("patterns")) or _yaml_booleans(p.get("dependency")):
        raise PostcheckError(rule.path or rule.id, "a pattern holds a YAML boolean: quote words such as \"on\", \"off\", \"no\", \"yes\"")
    try:
        for i, pattern in enumerate(p.get("patterns", []) or []):
            matcher.add(f"p{i}", [_expand(pattern)])
        make_doc = ctx.make_doc or (lambda text: Doc(doc.vocab, words=text.split()))
        texts = [str(t) for t in p.get("phrases", []) or [] if not str(t).startswith("lex:")]
        texts += [t for name in p.get("phrases", []) or [] if str(name).startswith("lex:") for t in lexicon(str(name)[4:]) if not t.startswith("re:")]
        if texts:
            phrases.add("phrase", [make_doc(t) for t in texts])
        for i, pattern in enumerate(p.get("dependency", []) or []):
            dependency.add(f"d{i}", [_expand(pattern)])
    except (ValueError, KeyError, TypeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PostcheckError(rule.path or rule.id, f"invalid matcher pattern: {first}") from None
    _COMPILED[key] = (matcher, phrases, dependency)
    return _COMPILED[key]


def _matches(doc: Doc, compiled: tuple[Matcher, PhraseMatcher, DependencyMatcher]) -> list[tuple[int, int]]:
    matcher, phrases, dependency = compiled
    spans = [(s, e) for _, s, e in matcher(doc)] if len(matcher) else []
    spans += [(s, e) for _, s, e in phrases(doc)] if len(phrases) else []
    if len(dependency) and doc.has_annotation("DEP"):
        for _, token_ids in dependency(doc):
            spans.append((min(token_ids), max(token_ids) + 1))
    return sorted(set(spans))


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
        scores = ctx.score_sentences([s.as_doc() for s in sentences], category)
        best = sentences[max(range(len(sentences)), key=lambda i: scores[i])]
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
    if p.get("skip_official_share") and _shares_official(doc.text, ctx):
        return []
    text = doc.text
    hits: list[Hit] = []
    required = p.get("requires") or []
    if not required or any(has_term(text, name) for name in required):
        for start, end in _matches(doc, _compile(doc, rule, ctx)):
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
    if hits or not p.get("classifier") or not doc.text.strip():
        return hits
    threshold = ctx.thresholds.get(rule.category)
    score = (doc.cats or {}).get(rule.category)
    if threshold is None or score is None or score < threshold:
        return []
    if any(h["category"] == rule.category for h in doc._.postcheck_hits or []):
        return []  # an earlier rule already reported this category with better evidence
    start, end = _best_sentence(doc, rule.category, ctx)
    cap = "review" if score < 0.8 else None
    return [hit(rule, start, end, score, f"classifier score {score:.2f} (threshold {threshold:.2f})", cap=cap)]
