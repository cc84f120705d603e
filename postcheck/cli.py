"""The command line. Thin: parses options, calls check.run, renders, owns stdout and exit codes.

spaCy is imported only by `check` (through postcheck.nlp), so --help, rules, explain and
policies start fast.
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional

import typer

from postcheck import __version__
from postcheck.errors import PostcheckError
from postcheck.model import SEVERITY_RANK
from postcheck.readers.limits import MAX_BYTES, MAX_DRAFT_CHARS
from postcheck.report import Format

app = typer.Typer(
    name="postcheck",
    help=(
        "Check a social media draft against NHS social media policies before you post it.\n\n"
        "postcheck DRAFT... is the same as postcheck check DRAFT...; run postcheck check --help "
        "for the options. Exit codes: 0 pass, 1 a finding at or above --fail-on, 2 usage or "
        "input error."
    ),
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

COMMANDS = ("check", "rules", "explain", "policies", "eval", "train")


def _fail(exc: PostcheckError) -> None:
    typer.echo(f"postcheck: {exc}", err=True)
    raise typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"postcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Check a social media draft against NHS social media policies before you post it."""


@app.command()
def check(
    drafts: List[str] = typer.Argument(..., metavar="DRAFT|DIR|-...", help="Draft files (.txt .md .markdown .csv .json .jsonl), folders to walk, or - for standard input."),
    policy: List[str] = typer.Option([], "--policy", "-p", metavar="ID", help="Policy pack id to apply (repeatable). Default: the configuration's, else every installed pack."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format: table (plain text when not a terminal), json, sarif or csv."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", metavar="SEVERITY", help="Exit 1 when a finding is at or above this severity: block, review (default) or info."),
    show_evidence: bool = typer.Option(False, "--show-evidence", help="Show the matched text unmasked. Off by default: identifiers are masked in every output."),
    config: Optional[str] = typer.Option(None, "--config", "-c", metavar="FILE", help="Configuration file (default: .postcheck.yaml found upwards, or [tool.postcheck] in pyproject.toml)."),
    text_column: Optional[str] = typer.Option(None, "--text-column", metavar="NAME", help="CSV column (or JSON key) holding the draft text. Default: text, message, post or content."),
    packs: List[str] = typer.Option([], "--packs", metavar="DIR", help="Extra folder of policy packs (repeatable)."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, metavar="N", help="Check drafts in N processes (they share one loaded pipeline). 0, the default, uses one per CPU for batches of 64 drafts or more; 1 never forks."),
    no_ignore: bool = typer.Option(False, "--no-ignore", help="Disregard every suppression (ignore comments and postcheck_ignore), for audits."),
    max_bytes: int = typer.Option(MAX_BYTES, "--max-bytes", min=1, metavar="N", help=f"Refuse a file (or standard input) over N bytes, unread. A single draft may have up to {MAX_DRAFT_CHARS:,} characters."),
) -> None:
    """Check drafts and print a verdict per draft."""
    from postcheck.check import Options, run
    from postcheck.policy.config import load_config
    from postcheck.report import render

    if fail_on is not None and fail_on not in SEVERITY_RANK:
        _fail(PostcheckError("--fail-on", f"must be block, review or info, got '{fail_on}'"))
    try:
        cfg = load_config(config)
        with _progress_bar() as progress:
            report = run(drafts, cfg, Options(tuple(policy), show_evidence, text_column, tuple(packs), no_ignore, jobs, max_bytes), progress)
    except PostcheckError as exc:
        _fail(exc)
        return
    threshold = SEVERITY_RANK[fail_on or cfg.fail_on or "review"]
    color = fmt is Format.table and sys.stdout.isatty()
    width = typer.get_terminal_size()[0] if color else 100
    for result in report.results:
        if result.error is not None:
            typer.echo(f"postcheck: {result.error}", err=True)
    typer.echo(render(report, fmt, color=color, width=width), nl=False)
    if any(r.error is not None for r in report.results):
        raise typer.Exit(2)
    failing = any(SEVERITY_RANK[f.severity] >= threshold for r in report.results for f in r.findings)
    raise typer.Exit(1 if failing else 0)


PROGRESS_FROM = 50  # drafts; fewer finish before a bar would help


