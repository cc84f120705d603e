"""patient-information: a specific patient's episode, not general talk about patients."""

from __future__ import annotations

import pytest

from conftest import categories


@pytest.mark.parametrize("text", [
    "Had a lovely lady in resus today who kept asking for her late husband",
    "This patient in majors screamed at me for an hour because his toast was cold",
    "we nursed a young lad all night after his overdose, broke my heart",
    "The frequent flyer was back in ED tonight, drunk and kicking off again",
])
def test_positives(checker, text: str) -> None:
    assert "patient-information" in categories(checker(text))


@pytest.mark.parametrize("text", [
    "We record patient feedback every quarter and act on it",
    "Every patient deserves dignity, whatever time they arrive",
    "If a patient asks about their results, direct them to the clinic",
    "Be patient with the new car park barriers, they're being fixed",
    "Patients love the new garden outside outpatients",
    "Had a lovely lunch with the team today before the awards",
    "Ten years ago I was a patient on the burns unit I now run. Funny how life goes",
])
def test_hard_negatives(checker, text: str) -> None:
    assert "patient-information" not in categories(checker(text))
