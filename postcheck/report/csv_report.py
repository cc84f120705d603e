"""One row per finding, for spreadsheets; drafts with no finding get one row with their verdict."""

from __future__ import annotations

import csv
import io

from postcheck.model import Report

COLUMNS = (
    "source", "item", "verdict", "severity", "category", "rule", "line", "column",
    "evidence", "message", "clauses", "fix",
)


def render_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for result in report.results:
        base = [result.source, result.item or "", result.verdict if result.error is None else "error"]
        if not result.findings:
            writer.writerow(base + ["", "", "", "", "", "", result.error or "", "", ""])
        for f in result.findings:
            writer.writerow(base + [
                f.severity, f.category, f.rule,
                "" if f.line is None else f.line, "" if f.column is None else f.column,
                f.evidence, f.message,
                "; ".join(f"{c.policy} {c.clause}" for c in f.clauses), f.fix,
            ])
    return buffer.getvalue()
