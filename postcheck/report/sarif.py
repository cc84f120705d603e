"""SARIF 2.1.0 for code scanning: block is error, review is warning, info is note."""

from __future__ import annotations

import json
from typing import Any

from postcheck.model import Report

LEVEL = {"block": "error", "review": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule(rule_id: str, report: Report) -> dict[str, Any]:
    from postcheck.ruleset import load_rules

    rules = load_rules()
    rule = rules.get(rule_id)
    clauses = {}
    for result in report.results:
        for f in result.findings:
            if f.rule == rule_id:
                for c in f.clauses:
                    clauses[(c.policy, c.clause)] = c.summary
    clause_text = "\n".join(f"- {p} {n}: {s}" for (p, n), s in clauses.items())
    message = rule.message if rule else rule_id
    finds = rule.finds if rule else rule_id
    fix = rule.fix if rule else ""
    return {
        "id": rule_id,
        "name": "".join(part.title() for part in rule_id.replace(".", "-").split("-")),
        "shortDescription": {"text": message},
        "fullDescription": {"text": finds},
        "help": {
            "text": f"{finds}\n\nFix: {fix}\n\nClauses:\n{clause_text}",
            "markdown": f"{finds}\n\n**Fix:** {fix}\n\n**Clauses:**\n{clause_text}",
        },
        "properties": {"category": rules[rule_id].category if rule else ""},
    }


def _invocation(report: Report) -> dict[str, Any]:
    """Drafts that could not be read, as notifications: code scanning shows them too."""
    notes = [
        {
            "level": "error",
            "message": {"text": r.error},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": r.source}}}],
        }
        for r in report.results
        if r.error is not None
    ]
    return {"executionSuccessful": not notes, "toolExecutionNotifications": notes}


def render_sarif(report: Report) -> str:
    rule_ids = sorted({f.rule for r in report.results for f in r.findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    results = []
    for r in report.results:
        for f in r.findings:
            region: dict[str, Any] = {}
            if f.line is not None:
                region = {"startLine": f.line, "startColumn": f.column}
            location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": r.source}}}
            if region:
                location["physicalLocation"]["region"] = region
            text = f.message + (f" Evidence: {f.evidence}" if f.evidence else "") + f" Fix: {f.fix}"
            entry: dict[str, Any] = {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": LEVEL[f.severity],
                "message": {"text": text},
                "locations": [location],
                "properties": {"category": f.category, "severity": f.severity},
            }
            if r.item:
                entry["properties"]["item"] = r.item
            results.append(entry)
    sarif = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "postcheck",
                        "version": report.version,
                        "informationUri": "https://www.nhs.uk/",
                        "rules": [_rule(rule_id, report) for rule_id in rule_ids],
                    }
                },
                "results": results,
                "invocations": [_invocation(report)],
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
