"""Patient information: a specific patient's case, condition or behaviour, even with no name."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from postcheck.detectors.base import (
    DetectorContext,
    acts_as_subject,
    cached,
    describes_care,
    doc_has_term,
    has_term,
    hit,
    is_compound,
    is_official,
    quoted_example,
    text_of,
)
from postcheck.model import Hit
from postcheck.ruleset import Rule, lexicon_words

SPECIFIC_DETERMINERS = {"a", "an", "this", "that", "my", "our", "the", "one", "another", "his", "her"}
GENERIC = re.compile(r"\b(?:if|every|any|each|whenever|whether|no patient)\b", re.IGNORECASE)
FIRST_PERSON_CARE = re.compile(
    r"(?:\b(?:I|we|I've|we've|I'd|we'd|Ive)\s+|(?:^|[.!?\n]\s*))(?:\w+\s+){0,2}?(?:had|have|looked after|treated|saw|"
    r"seen|nursed|admitted|discharged|cared for|got|met|cannulated|triaged|assessed|resuscitated|"
    r"held|sat with|bagged|scrubbed|catheterised|transferred|took|brought|wheeled|helped|spent)\b",
    re.IGNORECASE,
)
BEHAVIOUR = re.compile(
    r"\b(?:kick(?:ed|ing)? off|swor[en]|swearing|scream\w*|shout\w*|spat|spit\w*|punch\w*|"
    r"refus\w*|cr(?:y|ied|ying)|confused|agitated|aggressive|died|passed away|pass(?:ed)? on|"
    r"thanked|told me|asked me|pulled (?:out|his|her)|fell|vomit\w*|threw up|coded|crashed|"
    r"arrested|didn'?t make it|deteriorat\w*|withdraw\w*|absconded|self[- ]discharged|tried to|wouldn'?t|"
    r"smil\w*|held my hand|laugh\w*|call(?:ed|ing) (?:me|us)|rude|abusive|drunk|high|"
    r"presented|came in|come in|brought in|rushed in|in with|nil by mouth|asked|kept|sang|"
    r"been waiting|waiting for|went home|gone home|sugar|insulin|meds|medication|INR|bloods|"
    r"pain|tablets|results|scan|op\b|operation|wound|burn|chart|consent|catheter|obs)\b",
    re.IGNORECASE,
)
SHORTHAND = re.compile(
    r"(?:^|[.!?\n]\s*)(?P<noun>Pt|Patient|Lady|Gent|Gentleman|Man|Woman|Client|Resident|Chap|Lad|Bloke|"
    r"Old boy|Old girl|Fella|Feller|Geezer|Lass|Fellow)\b(?=\s+(?:in|on|with|from|who|today|tonight|refused|asked|kept|was|has|had|"
    r"came|said|told|called|I've|I|we|just|is|keeps|wanted|won't|wouldn't))",
)
AGE_NOUN = re.compile(r"\b(?:a|an|one|this|the|our|my)\s+\d{1,3}[- ]?(?:year[- ]old|yo|y/o|yr old)\b", re.IGNORECASE)
POSSESSIVE = re.compile(r"\b(?:my|our)\s+(?:\w+\s+)?(?:patient|pt|lady|gent|gentleman)\b", re.IGNORECASE)
MULTIWORD = re.compile(
    r"\b(?:a|an|this|that|my|our|the|one)\s+(?:\w+\s+){0,2}?(?:old dear|frequent flyer|service user)\b",
    re.IGNORECASE,
)


HONORIFIC_START = re.compile(r"(?:Mr|Mrs|Ms|Miss|Mx)\b")
NUMBER_RULES = {"identifiers.nhs-number", "identifiers.hospital-number", "identifiers.date-of-birth"}
ONE_OF = re.compile(
    r"\bone of (?:our|my|the|their)\s+(?:\w+\s+)?(?P<noun>patients|participants|residents|clients|service users|donors|regulars)\b",
    re.IGNORECASE,
)


def _acts(doc: Doc, start: int, end: int) -> bool:
    """The person is the subject of a verb in a past or ongoing tense: they did something."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and acts_as_subject(span, ("VBD", "VBG", "VBN"), {"be", "have"})


SELF_BE = {"was", "am", "'m", "m", "been", "be", "being"}


def _self_described(token: Token) -> bool:
    """'I was a patient', "I've been a patient here", 'I'm a service user': the noun describes
    the writer."""
    before = [t.lower_ for t in token.doc[max(0, token.i - 4) : token.i]]
    if len(before) < 2 or before[-1] not in ("a", "an"):
        return False
    be = [i for i, w in enumerate(before) if w in SELF_BE]
    return bool(be) and "i" in before[: be[-1]]


def _specific(token: Token) -> bool:
    """A singular noun with a specific determiner: 'a lady', 'this patient', 'my pt'. The
    author's own relative ('my grandad', 'our son') is not a patient they cared for: a post
    about their own family's stay tells the family's story, not a patient's; nor is the author
    themselves ('I was a patient in the ICU I now work in')."""
    if _self_described(token):
        return False
    if token.tag_ in ("NNS", "NNPS") or token.pos_ in ("ADJ", "VERB", "AUX"):
        return False
    if is_compound(token):
        return False
    for left in reversed(list(token.doc[max(0, token.i - 4) : token.i])):
        lower = left.lower_
        if lower in SPECIFIC_DETERMINERS:
            return not (lower in ("my", "our") and (token.lower_ in lexicon_words("family-words") or token.lower_ in lexicon_words("dr-relatives")))
        if left.pos_ not in ("ADJ", "ADV", "NOUN", "PROPN", "NUM", "PUNCT") and left.tag_ != "HYPH":
            return False
    return False


