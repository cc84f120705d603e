"""Rules that read a draft's metadata (CONTRACT section 3): who posts, what is attached, what it
answers and when it goes out. Findings about the draft as a whole have no position."""

from __future__ import annotations

import re
from datetime import datetime

from spacy.tokens import Doc

from postcheck.detectors.base import DetectorContext, attachments_of, doc_has_term, hit, is_official, meta_of, text_of
from postcheck.model import Hit
from postcheck.ruleset import Rule

PEOPLE = ("patient", "donor", "colleague", "child", "visitor")


def _personal(doc: Doc) -> bool:
    return meta_of(doc).get("account", "personal") == "personal"


def _shows(attachment: dict) -> set[str]:
    shows = attachment.get("shows") or []
    return {str(s) for s in shows} if isinstance(shows, list) else set()


def _asks(doc: Doc) -> bool:
    """Most of the draft's sentences are questions: the author asks rather than gives a view."""
    sentences = [s.text.strip() for s in doc.sents] if doc.has_annotation("SENT_START") else [text_of(doc)]
    sentences = [s for s in sentences if any(c.isalpha() for c in s)]
    asking = sum(s.rstrip(" )\"'!.🙏🤔😬😅").endswith("?") for s in sentences)
    return bool(sentences) and asking * 2 >= len(sentences)


# A role that says the author is not staff: 'member of the public', 'patient', 'relative'.
NOT_STAFF_ROLE = re.compile(
    r"(?:an?\s+)?(?:member\s+of\s+(?:the\s+)?public|(?:the\s+)?public|(?:former\s+|ex-?)?patient|service\s+user|relative|"
    r"family\s+member|parent|visitor|unpaid\s+carer|none)",
    re.IGNORECASE,
)


def detect_missing_disclaimer(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    """A personal account, identifiable as staff, posting about work, with no disclaimer."""
    meta = meta_of(doc)
    if not _personal(doc) or meta.get("profile_disclaimer") is True or meta.get("identifies_as_staff") is False:
        return []
    if doc_has_term(doc, "disclaimer") or doc_has_term(doc, "disclaimer-more"):
        return []
    role = str(meta.get("role") or "").strip()
    staff = meta.get("identifies_as_staff") is True or bool(role and not NOT_STAFF_ROLE.fullmatch(role)) or doc_has_term(doc, "staff-self")
    if not staff or not doc_has_term(doc, "work-topic"):
        return []
    if _asks(doc) or doc_has_term(doc, "no-view") or doc_has_term(doc, "no-view-more"):
        return []  # a question, a re-share of an official update or a job advert airs no view
    if doc_has_term(doc, "good-news") and not doc_has_term(doc, "view"):
        return []  # thanks, praise, team news or a fundraiser, with no view of the author's own
    why = "staff " + ("by metadata" if meta.get("identifies_as_staff") or meta.get("role") else "by the text") + ", posting about work, no disclaimer"
    return [hit(rule, None, None, 0.7, why)]


def detect_attachment(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    """params: shows (what in an attachment triggers), consent_clears (consent: true is enough),
    official_consent_clears (consent: true is enough on an official account), cap (the most
    this can be), personal_only (only on personal accounts), named (the text must also name
    someone)."""
    p = rule.params
    if p.get("personal_only") and not _personal(doc):
        return []
    wanted = set(p.get("shows", []))
    hits = []
    for number, attachment in enumerate(attachments_of(doc), 1):
        shown = _shows(attachment) & wanted
        if not shown:
            continue
        if p.get("consent_clears") and attachment.get("consent") is True:
            continue
        if p.get("official_consent_clears") and attachment.get("consent") is True and is_official(doc):
            continue  # the organisation's own consented story
        if p.get("named") and not _names_someone(doc):
            continue
        label = attachment.get("file") or f"attachment {number}"
        hits.append(hit(rule, None, None, float(p.get("confidence", 0.85)), f"{label} shows {', '.join(sorted(shown))}", cap=p.get("cap")))
    return hits


def _names_someone(doc: Doc) -> bool:
    from postcheck.detectors.identifiers import person_candidates

    return bool(person_candidates(doc))


def detect_reply_to(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    """A personal account answering what `in_reply_to` says it answers (params: value; unless:
    lexicons whose terms show the reply only passes the request on, as staff should)."""
    if is_official(doc) or meta_of(doc).get("in_reply_to") != rule.params.get("value") or not text_of(doc).strip():
        return []
    if any(doc_has_term(doc, name) for name in rule.params.get("unless") or []):
        return []
    return [hit(rule, None, None, 0.8, f"a personal reply to a {rule.params.get('value')}")]


def detect_working_hours(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    """A personal post scheduled inside working hours, read in the post's own time zone."""
    when = meta_of(doc).get("scheduled")
    if not isinstance(when, datetime) or not _personal(doc):
        return []
    clock = when.strftime("%H:%M")
    if when.weekday() in ctx.working_days and ctx.working_start <= clock < ctx.working_end:
        return [hit(rule, None, None, 0.9, f"scheduled {when.strftime('%a %H:%M')}, inside working hours {ctx.working_start}-{ctx.working_end}")]
    return []
