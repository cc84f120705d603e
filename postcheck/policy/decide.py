"""Hits -> findings: clauses of the selected packs, severity, fix, masked evidence, verdict."""

from __future__ import annotations

from postcheck.model import SEVERITY_RANK, ClauseRef, Draft, DraftResult, Finding, Hit, verdict_of
from postcheck.policy import suppress
from postcheck.policy.config import Config
from postcheck.policy.mask import clip, mask, mask_passage
from postcheck.policy.packs import Pack
from postcheck.ruleset import Rule

_BY_RANK = {rank: name for name, rank in SEVERITY_RANK.items()}


class Decider:
    """Holds what does not change between drafts: packs, rules and configuration."""

    def __init__(
        self, packs: list[Pack], rules: dict[str, Rule], config: Config, show_evidence: bool = False, no_ignore: bool = False
    ) -> None:
        self.no_ignore = no_ignore
        self.rule_categories = {rule_id: rule.category for rule_id, rule in rules.items()}
        self.packs = packs
        self.rules = rules
        self.config = config
        self.show_evidence = show_evidence
        self.disabled = set(config.disable)
        self.overrides = dict(config.severity)

    def severity(self, hit: Hit, clauses: list[tuple[Pack, object]]) -> str | None:
        rule = self.rules[hit.rule]
        ranks = [SEVERITY_RANK[clause.severity_for(hit.category)] for _, clause in clauses]  # type: ignore[attr-defined]
        if not ranks:
            if rule.requires_clause:
                return None
            ranks = [SEVERITY_RANK["info"]]
        rank = max(ranks)
        override = self.overrides.get(hit.rule) or self.overrides.get(hit.category)
        if override:
            rank = SEVERITY_RANK[override]
        if hit.cap:
            rank = min(rank, SEVERITY_RANK[hit.cap])
        return _BY_RANK[rank]

    def finding(self, draft: Draft, hit: Hit) -> Finding | None:
        if hit.rule in self.disabled or hit.category in self.disabled:
            return None
        rule = self.rules[hit.rule]
        clauses = [(pack, clause) for pack in self.packs for clause in pack.clauses_for(hit.category)]
        severity = self.severity(hit, clauses)
        if severity is None:
            return None
        line = column = None
        evidence = ""
        if hit.start is not None and hit.end is not None:
            line, column = draft.position(hit.start)
            raw = draft.text[hit.start : hit.end]
            evidence = clip(raw) if self.show_evidence else mask(raw, hit.category)
        return Finding(
            rule=hit.rule,
            category=hit.category,
            severity=severity,  # type: ignore[arg-type]
            line=line,
            column=column,
            start=None if hit.start is None else hit.start + draft.offset,
            end=None if hit.end is None else hit.end + draft.offset,
            evidence=evidence,
            message=rule.message,
            clauses=tuple(ClauseRef(c.policy, c.number, c.summary) for _, c in clauses),
            fix=rule.fix,
            confidence=hit.confidence,
            why=hit.why,
        )

    def decide(self, draft: Draft, hits: list[Hit]) -> DraftResult:
        findings: list[Finding] = []
        seen: set[tuple[str, int | None, int | None]] = set()
        suppressions = [] if self.no_ignore else suppress.parse(draft)
        suppressed = 0
        for hit in hits:
            key = (hit.rule, hit.start, hit.end)
            if key in seen:
                continue
            seen.add(key)
            finding = self.finding(draft, hit)
            if finding is None:
                continue
            covering = [(s, s.covers(hit.rule, hit.category, hit.start)) for s in suppressions]
            covering = [(s, name) for s, name in covering if name]
            if covering:
                for s, name in covering:
                    s.used.add(name)
                suppressed += 1
                continue
            findings.append(finding)
        for s in suppressions:
            findings += self._unused(draft, s)
        findings.sort(key=lambda f: (f.start if f.start is not None else -1, -SEVERITY_RANK[f.severity], f.rule))
        return DraftResult(draft.source, draft.item, verdict_of(findings), tuple(findings), suppressed=suppressed)

    def _unused(self, draft: Draft, s: suppress.Suppression) -> list[Finding]:
        """Info findings for a suppression that is unreadable, names the unknown, or matched nothing."""
        problems: list[tuple[str, str]] = []
        if s.problem:
            problems.append((s.problem, suppress.CATEGORIES[0]))
        for name in s.names:
            quoted = clip(name if self.show_evidence else mask_passage(name))  # written in the draft
            if name not in self.rule_categories and name not in suppress.CATEGORIES:
                problems.append((f"'{quoted}' is neither a rule id nor a category", suppress.closest_category(name, self.rule_categories)))
            elif name not in s.used:
                problems.append((f"'{quoted}' matched no finding", suppress.closest_category(name, self.rule_categories)))
        rule = self.rules[suppress.UNUSED_RULE]
        out = []
        for why, category in problems:
            line = column = None
            if s.start is not None:
                line, column = draft.position(s.start)
            where = "postcheck_ignore" if s.start is None else "suppression"
            out.append(
                Finding(
                    rule=rule.id,
                    category=category,
                    severity="info",
                    line=line,
                    column=column,
                    start=None if s.start is None else s.start + draft.offset,
                    end=None if s.end is None else s.end + draft.offset,
                    evidence="",
                    message=f"Unused {where}: {why}.",
                    clauses=(),
                    fix=rule.fix,
                    confidence=1.0,
                    why=why,
                )
            )
        return out
