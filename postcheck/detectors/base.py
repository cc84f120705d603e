"""What every detector shares: the explicit per-draft context and text-window helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from postcheck.model import Hit
from postcheck.ruleset import Rule, lexicon_regex

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
NEGATION = re.compile(
    r"\b(?:never|don'?t|do not|dont|shouldn'?t|should not|must not|mustn'?t|won'?t|"
    r"avoid|not to|no one should|nobody should|please don'?t)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DetectorContext:
    """Configuration a detector may use, passed explicitly (never looked up by name)."""

    official_contacts: tuple[str, ...] = ()
    hospital_number_patterns: tuple[str, ...] = ()
    official_accounts: tuple[str, ...] = ()
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday is 0
    working_start: str = "09:00"
    working_end: str = "17:00"
    make_doc: Callable[[str], Doc] | None = None  # the pipeline's tokenizer, for phrase patterns
    thresholds: dict[str, float] = field(default_factory=dict)  # classifier, per category
    floors: dict[str, float] = field(default_factory=dict)  # least score for a text rule's match
    score_sentences: Callable[[list[Doc]], list[dict[str, float]]] | None = None

    @classmethod
    def from_config(cls, config: dict[str, Any], **pipeline: Any) -> DetectorContext:
        hours = config.get("working_hours") or {}
        days = tuple(DAYS.index(str(d).lower()[:3]) for d in hours.get("days", [])) or (0, 1, 2, 3, 4)
        return cls(
            official_contacts=tuple(str(c) for c in config.get("official_contacts", [])),
            hospital_number_patterns=tuple(str(p) for p in config.get("hospital_number_patterns", [])),
            official_accounts=tuple(str(a).lower() for a in config.get("official_accounts", [])),
            working_days=days,
            working_start=str(hours.get("start", "09:00")).zfill(5),
            working_end=str(hours.get("end", "17:00")).zfill(5),
            **pipeline,
        )


CACHE = "postcheck_cache"


def cached(doc: Doc, key: str, compute: Callable[[], Any]) -> Any:
    """A value computed once per Doc while the detectors run (the component clears it after)."""
    store = doc.user_data.setdefault(CACHE, {})
    if key not in store:
        store[key] = compute()
    return store[key]


def text_of(doc: Doc) -> str:
    """doc.text, built once: spaCy joins every token afresh on each access."""
    return cached(doc, "text", lambda: doc.text)


def meta_of(doc: Doc) -> dict[str, Any]:
    """The draft's metadata, read once per Doc (each `doc._` access builds an object; the
    detectors ask about thirty times a draft)."""
    def read() -> dict[str, Any]:
        meta = doc._.postcheck_meta
        return meta if isinstance(meta, dict) else {}

    return cached(doc, "meta", read)


def is_official(doc: Doc) -> bool:
    return meta_of(doc).get("account") in ("official", "work")


def attachments_of(doc: Doc) -> list[dict]:
    """The draft's attachments (metadata `attachments`), each a mapping."""
    return [a for a in meta_of(doc).get("attachments") or [] if isinstance(a, dict)]


def consent_recorded(doc: Doc) -> bool:
    """The draft records consent for what it shows or tells: an attachment with consent: true
    and none with consent: false, or the text says consent or permission was given."""
    attachments = attachments_of(doc)
    if any(a.get("consent") is False for a in attachments):
        return False
    return any(a.get("consent") is True for a in attachments) or doc_has_term(doc, "pc-consent")


