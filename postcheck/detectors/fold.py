"""Seeing numbers the way a reader does: invisible characters dropped, every kind of space a
space, every script's digits ASCII, and O/o/l/I/| read as digits where they stand among digits.

`fold(text)` returns the folded text and, for each of its characters, the offset of the
original character it came from, so a span found in the folded text maps back (`span_of`) to
exactly the characters the user wrote. Detectors of identifiers and contacts search the folded
text; everything else reads the text as written.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u200e", "\u200f", "\u061c"}
LOOKALIKE = {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1"}


def _plain(ch: str) -> str:
    if ch.isascii():
        return ch
    if unicodedata.category(ch) == "Zs":
        return " "
    digit = unicodedata.digit(ch, None)
    if digit is not None and unicodedata.category(ch) == "Nd":
        return str(digit)
    if ch in ("\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\ufe63", "\uff0d"):
        return "-"
    return ch


@lru_cache(maxsize=256)
def fold(text: str) -> tuple[str, tuple[int, ...]]:
    chars: list[str] = []
    origin: list[int] = []
    if text.isascii():  # nothing invisible, no other spaces, digits or dashes to fold
        chars, origin = list(text), list(range(len(text)))
    else:
        for i, ch in enumerate(text):
            if ch in INVISIBLE or unicodedata.category(ch) == "Mn" and chars and chars[-1].isdigit():
                continue
            chars.append(_plain(ch))
            origin.append(i)
    if not any(map(str.isdigit, chars)):  # a look-alike becomes a digit only beside a digit
        origin.append(len(text))
        return "".join(chars), tuple(origin)
    for i, ch in enumerate(chars):
        if ch in LOOKALIKE and _among_digits(chars, i):
            chars[i] = LOOKALIKE[ch]
    origin.append(len(text))
    return "".join(chars), tuple(origin)


def _among_digits(chars: list[str], i: int) -> bool:
    """A look-alike letter reads as a digit when it has no letter neighbours and sits next to
    a digit on one side and a digit or another look-alike on the other ('4O1', '59l9', 'O7700')."""
    left = chars[i - 1] if i > 0 else " "
    right = chars[i + 1] if i + 1 < len(chars) else " "
    letterish = lambda c: c.isalpha() and c not in LOOKALIKE  # noqa: E731
    if letterish(left) or letterish(right):
        return False
    if left.isdigit() and (right.isdigit() or right in LOOKALIKE or not right.isalnum()):
        return _digits_near(chars, i)
    if right.isdigit() and not left.isalnum():
        return _digits_near(chars, i)
    return False


def _digits_near(chars: list[str], i: int) -> bool:
    """Only inside a long run of digit-like characters (an identifier), with real digits among
    them: never in words like 'lol 2' or 'O2'."""
    window = chars[max(0, i - 8) : i + 9]
    digits = sum(c.isdigit() for c in window)
    return digits >= 3 and digits + sum(c in LOOKALIKE for c in window) >= 6


def span_of(origin: tuple[int, ...], start: int, end: int) -> tuple[int, int]:
    """Original offsets of the folded span [start, end)."""
    return origin[start], origin[end - 1] + 1 if end > start else origin[start]
