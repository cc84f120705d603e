"""Shared fixtures: one pipeline for the whole session, and a helper to check one text."""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest

from postcheck.model import Draft, DraftResult, line_starts_of
from postcheck.policy.config import Config
from postcheck.policy.decide import Decider
from postcheck.policy.packs import load_packs
from postcheck.ruleset import load_rules

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp() -> Any:
    from postcheck.nlp.pipeline import build

    return build({"official_contacts": ["01494 734959", "communications@buckshealthcare.nhs.uk"]})


@pytest.fixture(scope="session")
def checker(nlp: Any):
    from postcheck.nlp.pipeline import detect

    decider = Decider(list(load_packs().values()), load_rules(), Config())

    def run(text: str, **meta: Any) -> DraftResult:
        draft = Draft(text=text, meta=meta, source="t.txt", line_starts=line_starts_of(text))
        hits = next(detect(nlp, [draft]))
        return decider.decide(draft, hits)

    return run


def categories(result: DraftResult) -> set[str]:
    """Categories reported at review or block (the label format's definition)."""
    return {f.category for f in result.findings if f.severity in ("review", "block")}


@contextmanager
def detector_context(nlp: Any, **changes: Any) -> Iterator[None]:
    """The pipeline's detectors run with these DetectorContext fields changed (floors,
    thresholds), then as before."""
    component = nlp.get_pipe("postcheck_detectors")
    saved = component.ctx
    component.ctx = dataclasses.replace(saved, **changes)
    try:
        yield
    finally:
        component.ctx = saved
