"""Frozen, typed records that flow between the layers: Draft -> Hit -> Finding -> Report."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["block", "review", "info"]
Verdict = Literal["block", "review", "pass"]

SEVERITY_RANK: dict[str, int] = {"info": 1, "review": 2, "block": 3}

CATEGORIES: tuple[str, ...] = (
    "patient-identifier",
    "patient-information",
    "contact-details",
    "account-security",
    "brand-misuse",
    "speaking-for-organisation",
    "media-response",
    "complaint-response",
    "medical-advice",
    "endorsement",
    "whistleblowing",
    "disrepute",
    "offensive-conduct",
    "confidential-information",
    "patient-relationship",
    "inflammatory-topic",
    "safeguarding",
    "photo-consent",
    "missing-disclaimer",
    "crisis-information",
    "working-hours",
)


@dataclass(frozen=True)
class Draft:
    """Text to check, with its metadata and where it came from.

    `offset` is where `text` starts inside the original file (after front matter), and
    `line_starts` indexes the original file, so positions map back to what the user wrote.
    """

    text: str
    meta: dict[str, Any]
    source: str
    item: str | None = None
    offset: int = 0
    line_starts: tuple[int, ...] = (0,)
    suppressions: tuple[str, ...] = ()

    def position(self, start: int) -> tuple[int, int]:
        """1-based line and column in the original file of offset `start` in `text`."""
        absolute = start + self.offset
        index = bisect.bisect_right(self.line_starts, absolute) - 1
        return index + 1, absolute - self.line_starts[index] + 1


def line_starts_of(text: str) -> tuple[int, ...]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return tuple(starts)


@dataclass(frozen=True)
class Hit:
    """Evidence from a detector: no severity, no policy, only what was found and why."""

    rule: str
    category: str
    start: int | None
    end: int | None
    confidence: float
    why: str
    cap: str | None = None  # the highest severity this evidence can support

    def to_plain(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "confidence": self.confidence,
            "why": self.why,
            "cap": self.cap,
        }

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> Hit:
        return cls(**data)


@dataclass(frozen=True)
class ClauseRef:
    policy: str
    clause: str
    summary: str


@dataclass(frozen=True)
class Finding:
    rule: str
    category: str
    severity: Severity
    line: int | None
    column: int | None
    start: int | None
    end: int | None
    evidence: str
    message: str
    clauses: tuple[ClauseRef, ...]
    fix: str
    confidence: float = 1.0
    why: str = ""


@dataclass(frozen=True)
class DraftResult:
    source: str
    item: str | None
    verdict: Verdict
    findings: tuple[Finding, ...]
    suppressed: int = 0
    error: str | None = None


@dataclass(frozen=True)
class Report:
    version: str
    policies: tuple[str, ...]
    results: tuple[DraftResult, ...]
    show_evidence: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> dict[str, int]:
        counts = {"drafts": len(self.results), "pass": 0, "review": 0, "block": 0}
        for result in self.results:
            if result.error is None:
                counts[result.verdict] += 1
        errors = sum(1 for r in self.results if r.error is not None)
        if errors:
            counts["errors"] = errors
        suppressed = sum(r.suppressed for r in self.results)
        if suppressed:
            counts["suppressed"] = suppressed
        return counts


def verdict_of(findings: tuple[Finding, ...] | list[Finding]) -> Verdict:
    worst = max((SEVERITY_RANK[f.severity] for f in findings), default=0)
    if worst == 3:
        return "block"
    if worst == 2:
        return "review"
    return "pass"
