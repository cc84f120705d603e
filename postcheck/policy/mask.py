"""Evidence masking, applied where a finding is born so no output can leak an identifier."""

from __future__ import annotations

import re

SECRET_CATEGORIES = {"account-security"}
IDENTIFIER_CATEGORIES = {"patient-identifier", "contact-details"}
MAX_EVIDENCE = 90
KEEP_WORDS = {
    "I", "NHS", "A&E", "ED", "GP", "ICU", "ITU", "HDU", "HCA", "FY1", "SHO", "OK", "The", "A",
    "An", "This", "That", "My", "Our", "We", "He", "She", "They", "It", "Had", "Just", "So",
}
WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+")
CAPITALISED = re.compile(r"\b[A-Z][a-z'’-]+\b")
EMAILISH = re.compile(r"[\w.+-]+@[\w.-]+")


def _star(text: str) -> str:
    return "".join("*" if ch.isalnum() else ch for ch in text)


def mask_identifier(text: str, keep: int = 3) -> str:
    """Keep the first `keep` letters or digits of a long identifier, star the rest."""
    alnum = sum(ch.isalnum() for ch in text)
    if alnum < 8:
        keep = 0
    out = []
    for ch in text:
        if ch.isalnum() and keep > 0:
            out.append(ch)
            keep -= 1
        else:
            out.append("*" if ch.isalnum() else ch)
    return "".join(out)


def mask_passage(text: str) -> str:
    """In a passage, star digits, email addresses and capitalised words that may be names."""
    text = EMAILISH.sub(lambda m: _star(m.group(0)), text)
    text = re.sub(r"\d", "*", text)

    def name(match: re.Match[str]) -> str:
        word = match.group(0)
        at_start = match.start() == 0 or text[: match.start()].rstrip().endswith((".", "!", "?", ":"))
        return word if at_start or word in KEEP_WORDS else word[0] + "*" * (len(word) - 1)

    return CAPITALISED.sub(name, text)


def clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_EVIDENCE else text[: MAX_EVIDENCE - 1] + "…"


def mask(text: str, category: str) -> str:
    if category in SECRET_CATEGORIES:
        return clip(mask_identifier(text, keep=0))
    if category in IDENTIFIER_CATEGORIES:
        return clip(mask_identifier(text))
    return clip(mask_passage(text))
