"""The check run: read drafts, one pipeline over all of them, decide, build the Report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from postcheck import __version__
from postcheck.errors import PostcheckError
from postcheck.model import Draft, DraftResult, Report
from postcheck.policy.config import Config, known_names
from postcheck.policy.decide import Decider
from postcheck.policy.packs import load_packs, select
from postcheck.readers import expand, read_items
from postcheck.readers.limits import MAX_BYTES
from postcheck.ruleset import load_rules


@dataclass(frozen=True)
class Options:
    policies: tuple[str, ...] = ()
    show_evidence: bool = False
    text_column: str | None = None
    pack_dirs: tuple[str, ...] = ()
    no_ignore: bool = False
    jobs: int = 1
    max_bytes: int = MAX_BYTES


def _error(source: str, exc: PostcheckError, show_evidence: bool) -> DraftResult:
    return DraftResult(source, exc.item, "pass", (), error=exc.render(show_evidence))


def read_all(
    paths: list[str], text_column: str | None, max_bytes: int = MAX_BYTES, show_evidence: bool = False
) -> list[Draft | DraftResult]:
    """Drafts from every input, in order. What cannot be read (a file, or a row or record of a
    batch file) becomes an error result in its place, and the rest go on."""
    items: list[Draft | DraftResult] = []
    for name in paths:
        try:
            for path in expand([name]):
                try:
                    for item in read_items(path, text_column, max_bytes):
                        items.append(_error(path, item, show_evidence) if isinstance(item, PostcheckError) else item)
                except PostcheckError as exc:
                    items.append(_error(path, exc, show_evidence))
        except PostcheckError as exc:
            items.append(_error(name, exc, show_evidence))
    return items


def make_decider(config: Config, options: Options) -> tuple[Decider, tuple[str, ...]]:
    packs = load_packs(tuple(config.packs) + options.pack_dirs)
    chosen = select(packs, options.policies or config.policies)
    known = known_names()
    for name in list(config.disable) + [k for k, _ in config.severity]:
        if name not in known:
            raise PostcheckError(config.path or "configuration", f"'{name}' is neither a category nor a rule id")
    return Decider(chosen, load_rules(), config, options.show_evidence, options.no_ignore), tuple(p.id for p in chosen)


def run(paths: list[str], config: Config, options: Options, progress: Callable[[int, int], Any] | None = None) -> Report:
    """Check every draft under `paths`. `progress(done, total)` hears how far the batch is."""
    decider, policy_ids = make_decider(config, options)
    items = read_all(paths, options.text_column, options.max_bytes, options.show_evidence)
    drafts = [item for item in items if isinstance(item, Draft)]
    results: list[DraftResult] = []
    if drafts:
        from postcheck.detectors.filing import prefetch

        prefetch()  # the semantic rules are filed on the other CPU while spaCy loads
        from postcheck.nlp.pipeline import build, detect_many

        nlp = build(config.detector_config(), disabled=config.disable)
        done = 0

        def advance(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, len(drafts))

        for draft, hits in zip(drafts, detect_many(nlp, drafts, options.jobs, progress=advance)):
            results.append(decider.decide(draft, hits))
    decided = iter(results)
    ordered = tuple(next(decided) if isinstance(item, Draft) else item for item in items)
    return Report(__version__, policy_ids, ordered, options.show_evidence)
