"""The verdict table: rich on a terminal, the same layout as plain text otherwise."""

from __future__ import annotations

import io
from collections import Counter

from rich.console import Console
from rich.table import Table
from rich.text import Text

from postcheck.model import DraftResult, Report

STYLE = {"block": "bold white on red", "review": "bold black on yellow", "pass": "bold white on green", "info": "cyan"}
SEVERITY_STYLE = {"block": "bold red", "review": "yellow", "info": "cyan"}


def _name(result: DraftResult) -> str:
    return f"{result.source} ({result.item})" if result.item else result.source


def _clauses(finding: object) -> str:
    refs = getattr(finding, "clauses")
    return ", ".join(f"{c.policy} {c.clause}" for c in refs) or "no clause in the selected packs"


def _draft_block(console: Console, result: DraftResult) -> None:
    header = Text()
    header.append(f" {result.verdict.upper()} ", style=STYLE[result.verdict])
    header.append(f"  {_name(result)}")
    if result.error is not None:
        header = Text()
        header.append(" ERROR ", style="bold white on magenta")
        header.append(f"  {result.error}")
        console.print(header)
        return
    counts = {s: sum(1 for f in result.findings if f.severity == s) for s in ("block", "review", "info")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    if summary:
        header.append(f"  ({summary})", style="dim")
    if result.suppressed:
        header.append(f"  [{result.suppressed} suppressed]", style="dim")
    console.print(header)
    if not result.findings:
        console.print("  No problems found.\n")
        return
    table = Table(show_header=True, header_style="bold", expand=False, show_lines=True, pad_edge=False)
    table.add_column("severity", no_wrap=True)
    table.add_column("where", no_wrap=True)
    table.add_column("category / rule", overflow="fold")
    table.add_column("what, evidence and clauses", ratio=3, overflow="fold")
    table.add_column("fix", ratio=2, overflow="fold")
    for f in result.findings:
        where = f"{f.line}:{f.column}" if f.line is not None else "-"
        what = Text(f.message)
        if f.evidence:
            what.append("\n")
            what.append(f"“{f.evidence}”", style="italic")
        what.append("\n")
        what.append(_clauses(f), style="dim")
        table.add_row(
            Text(f.severity, style=SEVERITY_STYLE[f.severity]),
            where,
            f"{f.category}\n{f.rule}",
            what,
            f.fix,
        )
    console.print(table)
    console.print()


def render_table(report: Report, color: bool = False, width: int = 100) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
    )
    if not color:
        return render_plain(report)
    for result in report.results:
        _draft_block(console, result)
    if len(report.results) > 1:
        s = report.summary()
        console.print(_summary_line(s, report))
    return buffer.getvalue()


def _summary_line(summary: dict[str, int], report: Report | None = None) -> str:
    parts = [f"{summary['drafts']} drafts: {summary['pass']} pass, {summary['review']} review, {summary['block']} block"]
    if report is not None:
        counts = Counter(f.category for r in report.results for f in r.findings if f.severity != "info")
        if counts:
            top = ", ".join(f"{name} {n}" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5])
            parts.append(f"most frequent: {top}")
    if summary.get("errors"):
        parts.append(f"{summary['errors']} could not be read")
    if summary.get("suppressed"):
        parts.append(f"{summary['suppressed']} findings suppressed")
    return "; ".join(parts)


def render_plain(report: Report) -> str:
    """Plain text for pipes and logs: one header line a draft, one line a finding."""
    lines: list[str] = []
    for result in report.results:
        if result.error is not None:
            lines.append(f"ERROR {result.error}")
            continue
        lines.append(f"{result.verdict.upper()} {_name(result)}" + (f" [{result.suppressed} suppressed]" if result.suppressed else ""))
        for f in result.findings:
            where = f"{f.line}:{f.column}" if f.line is not None else "-"
            lines.append(f"  {where} {f.severity} {f.category} [{f.rule}] {f.message}")
            if f.evidence:
                lines.append(f"      evidence: {f.evidence}")
            lines.append(f"      clauses: {_clauses(f)}")
            lines.append(f"      fix: {f.fix}")
        if not result.findings:
            lines.append("  No problems found.")
    if len(report.results) > 1:
        lines.append(_summary_line(report.summary(), report))
    return "\n".join(lines) + "\n"