def sentence_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Character bounds of the sentence(s) covering [start, end), or a line if unparsed."""
    if doc.has_annotation("SENT_START"):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):  # empty when [start, end) is only whitespace
            return span[0].sent.start_char, span[-1].sent.end_char
    text = text_of(doc)
    left = max(text.rfind("\n", 0, start), max(text.rfind(c, 0, start) for c in ".!?")) + 1
    right_candidates = [i for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return left, right


def window(text: str, start: int, end: int, size: int) -> str:
    return text[max(0, start - size) : end + size]


def has_term(text: str, lexicon_name: str) -> bool:
    return lexicon_regex(lexicon_name).search(text) is not None


def doc_has_term(doc: Doc, lexicon_name: str) -> bool:
    """has_term over the whole draft, searched once per Doc however many detectors ask (rules
    share lexicons, and a lexicon's regular expression is the costliest part of their checks)."""
    return cached(doc, f"has:{lexicon_name}", lambda: has_term(text_of(doc), lexicon_name))


def describes_care(doc: Doc) -> bool:
    """Whether the draft has words of care anywhere (care-strong or care-weak)."""
    return doc_has_term(doc, "care-strong") or doc_has_term(doc, "care-weak")


def in_url(text: str, start: int, end: int) -> bool:
    return any(m.start() <= start and end <= m.end() for m in URL.finditer(text))


def negated_before(text: str, start: int, reach: int = 60) -> bool:
    left = text[max(0, start - reach) : start]
    cut = max(left.rfind(c) for c in ".!?\n")
    return NEGATION.search(left[cut + 1 :]) is not None


def hit(rule: Rule, start: int | None, end: int | None, confidence: float, why: str, cap: str | None = None) -> Hit:
    return Hit(rule.id, rule.category, start, end, round(confidence, 3), why, cap)


SUBJECT_SKIP = {"ADV", "AUX", "PART"}


def acts_as_subject(span: Any, verb_tags: tuple[str, ...], not_lemmas: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether the words of `span` are the subject of a following verb with one of `verb_tags`
    ('the gent in bed 12 pulled...', 'a patient has been feeding...'). Uses the parse when the
    pipeline has one, else the tags: the next verb after at most three adverbs or auxiliaries."""
    doc = span.doc
    if doc.has_annotation("DEP"):
        return any(
            t.dep_ in ("nsubj", "nsubjpass") and t.head.tag_ in verb_tags and t.head.lemma_ not in not_lemmas for t in span
        )
    for token in doc[span.end : span.end + 4]:
        if token.pos_ in SUBJECT_SKIP:
            continue
        return token.pos_ == "VERB" and token.tag_ in verb_tags and token.lemma_ not in not_lemmas
    return False


def is_compound(token: Any) -> bool:
    """A noun modifying the next noun ('patient feedback'), from the parse or from the tags."""
    if token.doc.has_annotation("DEP"):
        return token.dep_ == "compound"
    nxt = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return nxt is not None and nxt.pos_ in ("NOUN", "PROPN") and token.pos_ in ("NOUN", "PROPN")


# A retweet of an NHS body's account ('RT @EastmereNHS: ...'): its words run to the end of the
# line or to a dash that starts the sharer's own comment.
RETWEET = re.compile(r"\b(?:RT|QT)\s*:?\s*@\w*(?:nhs|trust|hosp|health|ambulance)\w*\s*:?", re.IGNORECASE)
OWN_COMMENT = re.compile(r"\s(?:—|–|--|-)\s|\n")


def retweet_end(text: str, retweet: re.Match) -> int:
    """Where the words of `retweet` end: at the sharer's own comment, else at the end of text."""
    comment = OWN_COMMENT.search(text, retweet.end())
    return comment.start() if comment else len(text)


def in_official_retweet(text: str, start: int) -> bool:
    """Whether the character at `start` is in words passed on from an NHS body's retweet."""
    return any(r.end() <= start < retweet_end(text, r) for r in RETWEET.finditer(text, 0, start + 1))


# 'not using initials, bed numbers or "the lovely lady in bay 4"': an example of what not to
# write, in double quotes after a word that forbids or gives an example.
EXAMPLE_CUE = re.compile(r"\b(?:not|never|no|don't|dont|avoid|without|nothing\s+like|such\s+as|e\.g\.|even)\b", re.IGNORECASE)
DOUBLE_QUOTES = re.compile(r"[\"“”]")  # straight and curly double quotation marks


def quoted_example(text: str, sentence_start: int, start: int) -> bool:
    """The text at `start` is inside double quotes opened (after a space, on the same line) within
    a few words of a forbidding or example word: not a quote that closes a sentence before it."""
    before = text[sentence_start:start]
    marks = list(DOUBLE_QUOTES.finditer(before))
    if len(marks) % 2 == 0:
        return False
    opening = marks[-1].start()
    if opening > 0 and not before[opening - 1].isspace():
        return False
    lead = before[max(0, opening - 60) : opening]
    cues = list(EXAMPLE_CUE.finditer(lead))
    return bool(cues) and re.search(r"[.!?\n]", lead[cues[-1].end() :]) is None  # the nearest cue, not past a sentence's end
