"""Every spaCy factory of postcheck, registered here and only here.

A detector kind is a function `(doc, rule, ctx) -> list[Hit]`; KINDS maps each kind name (the
`kind:` of a rule file) to its function. One component, `postcheck_detectors`, runs every enabled
rule over each Doc and appends plain dicts to `doc._.postcheck_hits` (plain, so docs can cross
process boundaries). Import this module before loading or building a pipeline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from postcheck.detectors.base import CACHE, DetectorContext
from postcheck.detectors.contacts import detect_email, detect_phone
from postcheck.detectors.identifiers import (
    detect_age_condition,
    detect_bed_location,
    detect_nhs_number,
    detect_patient_name,
    detect_pattern,
)
from postcheck.detectors.metadata import (
    detect_attachment,
    detect_missing_disclaimer,
    detect_reply_to,
    detect_working_hours,
)
from postcheck.detectors.narrative import detect_patient_case
from postcheck.detectors.semantic import detect_semantic
from postcheck.model import Hit
from postcheck.ruleset import Rule, load_rules

Detector = Callable[[Doc, Rule, DetectorContext], list[Hit]]

KINDS: dict[str, Detector] = {
    "checksum-id": detect_nhs_number,
    "pattern": detect_pattern,
    "phone": detect_phone,
    "email": detect_email,
    "person-context": detect_patient_name,
    "location-person": detect_bed_location,
    "age-condition": detect_age_condition,
    "patient-episode": detect_patient_case,
    "semantic": detect_semantic,
    "disclaimer": detect_missing_disclaimer,
    "attachment": detect_attachment,
    "reply-to": detect_reply_to,
    "working-hours": detect_working_hours,
}

if not Doc.has_extension("postcheck_hits"):
    Doc.set_extension("postcheck_hits", default=None)
if not Doc.has_extension("postcheck_meta"):
    Doc.set_extension("postcheck_meta", default=None)


class DetectorsComponent:
    """Runs the rules of the known kinds; unknown kinds belong to other components."""

    def __init__(self, nlp: Language, disabled: list[str], config: dict[str, Any]) -> None:
        from postcheck.nlp.classifier import NAME, sentence_scorer, thresholds

        classifier = nlp.has_pipe(NAME)
        self.ctx = DetectorContext.from_config(
            config,
            make_doc=nlp.make_doc,
            thresholds=thresholds() if classifier else {},
            score_sentences=sentence_scorer(nlp) if classifier else None,
        )
        self.rules = [
            rule
            for rule in load_rules().values()
            if rule.kind in KINDS and rule.id not in disabled and rule.category not in disabled
        ]

    def __call__(self, doc: Doc) -> Doc:
        if doc._.postcheck_hits is None:
            doc._.postcheck_hits = []
        hits = doc._.postcheck_hits  # rules run in id order; later kinds may read earlier hits
        try:
            for rule in self.rules:
                hits.extend(h.to_plain() for h in KINDS[rule.kind](doc, rule, self.ctx))
        finally:
            doc.user_data.pop(CACHE, None)
        return doc


@Language.factory("postcheck_detectors", default_config={"disabled": [], "config": {}})
def make_detectors(nlp: Language, name: str, disabled: list[str], config: dict[str, Any]) -> DetectorsComponent:
    return DetectorsComponent(nlp, disabled, config)
