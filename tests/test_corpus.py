"""Per-category precision and recall on the labelled core corpus (tests/corpus/core).

Floors guard against regressions at the figures measured when they were set; issue 3's target
is 0.95 for both on every category, and these floors hold it there.
"""

from __future__ import annotations

from conftest import ROOT
from postcheck.evaluate import run_folder

FLOORS = {  # category: (precision, recall)
    "patient-identifier": (0.95, 0.95),
    "patient-information": (0.95, 0.95),
    "contact-details": (0.95, 0.95),
    "account-security": (0.95, 0.95),
}


def test_core_corpus_precision_and_recall() -> None:
    ev = run_folder(ROOT / "tests" / "corpus" / "core", tuple(FLOORS))
    print(ev.table())
    assert ev.clean_pass_rate >= 0.95
    for category, (precision, recall) in FLOORS.items():
        score = ev.scores[category]
        misses = [m for m in ev.misses if m[1] == category]
        assert score.tp + score.fn >= 25, category
        assert score.precision >= precision, (category, score, misses)
        assert score.recall >= recall, (category, score, misses)