def _identified_people(doc: Doc) -> frozenset[tuple[int, int]]:
    """Spans already found as patient identifiers (they run first): a named or numbered patient.
    None in a draft about a simulation. Computed once per draft for both narrative rules."""

    def compute() -> frozenset[tuple[int, int]]:
        if doc_has_term(doc, "simulation-cues"):
            return frozenset()
        return frozenset(
            (h["start"], h["end"])
            for h in (doc._.postcheck_hits or [])
            if h["category"] == "patient-identifier"
            and h["start"] is not None
            and (h["cap"] is None or (h["rule"] == "identifiers.patient-name" and HONORIFIC_START.match(text_of(doc), h["start"])))
        )

    return cached(doc, "identified-people", compute)


def _is_generic(sentence: str) -> bool:
    return GENERIC.search(sentence) is not None and FIRST_PERSON_CARE.search(sentence) is None


def _sentence_of(doc: Doc, start: int, end: int):
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    return span[0].sent if doc.has_annotation("SENT_START") else doc[:]


def _scope(doc: Doc, sent) -> str:
    """A sentence and the one after it: the condition often follows the person."""
    following = doc[sent.end : sent.end + 1][0].sent if sent.end < len(doc) and doc.has_annotation("SENT_START") else None
    return sent.text + (" " + following.text if following is not None else "")


def _has_condition(doc: Doc, scope: str, start: int, end: int) -> bool:
    return (
        has_term(scope, "conditions")
        or has_term(scope, "care-strong")
        or BEHAVIOUR.search(scope) is not None
        or (has_term(scope, "time-place") and _acts(doc, start, end))
    )


def detect_identified_patient(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    """A patient singled out: one the identifier rules found (a name with an honorific, an NHS or
    hospital number, an age with a condition) in a draft that describes care, or one named as
    'one of our patients' with a condition or behaviour beside it. It rests on the identifier
    rules and the writer's own words, not on the classifier."""
    if doc_has_term(doc, "simulation-cues"):
        return []
    identified = _identified_people(doc)
    numbered = any(h["rule"] in NUMBER_RULES for h in doc._.postcheck_hits or [] if (h["start"], h["end"]) in identified)
    described = numbered or (
        describes_care(doc)
        or doc_has_term(doc, "conditions")
        or BEHAVIOUR.search(text_of(doc)) is not None
    )
    hits: list[Hit] = []
    for start, end in sorted(identified) if described else []:
        sent = _sentence_of(doc, start, end)
        if sent is None or any(h.start == sent.start_char for h in hits):
            continue
        hits.append(hit(rule, sent.start_char, sent.end_char, 0.85, "an identified patient with details of their care"))
    for match in ONE_OF.finditer(text_of(doc)):
        start, end = match.span("noun")
        sent = _sentence_of(doc, start, end)
        if sent is None or any(h.start == sent.start_char for h in hits) or _is_generic(sent.text):
            continue
        if _has_condition(doc, _scope(doc, sent), start, end):
            cap = "info" if is_official(doc) else None
            hits.append(hit(rule, sent.start_char, sent.end_char, 0.8, "one of the writer's patients, with a condition or behaviour", cap=cap))
    return hits


def detect_patient_case(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    """One patient, unnamed, tied to a time or place of care or to the writer's own care, with a
    condition or behaviour. Sentences the identified-patient rule already reported are skipped."""
    text = text_of(doc)
    nouns = lexicon_words("person-nouns")
    candidates: list[tuple[int, int]] = []
    for token in doc:
        if token.lower_ in nouns and _specific(token):
            candidates.append((token.idx, token.idx + len(token.text)))
    candidates += [m.span() for m in MULTIWORD.finditer(text)]
    shorthand = [m.span("noun") for m in SHORTHAND.finditer(text)]
    candidates += shorthand
    candidates += [m.span() for m in AGE_NOUN.finditer(text)]
    identified = _identified_people(doc)
    hits: list[Hit] = []
    used_sentences = {h["start"] for h in doc._.postcheck_hits or [] if h["category"] == rule.category}
    for start, end in sorted(candidates):
        if (start, end) in identified:
            continue  # the identified-patient rule's to report
        sent = _sentence_of(doc, start, end)
        if sent is None or sent.start_char in used_sentences or quoted_example(text, sent.start_char, start):
            continue
        scope = _scope(doc, sent)
        if _is_generic(sent.text):
            continue
        anchored = (
            has_term(scope, "time-place")
            or FIRST_PERSON_CARE.search(scope) is not None
            or POSSESSIVE.search(sent.text) is not None
            or (start, end) in shorthand
        )
        if not anchored:
            continue
        if not _has_condition(doc, scope, start, end):
            continue
        used_sentences.add(sent.start_char)
        cap = "info" if is_official(doc) else None
        hits.append(hit(rule, sent.start_char, sent.end_char, 0.8, "a specific patient's episode: person, time or place, and condition or behaviour", cap=cap))
    return hits
