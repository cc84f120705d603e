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

from postcheck.detectors.base import CACHE, DetectorContext, cached
from postcheck.detectors.contacts import detect_email, detect_phone
from postcheck.detectors.identifiers import (
    detect_age_condition,
    detect_bed_location,
    detect_nhs_number,
    detect_patient_name,
    detect_pattern,
    may_hold_person,
)
from postcheck.detectors.metadata import (
    detect_attachment,
    detect_missing_disclaimer,
    detect_reply_to,
    detect_working_hours,
)
from postcheck.detectors.narrative import detect_identified_patient, detect_patient_case
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
    "identified-patient": detect_identified_patient,
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


# Rules that read the draft's words. A match of one stands only when the classifier gives the
# draft at least its category's floor (thresholds.yml, chosen on dev with the thresholds); rules
# that read metadata (in_reply_to, attachments) report what the writer declared and always stand.
FLOORED_KINDS = frozenset({"semantic", "patient-episode"})


def floored(rule: Rule) -> bool:
    """Whether a rule's matches need the classifier's floor: text rules do, unless the rule says
    `floored: false` (patterns specific enough to stand alone)."""
    return rule.kind in FLOORED_KINDS and rule.params.get("floored", True) is not False


class DetectorsComponent:
    """Runs the rules of the known kinds; unknown kinds belong to other components."""

    def __init__(self, nlp: Language, disabled: list[str], config: dict[str, Any]) -> None:
        from postcheck.nlp.classifier import NAME, floors, long_drafts, sentence_scorer, thresholds

        classifier = nlp.has_pipe(NAME)
        self.ctx = DetectorContext.from_config(
            config,
            make_doc=nlp.make_doc,
            thresholds=thresholds() if classifier else {},
            floors=floors() if classifier else {},
            score_sentences=sentence_scorer(nlp) if classifier else None,
        )
        self.long_drafts = long_drafts() if classifier else {}
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
                found = KINDS[rule.kind](doc, rule, self.ctx)
                if found and floored(rule) and (doc.cats or {}).get(rule.category, 1.0) < self.ctx.floors.get(rule.category, 0.0):
                    # a text rule fired where the classifier sees nothing of its category in the
                    # draft; in a long draft, where one sentence is lost in the rest, the match
                    # stands if the classifier reads its own sentence as the category
                    found = [h for h in found if self._sentence_stands(doc, h, rule.category)]
                hits.extend(h.to_plain() for h in found)
        finally:
            doc.user_data.pop(CACHE, None)
        return doc

    def _sentence_stands(self, doc: Doc, found: Hit, category: str) -> bool:
        """In a long draft, whether the classifier gives the sentence of a match, alone or with
        the sentences either side, at least the long-draft sentence score."""
        bar, length = self.long_drafts.get("sentence"), self.long_drafts.get("tokens")
        if bar is None or length is None or len(doc) < length or found.start is None or self.ctx.score_sentences is None or not doc.has_annotation("SENT_START"):
            return False
        scorer = self.ctx.score_sentences
        sentences = cached(doc, "sentences", lambda: list(doc.sents))
        i = next((i for i, s in enumerate(sentences) if s.start_char <= found.start < s.end_char), None)
        if i is None:
            return False

        def score(first: int, last: int) -> dict[str, float]:
            return cached(doc, f"window:{first}:{last}", lambda: scorer([doc[sentences[first].start : sentences[last].end].as_doc()])[0])

        return any(score(a, b)[category] >= bar for a, b in ((i, i), (max(0, i - 1), min(len(sentences) - 1, i + 1))))


@Language.factory("postcheck_detectors", default_config={"disabled": [], "config": {}})
def make_detectors(nlp: Language, name: str, disabled: list[str], config: dict[str, Any]) -> DetectorsComponent:
    return DetectorsComponent(nlp, disabled, config)


class GatedNER:
    """The English entity recogniser, run only on the Docs that may hold a name the detectors
    would keep (identifiers.may_hold_person). A Doc left out has no entities, which is what
    the recogniser's PERSON entities, the only ones used, would have come to there. The
    results are the same, faster."""

    def __init__(self, ner: Any) -> None:
        self.ner = ner

    def __call__(self, doc: Doc) -> Doc:
        return self.ner(doc) if may_hold_person(doc) else doc

    def pipe(self, docs: Any, batch_size: int = 128) -> Any:
        from spacy.util import minibatch

        for batch in minibatch(docs, batch_size):
            for _ in self.ner.pipe([d for d in batch if may_hold_person(d)], batch_size=batch_size):
                pass  # the recogniser sets doc.ents in place
            yield from batch


