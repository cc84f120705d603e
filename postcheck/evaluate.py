"""Scoring against a labelled folder (the label format: drafts plus labels.yaml).

A category is predicted for a draft when any finding of it has severity review or block;
`optional` categories count for neither side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postcheck.errors import PostcheckError
from postcheck.model import CATEGORIES, SEVERITY_RANK, DraftResult
from postcheck.yamlload import load_file, strip_lines


@dataclass(frozen=True)
class Label:
    expect: frozenset[str]
    optional: frozenset[str]
    note: str = ""


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    scores: dict[str, Score] = field(default_factory=dict)
    clean_total: int = 0
    clean_passed: int = 0
    violating_total: int = 0
    caught: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (file, category, fp/fn)

    @property
    def clean_pass_rate(self) -> float:
        return self.clean_passed / self.clean_total if self.clean_total else 1.0

    @property
    def catch_rate(self) -> float:
        return self.caught / self.violating_total if self.violating_total else 1.0

    def macro_f1(self, categories: tuple[str, ...] | None = None) -> float:
        names = [c for c in (categories or tuple(self.scores)) if self.scores.get(c) and (self.scores[c].tp + self.scores[c].fn) > 0]
        return sum(self.scores[c].f1 for c in names) / len(names) if names else 0.0

    def table(self, categories: tuple[str, ...] | None = None) -> str:
        names = [c for c in CATEGORIES if c in self.scores and (categories is None or c in categories)]
        lines = [f"{'category':26} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>6} {'recall':>6} {'F1':>6}"]
        for name in names:
            s = self.scores[name]
            lines.append(f"{name:26} {s.tp:4} {s.fp:4} {s.fn:4} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}")
        lines.append(f"macro-F1 (categories with positives): {self.macro_f1(tuple(names)):.3f}")
        lines.append(f"clean pass rate: {self.clean_pass_rate:.3f} ({self.clean_passed}/{self.clean_total})")
        lines.append(f"catch rate: {self.catch_rate:.3f} ({self.caught}/{self.violating_total})")
        return "\n".join(lines)


def _categories(entry: dict[str, Any], key: str, name: str, path: Path) -> frozenset[str]:
    value = entry.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PostcheckError(str(path), f"entry '{name}': '{key}' must be a list of categories")
    return frozenset(value)


def load_labels(path: Path) -> dict[str, Label]:
    return parse_labels(read_labels(path), path)


def read_labels(path: Path) -> Any:
    """The labels file as parsed, unchecked (parse_labels checks it)."""
    return strip_lines(load_file(path, with_lines=True))


def parse_labels(data: Any, path: Path) -> dict[str, Label]:
    """Check parsed labels against the label format, naming `path` in any error."""
    if not isinstance(data, dict):
        raise PostcheckError(str(path), "labels must map file names to {expect, optional, note}")
    labels = {}
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise PostcheckError(str(path), f"entry '{name}' must be a mapping")
        expect = _categories(entry, "expect", name, path)
        optional = _categories(entry, "optional", name, path)
        for category in expect | optional:
            if category not in CATEGORIES:
                raise PostcheckError(str(path), f"entry '{name}': unknown category '{category}'")
        labels[str(name)] = Label(expect, optional, str(entry.get("note", "")))
    return labels


def predicted(result: DraftResult) -> set[str]:
    return {f.category for f in result.findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK["review"]}


def evaluate(labels: dict[str, Label], results: dict[str, DraftResult], categories: tuple[str, ...] | None = None) -> Evaluation:
    """Score results (keyed by file name) against labels, on `categories` (default all)."""
    scope = set(categories or CATEGORIES)
    ev = Evaluation(scores={c: Score() for c in (categories or CATEGORIES)})
    for name, label in labels.items():
        result = results.get(name)
        if result is None:
            raise PostcheckError(name, "labelled but no result (missing file?)")
        got = predicted(result) & scope
        expect = set(label.expect) & scope
        optional = set(label.optional)
        for category in scope:
            if category in optional:
                continue
            s = ev.scores[category]
            if category in expect and category in got:
                s.tp += 1
            elif category in expect:
                s.fn += 1
                ev.misses.append((name, category, "fn"))
            elif category in got:
                s.fp += 1
                ev.misses.append((name, category, "fp"))
        if not label.expect:
            ev.clean_total += 1
            if not (got - optional):
                ev.clean_passed += 1
        elif expect:
            ev.violating_total += 1
            if expect & got:
                ev.caught += 1
    return ev


def run_folder(
    folder: Path, categories: tuple[str, ...] | None = None, config: Any = None, labels_path: Path | None = None
) -> Evaluation:
    """Check every labelled draft of `folder` with one pipeline and score it."""
    from postcheck.check import Options, run
    from postcheck.policy.config import Config

    labels = load_labels(labels_path or folder / "labels.yaml")
    paths = [str(folder / name) for name in labels]
    report = run(paths, config or Config(), Options())
    results = {Path(r.source).name: r for r in report.results}
    for result in report.results:
        if result.error:
            raise PostcheckError("", result.error)  # the error names its file already
    return evaluate(labels, results, categories)