class _progress_bar:
    """A rich progress bar on standard error, shown only on a terminal and for big batches."""

    def __enter__(self):
        self.bar = None
        return self.update if sys.stderr.isatty() else None

    def update(self, done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        if self.bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("checking", total=total)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command()
def rules(
    policy: List[str] = typer.Option([], "--policy", "-p", metavar="ID", help="Show clauses of these packs only."),
    packs: List[str] = typer.Option([], "--packs", metavar="DIR", help="Extra folder of policy packs."),
) -> None:
    """List the rules, their categories and the clauses they map to."""
    from postcheck.explain import list_rules

    try:
        typer.echo(list_rules(tuple(policy), tuple(packs)))
    except PostcheckError as exc:
        _fail(exc)


@app.command()
def explain(
    name: str = typer.Argument(..., metavar="RULE_OR_CATEGORY", help="A rule id (identifiers.nhs-number) or a category (patient-identifier)."),
    policy: List[str] = typer.Option([], "--policy", "-p", metavar="ID", help="Show clauses of these packs only."),
    packs: List[str] = typer.Option([], "--packs", metavar="DIR", help="Extra folder of policy packs."),
) -> None:
    """What a rule or category finds, the clauses behind it, how to fix it, an example."""
    from postcheck.explain import explain_text

    try:
        typer.echo(explain_text(name, tuple(policy), tuple(packs)))
    except PostcheckError as exc:
        _fail(exc)


@app.command()
def policies(
    packs: List[str] = typer.Option([], "--packs", metavar="DIR", help="Extra folder of policy packs."),
) -> None:
    """List the installed policy packs."""
    from postcheck.explain import list_policies

    try:
        typer.echo(list_policies(tuple(packs)))
    except PostcheckError as exc:
        _fail(exc)


@app.command("eval")
def evaluate(
    labels: str = typer.Argument(..., metavar="LABELS.yaml", help="Labels in the corpus format: file name -> expect, optional, note."),
    folder: str = typer.Argument(..., metavar="DIR", help="Folder holding the labelled drafts."),
    misses: bool = typer.Option(False, "--misses", help="Also list each false positive and false negative by file name."),
) -> None:
    """Score the checker on a labelled folder: per category TP, FP, FN, precision, recall, F1,
    then macro-F1, the clean pass rate and the catch rate. A category counts as predicted when
    a finding of it has severity review or block; optional categories count for neither side."""
    from pathlib import Path

    from postcheck.evaluate import run_folder

    try:
        result = run_folder(Path(folder), labels_path=Path(labels))
    except PostcheckError as exc:
        _fail(exc)
        return
    typer.echo(result.table())
    if misses:
        for name, category, kind in sorted(result.misses):
            typer.echo(f"{kind} {category:26} {name}")


@app.command()
def train(
    add: List[str] = typer.Option(
        [],
        "--add",
        metavar="DIR",
        help="First copy this folder's labelled drafts (drafts plus labels.yaml) into the corpus, each to train or dev by a hash of its name; the folder is left as it was. Repeatable.",
    ),
) -> None:
    """Rebuild the classifier in models/textcat from models/corpus/train: two models from fixed
    seeds, their scores averaged (44 minutes on two cores). Each category's threshold and
    floor are chosen on models/corpus/dev. Run it from a checkout."""
    from postcheck.train import main as train_main

    raise typer.Exit(train_main(add))


def main() -> None:
    """Entry point: a first argument that is not a command or option means `check`."""
    args = sys.argv[1:]
    if args and args[0] not in COMMANDS and args[0] not in ("--help", "-h", "--version"):
        args = ["check", *args]
    app(args=args, prog_name="postcheck")


def entry() -> None:
    """The `postcheck` command: main(), then, when a check loaded spaCy, an immediate exit once
    the output is flushed. Freeing the pipeline's objects one by one at interpreter shutdown
    took 0.3 s of every cold check, and nothing is left to do by then (no file is open for
    writing, a --jobs pool has already been closed)."""
    try:
        main()
        code: int | str | None = 0
    except SystemExit as exc:
        code = exc.code
    if "spacy" not in sys.modules:
        raise SystemExit(code)
    if not isinstance(code, int):  # None means 0; a message means 1, as SystemExit does
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: let the normal shutdown report it
        raise SystemExit(code) from None
    os._exit(code)


if __name__ == "__main__":
    entry()
