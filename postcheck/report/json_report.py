"""The JSON report of CONTRACT section 4."""

from __future__ import annotations

import json
from typing import Any

from postcheck.model import DraftResult, Finding, Report


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "category": finding.category,
        "severity": finding.severity,
        "line": finding.line,
        "column": finding.column,
        "start": finding.start,
        "end": finding.end,
        "evidence": finding.evidence,
        "message": finding.message,
        "clauses": [{"policy": c.policy, "clause": c.clause, "summary": c.summary} for c in finding.clauses],
        "fix": finding.fix,
        "confidence": finding.confidence,
    }


def result_dict(result: DraftResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source": result.source,
        "item": result.item,
        "verdict": result.verdict,
        "findings": [finding_dict(f) for f in result.findings],
    }
    if result.suppressed:
        data["suppressed"] = result.suppressed
    if result.error is not None:
        data["error"] = result.error
    return data


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "postcheck": report.version,
        "policies": list(report.policies),
        "results": [result_dict(r) for r in report.results],
        "summary": report.summary(),
    }


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
