"""Rebuild the classifier in models/ from the labelled corpus beside it, reproducibly.

    postcheck train                 # models/corpus/{train,dev} -> models/textcat
    python -m postcheck.train       # the same

The corpus folders use the label format of every corpus of ours (drafts plus labels.yaml).
`expect` categories are positives, categories absent from both lists are negatives, and
`optional` categories are left out of the loss (spaCy's textcat_multilabel masks missing
labels), so a debatable draft teaches nothing either way. The seeds, the architecture and the
number of epochs are fixed here; the per-category thresholds (where the classifier alone
reports a category) and floors (the least score at which a rule's match on the words stands)
are chosen on the dev split and written beside the model in thresholds.yml.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from postcheck.errors import PostcheckError
from postcheck.evaluate import Label, load_labels, parse_labels, read_labels
from postcheck.model import CATEGORIES, Draft
from postcheck.readers import TEXT_SUFFIXES, read_path

# The categories the classifier scores; the others are deterministic or come from metadata.
NOT_LEARNED = {"patient-identifier", "contact-details", "account-security", "photo-consent", "missing-disclaimer", "working-hours"}
LABELS = tuple(c for c in CATEGORIES if c not in NOT_LEARNED)
# The classifier is two models trained alike from different seeds, their scores averaged: on
# dev, one scored macro-F1 0.813, the other 0.817 and their mean 0.825 (held-out fresh: 0.879,
# 0.884, 0.888), at the cost of a second forward pass.
SEEDS = (13, 7)
EPOCHS = 16
DEV_SHARE = 0.2
MIN_THRESHOLD = 0.5
BETA = 0.5  # cut-offs maximise F-beta on dev: precision counts twice recall
TOLERANCE = 0.005  # F-beta within this of the best is a tie (one dev draft moves it by 0.005 to 0.01)
FLOORS = (0.0, 0.01, 0.02, 0.05, 0.1)  # the least classifier score a text rule's match may need
# In a draft of at least `tokens` tokens a text rule's match stands, whatever the floor, when the
# classifier gives its sentence (alone or with the sentences either side) at least `sentence`: one
# sentence of a long post is lost in the draft's score. Set on held-out long posts, not on dev
# (it has too few): matches of long drafts there stood right 15 times and wrongly 3 at 0.9.
LONG_DRAFTS = {"tokens": 150, "sentence": 0.9}
MODEL_NAME = "textcat"

# A small ensemble: a bag of uni- and bigrams beside a narrow CNN over hashed lexical features.
# The CNN reads two words either side of each word (window_size 2): retrained on the same corpus
# with one, dev macro-F1 was 0.816, with two 0.824; trigrams in the bag scored 0.807.
CONFIG = """
[nlp]
lang = "en"
pipeline = ["textcat_multilabel"]

[components]

[components.textcat_multilabel]
factory = "textcat_multilabel"
threshold = 0.5

[components.textcat_multilabel.model]
@architectures = "spacy.TextCatEnsemble.v2"
nO = null

[components.textcat_multilabel.model.linear_model]
@architectures = "spacy.TextCatBOW.v3"
exclusive_classes = false
ngram_size = 2
no_output_layer = false
length = 65536

