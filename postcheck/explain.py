"""Text for `rules`, `explain` and `policies`: data from rules/ only, no spaCy."""

from __future__ import annotations

from postcheck.errors import PostcheckError
from postcheck.model import CATEGORIES
from postcheck.policy.packs import Pack, load_packs, select
from postcheck.ruleset import categories_doc, rule_summaries


def _packs(policy: tuple[str, ...], pack_dirs: tuple[str, ...]) -> list[Pack]:
    return select(load_packs(pack_dirs), policy)


def _clause_lines(category: str, packs: list[Pack]) -> list[str]:
    lines = []
    for pack in packs:
        for clause in pack.clauses_for(category):
            lines.append(f"  {pack.id} {clause.number} [{clause.severity_for(category)}]: {clause.summary}")
    return lines or ["  (no clause in the selected packs: reported as info only)"]


def list_rules(policy: tuple[str, ...] = (), pack_dirs: tuple[str, ...] = ()) -> str:
    packs = _packs(policy, pack_dirs)
    rules = rule_summaries()
    lines = [f"{'rule':34} {'category':26} clauses"]
    for rule in sorted(rules.values(), key=lambda r: (CATEGORIES.index(r.category), r.id)):
        refs = ", ".join(f"{p.id} {c.number}" for p in packs for c in p.clauses_for(rule.category))
        lines.append(f"{rule.id:34} {rule.category:26} {refs or '-'}")
    covered = {r.category for r in rules.values()}
    later = [c for c in CATEGORIES if c not in covered]
    if later:
        lines.append("")
        lines.append("Categories mapped by the packs but with no rule installed: " + ", ".join(later))
    return "\n".join(lines)


def explain_text(name: str, policy: tuple[str, ...] = (), pack_dirs: tuple[str, ...] = ()) -> str:
    packs = _packs(policy, pack_dirs)
    rules = rule_summaries()
    docs = categories_doc()
    if name in rules:
        rule = rules[name]
        lines = [
            f"{rule.id}  ({rule.category})",
            "",
            f"What it finds: {rule.finds}",
            f"Message: {rule.message}",
            "",
            "Clauses:",
            *_clause_lines(rule.category, packs),
            "",
            f"Fix: {rule.fix}",
            f"Example: {rule.example}",
        ]
        if rule.instead:
            lines.append(f"Instead: {rule.instead}")
        return "\n".join(lines)
    if name in CATEGORIES:
        doc = docs.get(name, {})
        members = sorted(r.id for r in rules.values() if r.category == name)
        lines = [
            f"{name}: {doc.get('title', name)}",
            "",
            f"What it finds: {doc.get('finds', '')}",
            f"Why it matters: {doc.get('why', '')}",
            "",
            "Clauses:",
            *_clause_lines(name, packs),
            "",
            f"Fix: {doc.get('fix', '')}",
            f"Example: {doc.get('example', '')}",
            f"Instead: {doc.get('instead', '')}",
            "",
            "Rules: " + (", ".join(members) if members else "none installed yet"),
        ]
        return "\n".join(lines)
    raise PostcheckError(name, "is neither a rule id nor a category (see `postcheck rules`)")


def list_policies(pack_dirs: tuple[str, ...] = ()) -> str:
    packs = load_packs(pack_dirs)
    lines = [f"{'id':10} {'reference':34} {'version':8} {'clauses':7} organisation"]
    for pack in packs.values():
        lines.append(f"{pack.id:10} {pack.reference[:34]:34} {pack.version[:8]:8} {len(pack.clauses):<7} {pack.organisation}")
    return "\n".join(lines)
