"""Policy packs (`rules/policies/<id>.yml` and user folders): loaded and validated."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postcheck.errors import PostcheckError
from postcheck.model import CATEGORIES, SEVERITY_RANK
from postcheck.paths import rules_dir
from postcheck.yamlload import line_of, load_file

PACK_KEYS = ("id", "title", "organisation", "version", "reference")
CLAUSE_KEYS = ("clause", "summary", "categories", "severity", "fix")
OPTIONAL_PACK = {"source", "clauses"}
OPTIONAL_CLAUSE = {"title", "category_severity"}


@dataclass(frozen=True)
class Clause:
    policy: str
    number: str
    title: str
    summary: str
    categories: tuple[str, ...]
    severity: str
    category_severity: tuple[tuple[str, str], ...]
    fix: str

    def severity_for(self, category: str) -> str:
        return dict(self.category_severity).get(category, self.severity)


@dataclass(frozen=True)
class Pack:
    id: str
    title: str
    organisation: str
    version: str
    reference: str
    clauses: tuple[Clause, ...]
    path: str

    def clauses_for(self, category: str) -> list[Clause]:
        return [c for c in self.clauses if category in c.categories]


def _severity(value: Any, where: str, line: int | None) -> str:
    if not isinstance(value, str) or value not in SEVERITY_RANK:
        raise PostcheckError(where, f"severity must be block, review or info, got {value!r}", line)
    return str(value)


def severity_pairs(mapping: dict[str, Any], where: str, allowed: Any = None) -> list[tuple[str, str]]:
    """(name, severity) pairs of a YAML mapping, each severity checked, with file:line errors.
    `allowed`, when given, is the collection of names the mapping may use."""
    pairs = []
    for name, severity in mapping.items():
        if str(name).startswith("__"):
            continue
        if allowed is not None and name not in allowed:
            raise PostcheckError(where, f"'{name}' is not one of the categories this covers", line_of(mapping, name))
        pairs.append((str(name), _severity(severity, where, line_of(mapping, name))))
    return pairs


def _clause(raw: Any, pack_id: str, where: str, parent_line: int | None) -> Clause:
    if not isinstance(raw, dict):
        raise PostcheckError(where, "each clause must be a mapping", parent_line)
    line = raw.get("__line__")
    for key in raw:
        if not str(key).startswith("__") and key not in CLAUSE_KEYS and key not in OPTIONAL_CLAUSE:
            raise PostcheckError(where, f"unknown clause key '{key}'", line_of(raw, key))
    for key in CLAUSE_KEYS:
        if key not in raw:
            raise PostcheckError(where, f"clause is missing '{key}'", line)
    for key in ("summary", "fix"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise PostcheckError(where, f"clause '{key}' must be text", line_of(raw, key))
    categories = raw["categories"]
    if isinstance(categories, str):
        categories = [categories]
    if not isinstance(categories, list) or not categories:
        raise PostcheckError(where, "clause 'categories' must be a non-empty list", line_of(raw, "categories"))
    for category in categories:
        if category not in CATEGORIES:
            raise PostcheckError(where, f"unknown category '{category}'", line_of(raw, "categories"))
    overrides = raw.get("category_severity") or {}
    if not isinstance(overrides, dict):
        raise PostcheckError(where, "'category_severity' must map categories to severities", line_of(raw, "category_severity"))
    pairs = severity_pairs(overrides, where, categories)
    return Clause(
        policy=pack_id,
        number=str(raw["clause"]),
        title=str(raw.get("title", "")),
        summary=raw["summary"].strip(),
        categories=tuple(categories),
        severity=_severity(raw["severity"], where, line_of(raw, "severity")),
        category_severity=tuple(pairs),
        fix=raw["fix"].strip(),
    )


def load_pack(path: Path) -> Pack:
    where = str(path)
    data = load_file(path, with_lines=True)
    if not isinstance(data, dict):
        raise PostcheckError(where, "a policy pack must be a mapping", 1)
    for key in data:
        if not str(key).startswith("__") and key not in PACK_KEYS and key not in OPTIONAL_PACK:
            raise PostcheckError(where, f"unknown key '{key}'", line_of(data, key))
    for key in PACK_KEYS:
        if key not in data or data[key] is None or not str(data[key]).strip():
            raise PostcheckError(where, f"pack is missing '{key}'", line_of(data, key))
    if str(data["id"]) != path.stem:
        raise PostcheckError(where, f"pack id '{data['id']}' must match the file name '{path.stem}'", line_of(data, "id"))
    raw_clauses = data.get("clauses")
    if not isinstance(raw_clauses, list) or not raw_clauses:
        raise PostcheckError(where, "'clauses' must be a non-empty list", line_of(data, "clauses"))
    clauses = tuple(_clause(c, str(data["id"]), where, line_of(data, "clauses")) for c in raw_clauses)
    return Pack(
        id=str(data["id"]),
        title=str(data["title"]),
        organisation=str(data["organisation"]),
        version=str(data["version"]),
        reference=str(data["reference"]),
        clauses=clauses,
        path=where,
    )


def load_packs(extra_dirs: tuple[str, ...] = ()) -> dict[str, Pack]:
    """Every installed pack, then those of extra folders (a later pack overrides an id)."""
    folders = [rules_dir() / "policies"] + [Path(d) for d in extra_dirs]
    packs: dict[str, Pack] = {}
    for folder in folders:
        if not folder.is_dir():
            raise PostcheckError(str(folder), "policy pack folder does not exist" if not folder.exists() else "is not a folder of policy packs")
        for path in sorted(list(folder.glob("*.yml")) + list(folder.glob("*.yaml"))):
            pack = load_pack(path)
            packs[pack.id] = pack
    return packs


def select(packs: dict[str, Pack], wanted: tuple[str, ...]) -> list[Pack]:
    if not wanted:
        return list(packs.values())
    unknown = [p for p in wanted if p not in packs]
    if unknown:
        raise PostcheckError("--policy", f"unknown policy pack '{unknown[0]}' (installed: {', '.join(packs)})")
    return [packs[p] for p in dict.fromkeys(wanted)]
