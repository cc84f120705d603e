"""The trained classifier in models/textcat: added to the one pipeline, with its thresholds.

The model is a textcat_multilabel component trained by `postcheck train`; it is sourced into the
English pipeline so it shares that pipeline's tokens (no second pipeline), and it runs before
the detectors, which read `doc.cats`. Thresholds (chosen on the dev split) sit beside it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from postcheck.errors import PostcheckError
from postcheck.paths import models_dir
from postcheck.yamlload import load_file, strip_lines

NAME = "postcheck_textcat"
FOLDER = "textcat"


def model_path() -> Path:
    return models_dir() / FOLDER


@lru_cache(maxsize=1)
def thresholds() -> dict[str, float]:
    path = model_path() / "thresholds.yml"
    if not path.is_file():
        return {}
    data = strip_lines(load_file(path, with_lines=True))
    values = data.get("thresholds") if isinstance(data, dict) else None
    if not isinstance(values, dict) or not all(isinstance(v, (int, float)) for v in values.values()):
        raise PostcheckError(str(path), "'thresholds' must map categories to numbers")
    return {str(k): float(v) for k, v in values.items()}


def add_classifier(nlp: Language, before: str | None = None) -> bool:
    """Source the trained component into `nlp`; False when no model is installed."""
    path = model_path()
    if not (path / "config.cfg").is_file():
        return False
    import spacy

    trained = spacy.load(path)
    nlp.add_pipe("textcat_multilabel", name=NAME, source=trained, before=before)
    return True


def sentence_scorer(nlp: Language):
    """A function scoring Docs (sentences) for one category with the pipeline's classifier."""
    component = nlp.get_pipe(NAME)

    def score(docs: list[Doc], category: str) -> list[float]:
        column = list(component.labels).index(category)
        return [float(row[column]) for row in component.model.ops.to_numpy(component.predict(docs))]

    return score
