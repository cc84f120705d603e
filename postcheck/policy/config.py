"""Configuration: `.postcheck.yaml` (searched upwards), `[tool.postcheck]` or `--config FILE`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postcheck.errors import PostcheckError
from postcheck.model import CATEGORIES, SEVERITY_RANK
from postcheck.policy.packs import severity_pairs
from postcheck.safe_regex import compile_pattern
from postcheck.yamlload import line_of, load_file, strip_lines

KEYS = {
    "policies", "fail_on", "organisation", "working_hours", "hospital_number_patterns",
    "disable", "severity", "packs",
}
ORG_KEYS = {"name", "aliases", "official_contacts", "official_accounts"}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PATTERN_WIDTH = 64  # the longest text a hospital number pattern may match


@dataclass(frozen=True)
class Config:
    path: str | None = None
    policies: tuple[str, ...] = ()
    fail_on: str | None = None
    organisation: dict[str, Any] = field(default_factory=dict)
    working_hours: dict[str, Any] = field(default_factory=dict)
    hospital_number_patterns: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    packs: tuple[str, ...] = ()

    def detector_config(self) -> dict[str, Any]:
        return {
            "official_contacts": list(self.organisation.get("official_contacts", [])),
            "hospital_number_patterns": list(self.hospital_number_patterns),
            "official_accounts": list(self.organisation.get("official_accounts", [])),
            "working_hours": {k: v for k, v in self.working_hours.items() if not str(k).startswith("__")},
        }


def _strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise PostcheckError(where, f"'{key}' must be a list of text", line_of(data, key))
    return tuple(str(v) for v in value)


def known_names() -> set[str]:
    """What `disable` and `severity` may name: categories and rule ids."""
    from postcheck.ruleset import load_rules

    return set(CATEGORIES) | set(load_rules())


def _unknown_keys(mapping: dict[Any, Any], allowed: set[str], where: str, what: str) -> None:
    for key in mapping:
        if not str(key).startswith("__") and key not in allowed:
            raise PostcheckError(where, f"unknown {what} '{key}' (known: {', '.join(sorted(allowed))})", line_of(mapping, key))


def _hours(data: dict[str, Any], where: str) -> dict[str, Any]:
    hours = data.get("working_hours") or {}
    if not isinstance(hours, dict):
        raise PostcheckError(where, "'working_hours' must be a mapping", line_of(data, "working_hours"))
    days = hours.get("days") or []
    if not isinstance(days, list):
        raise PostcheckError(where, "working_hours 'days' must be a list such as [mon, tue]", line_of(hours, "days"))
    for day in days:
        if str(day).lower() not in DAYS:
            raise PostcheckError(where, f"unknown day '{day}' in working_hours", line_of(hours, "days"))
    for key in ("start", "end"):
        if isinstance(hours.get(key), int) and not isinstance(hours.get(key), bool):
            hours[key] = f"{hours[key] // 60:02d}:{hours[key] % 60:02d}"  # YAML 1.1 reads 17:00 as 1020
        clock = re.fullmatch(r"(\d{1,2}):(\d{2})", str(hours[key])) if key in hours else None
        if key in hours and not (clock and int(clock[1]) < 24 and int(clock[2]) < 60):
            raise PostcheckError(where, f"working_hours '{key}' must be HH:MM", line_of(hours, key))
    return hours


def parse_config(data: Any, where: str) -> Config:
    if data is None:
        return Config(path=where)
    if not isinstance(data, dict):
        raise PostcheckError(where, "configuration must be a mapping", 1)
    _unknown_keys(data, KEYS, where, "key")
    fail_on = data.get("fail_on")
    if fail_on is not None and not (isinstance(fail_on, str) and fail_on in SEVERITY_RANK):
        raise PostcheckError(where, "'fail_on' must be block, review or info", line_of(data, "fail_on"))
    org = data.get("organisation") or {}
    if not isinstance(org, dict):
        raise PostcheckError(where, "'organisation' must be a mapping", line_of(data, "organisation"))
    _unknown_keys(org, ORG_KEYS, where, "organisation key")
    organisation: dict[str, Any] = {"name": str(org.get("name", "")) if org.get("name") else ""}
    for key in ("aliases", "official_contacts", "official_accounts"):
        organisation[key] = list(_strings(org, key, where))
    patterns = _strings(data, "hospital_number_patterns", where)
    for pattern in patterns:
        compile_pattern(pattern, where, line_of(data, "hospital_number_patterns"), max_width=PATTERN_WIDTH)
    severity = data.get("severity") or {}
    if not isinstance(severity, dict):
        raise PostcheckError(where, "'severity' must map categories or rule ids to severities", line_of(data, "severity"))
    pairs = severity_pairs(severity, where)
    hours = _hours(data, where)
    base = Path(where).parent
    packs = tuple(str((base / p).resolve()) for p in _strings(data, "packs", where))
    disable = _strings(data, "disable", where)
    known = known_names()
    for name, line in [(n, line_of(data, "disable")) for n in disable] + [(n, line_of(severity, n)) for n, _ in pairs]:
        if name not in known:
            raise PostcheckError(where, f"'{name}' is neither a category nor a rule id", line)
    return Config(
        path=where,
        policies=_strings(data, "policies", where),
        fail_on=fail_on,
        organisation=organisation,
        working_hours=strip_lines(hours),
        hospital_number_patterns=patterns,
        disable=disable,
        severity=tuple(pairs),
        packs=packs,
    )


def _pyproject(path: Path) -> Any:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PostcheckError(str(path), f"invalid TOML: {exc}") from None
    tool = data.get("tool")
    return tool.get("postcheck") if isinstance(tool, dict) else None


def find_config(start: Path | None = None) -> Config:
    """The nearest .postcheck.yaml or pyproject.toml [tool.postcheck], else defaults."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / ".postcheck.yaml"
        if candidate.is_file():
            return parse_config(load_file(candidate, with_lines=True), str(candidate))
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            section = _pyproject(pyproject)
            if section is not None:
                return parse_config(section, str(pyproject))
    return Config()


def load_config(path: str | None) -> Config:
    if path is None:
        return find_config()
    file = Path(path)
    if not file.is_file():
        raise PostcheckError(path, "configuration file not found")
    if file.suffix == ".toml":
        section = _pyproject(file)
        return parse_config(section, path)
    return parse_config(load_file(file, with_lines=True), path)

