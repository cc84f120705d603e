"""Plain text and Markdown drafts, with optional YAML front matter; offsets kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from postcheck.errors import PostcheckError
from postcheck.model import Draft, line_starts_of
from postcheck.policy.mask import mask_passage
from postcheck.readers.decode import decode
from postcheck.readers.limits import MAX_BYTES, check_length, read_bytes
from postcheck.readers.meta import MetaError, parse_meta
from postcheck.yamlload import NoAliasLoader

_FENCES = ("---", "...")


def split_front_matter(text: str, source: str) -> tuple[dict[str, Any], int]:
    """Return (raw metadata, offset where the body starts)."""
    first_end = text.find("\n")
    first = text[: first_end if first_end >= 0 else len(text)].rstrip("\r")
    if first.rstrip() != "---" or first_end < 0:
        return {}, 0
    position = first_end + 1
    while position <= len(text):
        end = text.find("\n", position)
        line = text[position : end if end >= 0 else len(text)].rstrip("\r")
        if line.rstrip() in _FENCES:
            block = text[first_end + 1 : position]
            body = end + 1 if end >= 0 else len(text)
            return _load_block(block, source), body
        if end < 0:
            break
        position = end + 1
    raise PostcheckError(source, "front matter opened with '---' is never closed", 1)


def _load_block(block: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.load(block, Loader=NoAliasLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"  # may quote the draft: masked
        raise PostcheckError(source, f"front matter: {mask_passage(problem)}", line, shown=f"front matter: {problem}") from None
    except RecursionError:
        raise PostcheckError(source, "front matter: nested too deeply", 2) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PostcheckError(source, "front matter must be a mapping of metadata keys", 2)
    return data


def typed_meta(raw: dict[str, Any], source: str, text: str = "", offset: int = 0) -> dict[str, Any]:
    try:
        return parse_meta(raw)
    except MetaError as exc:
        line = None
        if text:
            for number, row in enumerate(text[:offset].split("\n"), 1):
                if row.lstrip().startswith(f"{exc.key.split('[')[0]}:"):
                    line = number
                    break
        raise PostcheckError(source, str(exc), line, shown=exc.shown) from None


def draft_from_text(full: str, source: str) -> Draft:
    check_length(full, source)
    raw, offset = split_front_matter(full, source)
    meta = typed_meta(raw, source, full, offset)
    return Draft(
        text=full[offset:],
        meta=meta,
        source=source,
        offset=offset,
        line_starts=line_starts_of(full),
    )


def read_text(path: Path, source: str, max_bytes: int = MAX_BYTES) -> list[Draft]:
    return [draft_from_text(decode(read_bytes(path, source, max_bytes), source), source)]