[components.textcat_multilabel.model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[components.textcat_multilabel.model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = 64
rows = [4000, 2000, 2000, 2000]
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
include_static_vectors = false

[components.textcat_multilabel.model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 64
window_size = 2
maxout_pieces = 3
depth = 2
"""


@dataclass(frozen=True)
class Example:
    name: str
    text: str
    label: Label


@dataclass(frozen=True)
class RuleFindings:
    """The categories the rules alone report for one draft at review or block: `floored` from
    rules that read its words (their match needs the classifier's floor), `fixed` from rules that
    read its metadata (they stand whatever the classifier says), `rescued` from rules that read
    its words where a match stands without the floor (its sentence in a long draft, LONG_DRAFTS)."""

    floored: frozenset[str] = frozenset()
    fixed: frozenset[str] = frozenset()
    rescued: frozenset[str] = frozenset()


def split_name(name: str) -> str:
    """'dev' or 'train' for a draft, from a hash of its file name: stable across machines."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return "dev" if digest[0] < 256 * DEV_SHARE else "train"


def add_to_corpus(folder: Path, corpus: Path) -> dict[str, int]:
    """Copy the labelled drafts of `folder` (drafts plus labels.yaml) into corpus/train and
    corpus/dev, each by split_name, and merge their labels; `folder` is left as it was.

    Everything is checked before anything is copied: the labels parse and name known categories,
    every entry names a readable draft in the folder, every draft has an entry, and no name is
    already in the corpus. A problem raises PostcheckError naming the file."""
    labels_path = folder / "labels.yaml"
    if not labels_path.is_file():
        raise PostcheckError(str(folder), "no labels.yaml: a folder to add holds drafts plus labels.yaml")
    entries = read_labels(labels_path)
    parse_labels(entries, labels_path)  # the checks of the label format, with the file named
    drafts = {p.name for p in folder.iterdir() if p.suffix.lower() in TEXT_SUFFIXES}
    for name in sorted(drafts - set(entries)):
        raise PostcheckError(str(folder / name), "has no entry in labels.yaml")
    merged: dict[str, dict] = {}
    for part in ("train", "dev"):
        existing = corpus / part / "labels.yaml"
        merged[part] = (yaml.safe_load(existing.read_text(encoding="utf-8")) or {}) if existing.exists() else {}
    for name in entries:
        if name not in drafts:
            raise PostcheckError(str(labels_path), f"entry '{name}' names no draft in {folder}")
        if name in merged["train"] or name in merged["dev"]:
            raise PostcheckError(str(folder / name), "a draft of that name is already in the corpus")
        read_path(str(folder / name))  # unreadable drafts raise here, before anything is copied
    counts = {"train": 0, "dev": 0}
    for name, entry in entries.items():
        part = split_name(name)
        (corpus / part).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / name, corpus / part / name)
        merged[part][name] = entry
        counts[part] += 1
    for part, part_entries in merged.items():
        text = yaml.safe_dump(dict(sorted(part_entries.items())), sort_keys=False, allow_unicode=True)
        (corpus / part / "labels.yaml").write_text(text, encoding="utf-8")
    return counts


def load_examples(folder: Path) -> list[Example]:
    labels = load_labels(folder / "labels.yaml")
    examples = []
    for name, label in sorted(labels.items()):
        drafts: list[Draft] = read_path(str(folder / name))
        examples.append(Example(name, drafts[0].text, label))
    return examples


def cats_of(label: Label) -> dict[str, float]:
    """Positives 1, negatives 0, optional categories missing (masked out of the loss)."""
    return {c: float(c in label.expect) for c in LABELS if c not in label.optional}


def build_blank():
    import spacy
    from thinc.api import Config

    nlp = spacy.util.load_model_from_config(Config().from_str(CONFIG), auto_fill=True, validate=True)
    return nlp


def train_member(
    train_set: list[Example], dev_set: list[Example], epochs: int, seed: int, lexicons: tuple[str, ...], log=print
):
    """One member of the ensemble, trained from `seed` alone on drafts marked with `lexicons`
    (the ones train writes to features.yml); returns it and its dev scores."""
    from spacy.training import Example as SpacyExample
    from spacy.tokens import Doc
    from spacy.util import fix_random_seed, minibatch

    from postcheck.nlp.classifier import words_only
    from postcheck.nlp.pipeline import spacy_text

    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = build_blank()
    textcat = nlp.get_pipe("textcat_multilabel")
    for label in LABELS:
        textcat.add_label(label)

    def features(text: str) -> Doc:  # what the classifier reads, as in use (Classifier.scores)
        return words_only(nlp.make_doc(spacy_text(text)), lexicons)

    examples = [SpacyExample.from_dict(features(e.text), {"cats": cats_of(e.label)}) for e in train_set]
    optimizer = nlp.initialize(lambda: examples)
    optimizer.learn_rate = 0.001
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer, losses=losses, drop=0.2)
        log(f"seed {seed}  epoch {epoch + 1:2}/{epochs}  loss {losses.get('textcat_multilabel', 0.0):.3f}")
    return nlp, [doc.cats for doc in nlp.pipe(features(e.text) for e in dev_set)]


def train(
    corpus: Path, out: Path, epochs: int = EPOCHS, seeds: tuple[int, ...] = SEEDS, log=print
) -> tuple[dict[str, float], dict[str, float]]:
    """Train one member per seed on corpus/train, save them to out (the first as the pipeline,
    the others' textcat beside it, MEMBER_FOLDER), choose thresholds and floors on corpus/dev for
    their averaged scores; return those."""
    from postcheck.nlp.classifier import FEATURES, MEMBER_FOLDER, lexicon_names

    train_set = load_examples(corpus / "train")
    dev_set = load_examples(corpus / "dev")
    lexicons = lexicon_names()
    members = [train_member(train_set, dev_set, epochs, seed, lexicons, log) for seed in seeds]
    scores = [{label: sum(row[label] for row in rows) / len(rows) for label in rows[0]} for rows in zip(*(s for _, s in members))]
    if out.exists():
        shutil.rmtree(out)
    members[0][0].to_disk(out)
    for number, (nlp, _) in enumerate(members[1:], start=2):
        nlp.get_pipe("textcat_multilabel").to_disk(out / MEMBER_FOLDER.format(number), exclude=["vocab"])
    (out / FEATURES).write_text(
        "# The lexicons shown to the classifier as marker words, in training and in use; written by postcheck train.\n"
        + yaml.safe_dump({"lexicons": list(lexicons)}, sort_keys=False),
        encoding="utf-8",
    )
    thresholds, floors = choose_cutoffs(dev_set, scores, rule_predictions(corpus / "dev", [e.name for e in dev_set]))
    meta = {
        "seeds": list(seeds),
        "epochs": epochs,
        "train_drafts": len(train_set),
        "dev_drafts": len(dev_set),
        "beta": BETA,
        "tolerance": TOLERANCE,
        "thresholds": thresholds,
        "floors": floors,
        "long_drafts": LONG_DRAFTS,
    }
    (out / "thresholds.yml").write_text(
        f"# Chosen on models/corpus/dev by postcheck train (per category, of the pairs within {TOLERANCE} of the best F-beta, beta {BETA}: the lowest floor, then the highest threshold); do not edit by hand.\n"
        + yaml.safe_dump(meta, sort_keys=False),
        encoding="utf-8",
    )
    return thresholds, floors


def rule_predictions(folder: Path, names: list[str]) -> list[RuleFindings]:
    """Categories the rules (not the classifier) report at review or block, per draft."""
    from postcheck.check import Options, run
    from postcheck.nlp import classifier
    from postcheck.nlp.factories import floored
    from postcheck.policy.config import Config
    from postcheck.ruleset import load_rules

    floored_rules = {rule_id for rule_id, rule in load_rules().items() if floored(rule)}
    paths = [str(folder / n) for n in names]
    saved = classifier.thresholds, classifier.floors, classifier.long_drafts
    try:
        classifier.thresholds = classifier.floors = classifier.long_drafts = lambda: {}  # type: ignore[assignment]
        every = run(paths, Config(), Options()).results  # rules only, no floor
        classifier.floors = lambda: {label: 2.0 for label in LABELS}  # type: ignore[assignment]  # no floor is met...
        classifier.long_drafts = lambda: dict(LONG_DRAFTS)  # type: ignore[assignment]  # ...but a long draft's sentence may be
        standing = run(paths, Config(), Options()).results
    finally:
        classifier.thresholds, classifier.floors, classifier.long_drafts = saved  # type: ignore[assignment]

    def reported(result) -> list:
        return [f for f in result.findings if f.severity in ("review", "block")]

    return [
        RuleFindings(
            floored=frozenset(f.category for f in reported(result) if f.rule in floored_rules),
            fixed=frozenset(f.category for f in reported(result) if f.rule not in floored_rules),
            rescued=frozenset(f.category for f in reported(kept) if f.rule in floored_rules),
        )
        for result, kept in zip(every, standing)
    ]


def choose_thresholds(
    dev: list[Example], scores: list[dict[str, float]], rules: list[RuleFindings] | None = None, beta: float = BETA
) -> dict[str, float]:
    """The thresholds of choose_cutoffs."""
    return choose_cutoffs(dev, scores, rules, beta)[0]


def choose_cutoffs(
    dev: list[Example], scores: list[dict[str, float]], rules: list[RuleFindings] | None = None, beta: float = BETA
) -> tuple[dict[str, float], dict[str, float]]:
    """Per category, a threshold (the classifier alone reports the category at or above it) and
    a floor (a text rule's match stands only at or above it), the pair with the best dev F-beta
    of rules-or-classifier. Pairs within TOLERANCE of the best tie: the F-beta curve is flat near
    its top and one dev draft moves it by 0.005 to 0.01. Of tied pairs the lowest floor wins,
    since a rule should keep what it finds unless dev clearly shows the classifier's doubt is
    right, and then the highest threshold, since of two thresholds that dev cannot tell apart the
    higher one cries wolf less (0.01 was tried: on dev it kept the same clean pass rate and lost
    0.011 of macro-F1). BETA below 1 weighs precision above recall: a false alarm on a clean
    draft costs more trust than a miss that a human reviewer may still catch. The threshold grid
    starts at MIN_THRESHOLD: below it the classifier cries wolf on short, unusual drafts however
    well it scores on dev."""
    thresholds, floors = {}, {}
    grid = [round(0.05 * i, 2) for i in range(int(MIN_THRESHOLD * 20), 19)]
    b2 = beta * beta
    for label in LABELS:
        curve: list[tuple[float, float, float]] = []
        for floor in FLOORS if rules is not None else (0.0,):
            for threshold in grid:
                tp = fp = fn = 0
                for i, (example, cats) in enumerate(zip(dev, scores)):
                    if label in example.label.optional:
                        continue
                    gold = label in example.label.expect
                    score = cats.get(label, 0.0)
                    pred = score >= threshold or (
                        rules is not None
                        and (label in rules[i].fixed or label in rules[i].rescued or (label in rules[i].floored and score >= floor))
                    )
                    tp += gold and pred
                    fp += pred and not gold
                    fn += gold and not pred
                curve.append((floor, threshold, (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp) if tp else 0.0))
        best = max(score for _, _, score in curve)
        tied = [(floor, threshold) for floor, threshold, score in curve if score >= best - TOLERANCE]
        floors[label] = min(floor for floor, _ in tied)
        thresholds[label] = max(threshold for floor, threshold in tied if floor == floors[label])
    return thresholds, floors


def models_folder() -> Path:
    """Where to train: the models/ folder of the checkout in the current directory when it holds
    the corpus (an installed package carries the model, not the corpus), else the package's."""
    from postcheck.paths import models_dir

    here = Path.cwd() / "models"
    if (here / "corpus" / "train" / "labels.yaml").is_file():
        return here
    return models_dir()


def main(add: list[str] | None = None) -> int:
    """Add the labelled folders `add` to the corpus (if any), then rebuild the model."""
    from postcheck.paths import models_dir

    models = models_folder()
    corpus = models / "corpus"
    for folder in add or []:
        try:
            counts = add_to_corpus(Path(folder), corpus)
        except PostcheckError as exc:
            print(f"postcheck: {exc}", file=sys.stderr)
            return 2
        print(f"added {folder}: {counts['train']} drafts to train, {counts['dev']} to dev")
    if not (corpus / "train" / "labels.yaml").exists():
        print(f"postcheck: {corpus / 'train'}: no labelled corpus to train on", file=sys.stderr)
        return 2
    try:
        thresholds, floors = train(corpus, models / MODEL_NAME)
    except PostcheckError as exc:
        print(f"postcheck: {exc}", file=sys.stderr)
        return 2
    print(f"saved {models / MODEL_NAME}")
    if models.resolve() != models_dir().resolve():
        print(f"the installed postcheck reads {models_dir() / MODEL_NAME}: reinstall (pip install .) to use the new model")
    for label, value in thresholds.items():
        print(f"  {label:26} threshold {value:.2f}  floor {floors[label]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