@Language.factory("postcheck_gated_ner")
def make_gated_ner(nlp: Language, name: str) -> GatedNER:
    return GatedNER(nlp.get_pipe("ner"))


class CachedLemmatizer:
    """The English rule lemmatizer with its answers kept per (word, part of speech, morphology),
    the key spaCy's own cache uses, so the lemmas are the same; spaCy still visits every token
    in Python and builds its key from a morphology object, which took 0.45 ms a draft, about a
    tenth of the English pipeline. A lemma already set (by the attribute ruler) is kept, as
    the lemmatizer does without `overwrite`."""

    LIMIT = 200_000  # keys kept before the cache starts afresh

    def __init__(self, lemmatizer: Any) -> None:
        self.lemmatizer = lemmatizer
        self.cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        import numpy
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        if not len(doc):
            return doc
        if len(self.cache) > self.LIMIT:
            self.cache.clear()
        strings, cache = doc.vocab.strings, self.cache
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()):
            if not lemma:
                lemma = cache.get((orth, pos, morph))
                if lemma is None:
                    lemma = cache[(orth, pos, morph)] = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            lemmas.append(lemma)
        doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64"))
        return doc


@Language.factory("postcheck_cached_lemmatizer")
def make_cached_lemmatizer(nlp: Language, name: str) -> CachedLemmatizer:
    return CachedLemmatizer(nlp.get_pipe("lemmatizer"))


class CachedAttributeRuler:
    """The English attribute ruler with its answers kept per token. Its patterns read a token's
    tag, lower-case form and whether it is a space (and the parse, absent from our pipeline),
    so a token's part of speech, morphology and any lemma it sets follow from those three,
    except where one of its few two-token patterns ('gon na', "let 's") matches: such a Doc
    goes through the ruler itself. A token not seen before goes through it too, in a Doc of
    unseen tokens, and what it sets is remembered. The ruler's Matcher took 0.5 ms a draft."""

    LIMIT = 200_000

    def __init__(self, nlp: Language, ruler: Any) -> None:
        from spacy.matcher import Matcher

        self.ruler = ruler
        self.cache: dict[tuple[int, int, int], tuple[int, int, int]] = {}
        self.context = Matcher(nlp.vocab)
        for i, entry in enumerate(ruler.patterns):
            longer = [p for p in entry["patterns"] if len(p) > 1]
            if longer:
                self.context.add(f"context{i}", longer)

    def __call__(self, doc: Doc) -> Doc:
        import numpy
        from spacy.attrs import IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG

        if not len(doc) or (len(self.context) and self.context(doc, allow_missing=True)):
            return self.ruler(doc)
        if len(self.cache) > self.LIMIT:
            self.cache.clear()
        keys = [tuple(row) for row in doc.to_array([TAG, LOWER, IS_SPACE]).tolist()]
        cache = self.cache
        unseen = {}
        for i, key in enumerate(keys):
            if key not in cache and key not in unseen:
                unseen[key] = i
        if unseen:
            # The unseen tokens through the ruler itself, in a Doc of their own, each followed by
            # a line break so that no two-token pattern can join them.
            words, tags = [], []
            for i in unseen.values():
                words += [doc[i].text, "\n"]
                tags += [doc[i].tag_, "_SP"]
            probe = self.ruler(Doc(doc.vocab, words=words, tags=tags))
            values = probe.to_array([POS, MORPH, LEMMA]).tolist()
            for n, key in enumerate(unseen):
                cache[key] = tuple(values[2 * n])
        doc.from_array([POS, MORPH, LEMMA], numpy.array([cache[key] for key in keys], dtype="uint64"))
        return doc


@Language.factory("postcheck_cached_attribute_ruler")
def make_cached_attribute_ruler(nlp: Language, name: str) -> CachedAttributeRuler:
    return CachedAttributeRuler(nlp, nlp.get_pipe("attribute_ruler"))
