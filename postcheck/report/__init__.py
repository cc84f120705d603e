"""Renderers: pure functions `Report -> str`. To add a format, add it to Format and RENDERERS."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from postcheck.model import Report


class Format(str, Enum):
    table = "table"
    json = "json"
    sarif = "sarif"
    csv = "csv"


def render(report: Report, fmt: Format, color: bool = False, width: int = 100) -> str:
    """Render in one of the formats; matched exhaustively so a new Format must be wired here."""
    if fmt is Format.table:
        from postcheck.report.table import render_table

        return render_table(report, color=color, width=width)
    if fmt is Format.json:
        from postcheck.report.json_report import render_json

        return render_json(report)
    if fmt is Format.sarif:
        from postcheck.report.sarif import render_sarif

        return render_sarif(report)
    if fmt is Format.csv:
        from postcheck.report.csv_report import render_csv

        return render_csv(report)
    raise AssertionError(f"unhandled format {fmt}")


Renderer = Callable[[Report], str]
