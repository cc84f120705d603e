"""Identifiers written to slip past a checker are still found, and positions still point at the
characters the user wrote: zero-width joiners, non-breaking and other spaces, full-width or
other scripts' digits, O for 0 and l for 1; emoji, combining marks and right-to-left text do
not move positions."""

from __future__ import annotations

import pytest

from postcheck.detectors.fold import fold, span_of


def _number_findings(result):
    return [f for f in result.findings if f.rule in ("identifiers.nhs-number", "contacts.phone")]


@pytest.mark.parametrize(("written", "rule"), [
    ("９４３ ４７６ ５９１９", "identifiers.nhs-number"),          # full-width digits
    ("943\u200b476\u200b5919", "identifiers.nhs-number"),          # zero-width spaces
    ("9\u200b4\u200c3 4\u200d76 5919", "identifiers.nhs-number"),  # invisible inside the groups
    ("943\u00a0476\u00a05919", "identifiers.nhs-number"),          # non-breaking spaces
    ("943\u2009476\u20095919", "identifiers.nhs-number"),          # thin spaces
    ("943 476 59l9", "identifiers.nhs-number"),                    # l for 1
    ("4O1 O23 2137", "identifiers.nhs-number"),                    # O for 0
    ("٩٤٣ ٤٧٦ ٥٩١٩", "identifiers.nhs-number"),                    # Arabic-Indic digits
    ("O77OO 9OO123", "contacts.phone"),
    ("07700\u200b900\u200b123", "contacts.phone"),
])
def test_disguised_numbers_are_found_where_written(checker, written: str, rule: str) -> None:
    text = f"Pt on ward 7 tonight 🙂, number {written} x"
    result = checker(text)
    found = [f for f in _number_findings(result) if f.rule == rule]
    assert found, [f.rule for f in result.findings]
    finding = found[0]
    assert text[finding.start : finding.end] == written  # the span is the original characters
    assert (finding.line, finding.column) == (1, text.index(written) + 1)


@pytest.mark.parametrize("text", [
    "lol 2 of us on O2 tonight",
    "Version 10.1.2 of the rota app is out, Ill update it later",
    "Room 101 and room 1O2 are closed for cleaning",
    "I owe you £10 for the pizza, O and I will sort it",
])
def test_lookalikes_in_words_stay_letters(checker, text: str) -> None:
    assert _number_findings(checker(text)) == []


def test_fold_keeps_a_map_back_to_the_original() -> None:
    text = "a\u200bb ９4O1 234"
    folded, origin = fold(text)
    assert folded == "ab 9401 234"
    assert span_of(origin, 0, 2) == (0, 3)  # 'a', zero-width space, 'b'
    assert span_of(origin, 3, 7) == (4, 8)


def test_emoji_combining_marks_and_rtl_do_not_move_positions(checker) -> None:
    prefix = "שלום 👩‍⚕️ café\u0301 "
    text = prefix + "Mrs Ellis in bay 4, NHS 943 476 5919"
    result = checker(text)
    nhs = next(f for f in result.findings if f.rule == "identifiers.nhs-number")
    assert text[nhs.start : nhs.end] == "943 476 5919"
    assert nhs.column == text.index("943") + 1
