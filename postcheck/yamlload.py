"""YAML loading for our data files: safe, no aliases (no alias bombs), errors as file:line.

Parsing the 0.5 MB of YAML under rules/ took 0.3 s of every cold start, so `rules/compiled.json`
(written by `python -m postcheck.bundle`) holds each file's parsed data beside a digest of its
text. A file whose text still has that digest is read from there; any other file (edited, new, or
outside rules/) is parsed as YAML, so an out-of-date bundle costs time, never correctness.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from postcheck.errors import PostcheckError


def refuse_duplicate_keys(node: Any) -> None:
    """YAML keeps the last of two equal keys without a word: in a matcher pattern
    `{LOWER: {IN: [...]}, LOWER: {NOT_IN: [...]}}` the first condition silently vanished."""
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key is not None and key in seen:
            raise yaml.MarkedYAMLError(problem=f"duplicate key '{key}'", problem_mark=key_node.start_mark)
        seen.add(key)


class NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors, aliases and duplicate keys: data files never need them."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:  # type: ignore[override]
        refuse_duplicate_keys(node)
        return super().construct_mapping(node, deep=deep)

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="YAML aliases are not allowed", problem_mark=event.start_mark
            )
        return super().compose_node(parent, index)


_CSafe = getattr(yaml, "CSafeLoader", None)  # libyaml's parser, when PyYAML was built with it


class _NoDuplicatesCLoader(_CSafe or yaml.SafeLoader):  # type: ignore[misc]
    def construct_mapping(self, node: Any, deep: bool = False) -> Any:  # type: ignore[override]
        refuse_duplicate_keys(node)
        return super().construct_mapping(node, deep=deep)


_CLoader = _NoDuplicatesCLoader if _CSafe is not None else None


class FastLineLoader(_CLoader or yaml.SafeLoader):  # type: ignore[misc]
    """LineLoader on libyaml's parser (several times faster); aliases are refused beforehand."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:  # type: ignore[override]
        mapping = super().construct_mapping(node, deep=deep)  # duplicate keys refused there
        mapping["__lines__"] = {key_node.value: key_node.start_mark.line + 1 for key_node, _ in node.value}
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


# An anchor (&a) or alias (*a) starts a node: after a space, a line start, '[', '{', ',', ':',
# '?' or '-'. A text with no such mark cannot hold one, and need not be scanned.
ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[{,:?-])[&*][^\s\[\]{},]", re.MULTILINE)


def _refuse_aliases(text: str) -> None:
    """libyaml's composer cannot be told to refuse aliases, so look at its events first."""
    if ANCHOR_OR_ALIAS.search(text) is None:
        return
    for event in yaml.parse(text, Loader=_CLoader):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(problem="YAML aliases are not allowed", problem_mark=event.start_mark)


class LineLoader(NoAliasLoader):
    """Also records the line of every mapping key under `__lines__` for error messages."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:  # type: ignore[override]
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__lines__"] = {
            key_node.value: key_node.start_mark.line + 1 for key_node, _ in node.value
        }
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def load_text(text: str, source: str, with_lines: bool = False) -> Any:
    try:
        if _CLoader is not None:
            _refuse_aliases(text)
            return yaml.load(text, Loader=FastLineLoader if with_lines else _CLoader)
        return yaml.load(text, Loader=LineLoader if with_lines else NoAliasLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "nesting depth" in problem:  # libyaml's own limit, the same failure as RecursionError
            raise PostcheckError(source, "invalid YAML: nested too deeply") from None
        raise PostcheckError(source, f"invalid YAML: {problem}", line) from None
    except RecursionError:
        raise PostcheckError(source, "invalid YAML: nested too deeply") from None


BUNDLE = "compiled.json"
BUNDLE_FORMAT = 1


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _bundle() -> tuple[Path, dict[str, Any]]:
    """rules/ and its bundle's entries ({} when there is none, or it cannot be used)."""
    from postcheck.paths import rules_dir

    root = rules_dir().resolve()
    try:
        data = json.loads((root / BUNDLE).read_text(encoding="utf-8"))
        files = data["files"] if data.get("format") == BUNDLE_FORMAT else {}
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        files = {}
    return root, files if isinstance(files, dict) else {}


def _bundled(path: Path, text: str) -> Any:
    """The file's data from the bundle if its text is the one bundled, else None."""
    root, files = _bundle()
    if not files:
        return None
    try:
        entry = files.get(path.resolve().relative_to(root).as_posix())
    except ValueError:  # not under rules/
        return None
    if isinstance(entry, list) and len(entry) == 2 and entry[0] == digest(text):
        return json.loads(entry[1])  # a fresh copy: callers may keep or change what they get
    return None


def bundled(path: Path) -> Any:
    """The file's data (with lines) if the bundle holds its current text, else None."""
    try:
        return _bundled(path, path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def load_file(path: Path, with_lines: bool = False) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PostcheckError(str(path), f"cannot be read: {exc}") from None
    if with_lines:
        data = _bundled(path, text)
        if data is not None:
            return data
    return load_text(text, str(path), with_lines)


def line_of(mapping: Any, key: str) -> int | None:
    if isinstance(mapping, dict):
        lines = mapping.get("__lines__", {})
        return lines.get(str(key), mapping.get("__line__"))
    return None


def strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k not in ("__lines__", "__line__")}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value
