"""Batch files: CSV (one draft a row) and JSON / JSONL (one object a draft)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from postcheck.errors import PostcheckError
from postcheck.model import Draft, line_starts_of
from postcheck.readers.decode import decode
from postcheck.readers.meta import MetaError, parse_meta

TEXT_COLUMNS = ("text", "message", "post", "content")
# Column names of scheduling tools' exports, read as the contract's metadata keys. A value
# that does not parse as that key's type is kept under the original column name instead.
ALIASES = {
    "date": "scheduled", "scheduled date": "scheduled", "scheduled at": "scheduled",
    "scheduled time": "scheduled", "publish date": "scheduled", "publish time": "scheduled",
    "post date": "scheduled", "send time": "scheduled",
    "link": "link", "url": "link", "link url": "link",
    "network": "platform", "channel": "platform", "social network": "platform",
}


def _aliased(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in raw.items():
        key = ALIASES.get(str(name).strip().lower())
        if key is None or key in raw or key in out:
            out[name] = value
            continue
        try:
            parse_meta({key: value})
            out[key] = value
        except MetaError:
            out[name] = value
    return out


def _draft(text: str, raw: dict[str, Any], source: str, item: str) -> Draft:
    try:
        meta = parse_meta(raw)
    except MetaError as exc:
        raise PostcheckError(source, f"{item}: {exc}") from None
    ignore = meta.pop("postcheck_ignore", None)
    suppressions: tuple[str, ...] = ()
    if isinstance(ignore, str):
        suppressions = tuple(s.strip() for s in ignore.split(",") if s.strip())
    elif isinstance(ignore, list):
        suppressions = tuple(str(s).strip() for s in ignore if str(s).strip())
    return Draft(
        text=text,
        meta=meta,
        source=source,
        item=item,
        line_starts=line_starts_of(text),
        suppressions=suppressions,
    )


def pick_text_column(header: list[str], wanted: str | None, source: str) -> str:
    lowered = {name.strip().lower(): name for name in header}
    if wanted is not None:
        if wanted in header:
            return wanted
        if wanted.strip().lower() in lowered:
            return lowered[wanted.strip().lower()]
        raise PostcheckError(source, f"no column named '{wanted}' (columns: {', '.join(header)})", 1)
    for candidate in TEXT_COLUMNS:
        if candidate in lowered:
            return lowered[candidate]
    raise PostcheckError(
        source,
        f"no text column: expected one of {', '.join(TEXT_COLUMNS)} or --text-column "
        f"(columns: {', '.join(header)})",
        1,
    )


def read_csv(path: Path, source: str, text_column: str | None = None) -> list[Draft]:
    content = decode(path.read_bytes(), source)
    try:
        dialect: Any = csv.Sniffer().sniff(content[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(content, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise PostcheckError(source, "empty CSV file: a header row is required") from None
    except csv.Error as exc:
        raise PostcheckError(source, f"unreadable CSV: {exc}", 1) from None
    column = pick_text_column(header, text_column, source)
    index = header.index(column)
    drafts = []
    row_number = 1
    try:
        for row in reader:
            row_number += 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise PostcheckError(
                    source,
                    f"row {row_number} has {len(row)} fields, the header has {len(header)}",
                    reader.line_num,
                )
            raw = _aliased({name: value for name, value in zip(header, row) if name != column})
            drafts.append(_draft(row[index], raw, source, f"row {row_number}"))
    except csv.Error as exc:
        raise PostcheckError(source, f"unreadable CSV: {exc}", reader.line_num) from None
    return drafts


def _records_of(content: str, source: str, suffix: str) -> list[tuple[int | None, Any]]:
    stripped = content.lstrip()
    if suffix == ".json" or stripped.startswith("["):
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise PostcheckError(source, f"invalid JSON: {exc.msg}", exc.lineno) from None
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list):
            raise PostcheckError(source, "expected a JSON object or an array of objects")
        return [(None, record) for record in data]
    records: list[tuple[int | None, Any]] = []
    for line_number, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append((line_number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise PostcheckError(source, f"invalid JSON: {exc.msg}", line_number) from None
    return records


def read_json(path: Path, source: str, text_column: str | None = None) -> list[Draft]:
    content = decode(path.read_bytes(), source)
    key = text_column or "text"
    drafts = []
    for number, (line, record) in enumerate(_records_of(content, source, path.suffix.lower()), 1):
        item = f"record {number}"
        if not isinstance(record, dict):
            raise PostcheckError(source, f"{item} is not a JSON object", line)
        text = record.get(key)
        if not isinstance(text, str):
            raise PostcheckError(source, f"{item} has no '{key}' string", line)
        raw = {k: v for k, v in record.items() if k != key}
        drafts.append(_draft(text, raw, source, item))
    return drafts
