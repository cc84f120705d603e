"""patient-information: a specific patient's episode, not general talk about patients."""

from __future__ import annotations

import pytest

from conftest import categories, detector_context


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


@pytest.mark.parametrize("text", [
    "Mrs Adeyemi (NHS 612 345 6784) is still waiting for her CT on ward 12, third day nil by mouth",
    "can someone chase the echo for Mr Pryce in bed 4 on Ward 9, he's been breathless since lunch",
])
def test_an_identified_patient_stands_without_the_classifier(nlp, checker, text: str) -> None:
    """The identified-patient rule rests on the identifier rules: with every floor and threshold
    out of reach, it still reports the patient whose care is described, and the unnamed-episode
    rule (which the floor does drop) does not."""
    with detector_context(nlp, floors={"patient-information": 1.01}, thresholds={}):
        result = checker(text)
    rules = {f.rule for f in result.findings if f.category == "patient-information" and f.severity in ("review", "block")}
    assert rules == {"narrative.identified-patient"}


def test_an_unnamed_episode_is_dropped_under_the_floor(nlp, checker) -> None:
    text = "Had a gentleman in majors tonight who kept pulling his cannula out and swearing at the HCA"
    assert "patient-information" in categories(checker(text))
    with detector_context(nlp, floors={"patient-information": 1.01}, thresholds={}):
        assert "patient-information" not in categories(checker(text))
