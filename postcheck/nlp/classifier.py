"""The trained classifier in models/textcat, run inside the one pipeline, and its thresholds.

The model is a small ensemble trained by `postcheck train`: textcat_multilabel components of
one architecture trained from different seeds, their scores averaged. It runs as the
`postcheck_classifier` component, on the tokens the English pipeline already made (no second
pipeline), before the detectors, which read `doc.cats`. It sees a draft's words without its
whitespace tokens, in training and in use, so line breaks and blank lines do not move a score.
Thresholds and floors, chosen on the dev split, sit beside the model in thresholds.yml.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab
from spacy.util import minibatch

from postcheck.errors import PostcheckError
from postcheck.paths import models_dir
from postcheck.yamlload import load_file, strip_lines

NAME = "postcheck_classifier"
FOLDER = "textcat"
FEATURES = "features.yml"  # the lexicons shown to the model as marker words, written by postcheck train
MEMBER_FOLDER = "textcat_multilabel-{}"  # the second and later members of the ensemble, beside the first


def model_path() -> Path:
    return models_dir() / FOLDER


def _cutoffs(key: str, missing: dict[str, float] | None = None) -> dict[str, float]:
    """One mapping of thresholds.yml; `missing` stands in when the key is absent (else an error)."""
    path = model_path() / "thresholds.yml"
    if not path.is_file():
        return {}
    data = strip_lines(load_file(path, with_lines=True))
    values = data.get(key, missing) if isinstance(data, dict) else None
    if not isinstance(values, dict) or not all(isinstance(v, (int, float)) for v in values.values()):
        raise PostcheckError(str(path), f"'{key}' must map categories to numbers")
    return {str(k): float(v) for k, v in values.items()}


@lru_cache(maxsize=1)
def thresholds() -> dict[str, float]:
    """Per category, the score at which the classifier alone reports it."""
    return _cutoffs("thresholds")


@lru_cache(maxsize=1)
def floors() -> dict[str, float]:
    """Per category, the least score a draft needs for a text rule's match to stand (none for a
    model trained before floors): a rule that fires on a draft the classifier finds nothing like
    its category is, on dev, more often wrong than right."""
    return _cutoffs("floors", missing={})


@lru_cache(maxsize=1)
def long_drafts() -> dict[str, float]:
    """When a text rule's match stands in a long draft whatever the draft's score: `tokens`, the
    length from which a draft counts as long, and `sentence`, the score the match's sentence (or
    that sentence with its neighbours) must reach. Empty for a model trained without it."""
    return _cutoffs("long_drafts", missing={})


@lru_cache(maxsize=1)
def plain_vocab() -> Vocab:
    """The vocabulary the classifier's features are read from, in training and in use: blank
    English's. The English pipeline's own vocabulary carries a spelling table that gives
    'organisation', 'theatre' or 'Labour' the norms 'organization', 'theater', 'labor', so the
    same word would hash to features the model never saw in training."""
    from spacy.lang.en import English
    from spacy.vocab import create_vocab

    return create_vocab("en", English.Defaults)


def lexicon_names() -> tuple[str, ...]:
    """The lexicons of rules/lexicons the classifier is also shown: every one but those marked
    'feature: false', gates that only silence a rule ('please read the trust's update'), whose
    marker would teach the model little and change it as much as a new seed would."""
    from postcheck.paths import rules_dir
    from postcheck.ruleset import lexicon_is_feature

    folder = rules_dir() / "lexicons"
    return tuple(name for name in sorted(p.stem for p in folder.glob("*.yml")) if lexicon_is_feature(name, str(folder)))


@lru_cache(maxsize=1)
def feature_lexicons() -> tuple[str, ...]:
    """The lexicons the installed model was trained with (features.yml beside it); none for a
    model trained without them."""
    path = model_path() / FEATURES
    if not path.is_file():
        return ()
    data = strip_lines(load_file(path, with_lines=True))
    names = data.get("lexicons") if isinstance(data, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise PostcheckError(str(path), "'lexicons' must be a list of lexicon names")
    return tuple(names)


def words_only(doc: Doc, lexicons: tuple[str, ...] = ()) -> Doc:
    """The draft as the classifier sees it: the same tokens, whitespace tokens left out, in the
    plain vocabulary, followed by one marker word per lexicon of `lexicons` the draft holds a
    term of ('[lex:oc-insults]'). The markers let what is learnt from 'snake' in training reach
    'viper' in use, when a lexicon holds both: the corpus cannot show every word, the lexicons
    name many more."""
    from postcheck.detectors.base import doc_has_term

    tokens = [t for t in doc if not t.is_space]
    words = [t.text for t in tokens] + [f"[lex:{name}]" for name in lexicons if doc_has_term(doc, name)]
    spaces = [bool(t.whitespace_) for t in tokens] + [True] * (len(words) - len(tokens))
    return Doc(plain_vocab(), words=words, spaces=spaces)


class Classifier:
    """Scores each Doc with the trained textcat_multilabel model and sets doc.cats."""

    def __init__(self, nlp: Language, path: str) -> None:
        """The textcat component alone, built on `nlp`'s vocabulary: loading the model folder as
        a pipeline of its own would also build a second tokenizer (0.08 s of a cold start). It
        reads its features from words_only's plain vocabulary, as in training."""
        from thinc.api import Config

        folders = [Path(path) / "textcat_multilabel"]
        while (Path(path) / MEMBER_FOLDER.format(len(folders) + 1)).is_dir():
            folders.append(Path(path) / MEMBER_FOLDER.format(len(folders) + 1))
        try:
            config = Config().from_disk(Path(path) / "config.cfg")["components"]["textcat_multilabel"]
            factory = config.pop("factory")
            self.members = [
                nlp.create_pipe(factory, name="textcat_multilabel", config=config).from_disk(folder, exclude=["vocab"])
                for folder in folders
            ]
        except (OSError, ValueError, KeyError) as exc:
            raise PostcheckError(str(path), f"the classifier model cannot be loaded: {exc}") from None
        self.labels = list(self.members[0].labels)
        if any(list(member.labels) != self.labels for member in self.members):
            raise PostcheckError(str(path), "the classifier's members score different categories")
        self.lexicons = feature_lexicons()

    def scores(self, docs: list[Doc]) -> list[dict[str, float]]:
        """Scores per Doc; one with no words scores 0 (thinc fails on a batch mixing empty and
        non-empty Docs, as a blank draft in a folder or a blank line's sentence would)."""
        words = [words_only(d, self.lexicons) for d in docs]
        filled = [w for w in words if len(w)]
        rows = iter(sum(m.model.ops.to_numpy(m.predict(filled)) for m in self.members) / len(self.members) if filled else ())
        return [
            {label: float(value) for label, value in zip(self.labels, next(rows))} if len(w) else dict.fromkeys(self.labels, 0.0)
            for w in words
        ]

    def __call__(self, doc: Doc) -> Doc:
        doc.cats = self.scores([doc])[0]
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for batch in minibatch(docs, batch_size):
            for doc, cats in zip(batch, self.scores(list(batch))):
                doc.cats = cats
                yield doc


@Language.factory("postcheck_classifier", default_config={"path": ""})
def make_classifier(nlp: Language, name: str, path: str) -> Classifier:
    return Classifier(nlp, path)


def add_classifier(nlp: Language) -> bool:
    """Add the trained classifier to `nlp`; False when no model is installed."""
    path = model_path()
    if not (path / "config.cfg").is_file():
        return False
    nlp.add_pipe("postcheck_classifier", name=NAME, config={"path": str(path)})
    return True


def sentence_scorer(nlp: Language):
    """A function scoring Docs (a draft's sentences) for every category with the classifier."""
    component: Classifier = nlp.get_pipe(NAME)
    return component.scores
