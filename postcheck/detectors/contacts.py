"""Contact details: phone numbers (phonenumbers, region GB) and email addresses."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from postcheck.detectors.base import DetectorContext, has_term, hit, in_official_retweet, in_url, is_official, text_of
from postcheck.detectors.fold import fold, span_of
from postcheck.model import Hit
from postcheck.ruleset import Rule

DIGIT_RUN = re.compile(r"\d[\d\s\-().\u00a0]{6,}\d")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![\w-])")
ROLE_MAILBOX = re.compile(
    r"^(?:press|pressoffice|press\.office|media|comms|communications|pals|info|enquiries|"
    r"contact|hello|help|helpdesk|servicedesk|feedback|complaints|recruitment|careers|jobs|"
    r"volunteering|fundraising|charity|research|admin|office|reception|switchboard|"
    r"socialmedia|digital|web|foi|dpo|ig|privacy|patient\.?experience|bookings?|appointments|"
    r"speakup|speak\.?up|freedomtospeakup|ftsu|guardian)"
    r"(?:[._-][\w.-]*)?@",
    re.IGNORECASE,
)
PUBLIC_TYPES = {"TOLL_FREE", "SHARED_COST", "UAN", "PREMIUM_RATE", "VOICEMAIL"}


def _digits(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits


def official_values(ctx: DetectorContext) -> tuple[set[str], set[str]]:
    """(official phone digits, official emails lower-cased) from the configuration."""
    phones = {_digits(c) for c in ctx.official_contacts if "@" not in c and _digits(c)}
    emails = {c.strip().lower() for c in ctx.official_contacts if "@" in c}
    return phones, emails


def _type_name(phonenumbers: object, number: object, national: str) -> str:
    """The number's type; Ofcom's drama ranges (07700 900xxx) count as what they imitate."""
    kind = phonenumbers.number_type(number)  # type: ignore[attr-defined]
    names = vars(phonenumbers.PhoneNumberType)  # type: ignore[attr-defined]
    name = next((k for k, v in names.items() if v == kind and k.isupper()), "UNKNOWN")
    if name == "UNKNOWN":
        if national.startswith("07") and not national.startswith("070"):
            return "MOBILE"
        if national.startswith(("01", "02")):
            return "FIXED_LINE"
        if national.startswith(("080", "03")):
            return "TOLL_FREE"
    return name


def detect_phone(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    text, origin = fold(text_of(doc))  # numbers as a reader sees them; spans mapped back
    if not DIGIT_RUN.search(text) and "+" not in text:
        return []
    import phonenumbers  # deferred: its metadata is heavy and most drafts hold no number

    official_phones, _ = official_values(ctx)
    official_account = is_official(doc)
    hits = []
    matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    for match in matcher:
        start, end = match.start, match.end
        raw = match.raw_string.lstrip("(")
        if not raw.startswith(("0", "+")) or len(_digits(raw)) < 10 or in_url(text, start, end) or in_official_retweet(text, start):
            continue
        national = "0" + str(match.number.national_number) if match.number.country_code == 44 else str(match.number.national_number)
        if national in official_phones or _digits(match.raw_string) in official_phones:
            continue
        type_name = _type_name(phonenumbers, match.number, national)
        around = text[max(0, start - 40) : end + 15]
        if type_name in PUBLIC_TYPES or has_term(around, "helpline-cues"):
            continue
        if official_account and type_name != "MOBILE":
            continue
        confidence = 0.9 if type_name == "MOBILE" else 0.75
        hits.append(hit(rule, *span_of(origin, start, end), confidence, f"phone number ({type_name.lower().replace('_', ' ')})"))
    return hits


def detect_email(doc: Doc, rule: Rule, ctx: DetectorContext) -> list[Hit]:
    text = text_of(doc)
    if "@" not in text:
        return []
    _, official_emails = official_values(ctx)
    official_account = is_official(doc)
    hits = []
    for match in EMAIL.finditer(text):
        value = match.group(0)
        start, end = match.span()
        if value.lower() in official_emails or in_url(text, start, end):
            continue
        if ROLE_MAILBOX.match(value) or official_account:
            continue
        hits.append(hit(rule, start, end, 0.9, "email address of a person"))
    return hits
