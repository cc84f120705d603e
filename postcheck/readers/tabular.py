"""Batch files: CSV (one draft a row) and JSON / JSONL (one object a draft)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any, Union

from postcheck.errors import PostcheckError
from postcheck.model import Draft, line_starts_of
from postcheck.policy.mask import mask_passage
from postcheck.readers.decode import decode
from postcheck.readers.limits import MAX_BYTES, check_length, read_bytes
from postcheck.readers.meta import MetaError, parse_meta

# A batch file gives a Draft per row or record, or a PostcheckError (with its `item`) in place
# of one that cannot be read, so one bad row does not lose the others.
Item = Union[Draft, PostcheckError]

TEXT_COLUMNS = ("text", "message", "post", "content")
DELIMITERS = ",;\t|"
ONE_COLUMN = "\x1f"  # the delimiter of a header with none: a comma in the text is text
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
    check_length(text, source, item)
    try:
        meta = parse_meta(raw)
    except MetaError as exc:
        raise PostcheckError(source, f"{item}: {exc}", item=item, shown=f"{item}: {exc.shown}") from None
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
    columns = ", ".join(header)
    masked = ", ".join(mask_passage(name) for name in header)  # without a header row, a draft is here
    if wanted is not None:
        if wanted in header:
            return wanted
        if wanted.strip().lower() in lowered:
            return lowered[wanted.strip().lower()]
        what = f"no column named '{wanted}' (columns: {{}})"
        raise PostcheckError(source, what.format(masked), 1, shown=what.format(columns))
    for candidate in TEXT_COLUMNS:
        if candidate in lowered:
            return lowered[candidate]
    what = f"no text column: expected one of {', '.join(TEXT_COLUMNS)} or --text-column (columns: {{}})"
    raise PostcheckError(source, what.format(masked), 1, shown=what.format(columns))


def delimiter_of(content: str) -> str:
    """The delimiter of the header row: the candidate it holds most of outside quotes (a
    comma on a tie). Read from the header alone: sniffing the rows guesses wrong when the
    drafts are full of commas and semicolons."""
    header = re.sub(r'"[^"]*"', "", content.split("\n", 1)[0])
    best = max(DELIMITERS, key=header.count)
    return best if header.count(best) else ONE_COLUMN


def read_csv(path: Path, source: str, text_column: str | None = None, max_bytes: int = MAX_BYTES) -> list[Item]:
    content = decode(read_bytes(path, source, max_bytes), source)
    csv.field_size_limit(max(csv.field_size_limit(), len(content) + 1))  # a draft may fill the file
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter_of(content))
    try:
        header = next(reader)
    except StopIteration:
        raise PostcheckError(source, "empty CSV file: a header row is required") from None
    except csv.Error as exc:
        raise PostcheckError(source, f"unreadable CSV: {exc}", 1) from None
    column = pick_text_column(header, text_column, source)
    index = header.index(column)
    items: list[Item] = []
    row_number = 1
    try:
        for row in reader:
            row_number += 1
            if not any(cell.strip() for cell in row):
                continue
            item = f"row {row_number}"
            if len(row) != len(header):
                what = f"{item} has {len(row)} field{'s' if len(row) != 1 else ''}, the header has {len(header)}"
                items.append(PostcheckError(source, what, reader.line_num, item=item))
                continue
            raw = _aliased({name: value for name, value in zip(header, row) if name != column})
            try:
                items.append(_draft(row[index], raw, source, item))
            except PostcheckError as exc:
                items.append(exc)
    except csv.Error as exc:
        raise PostcheckError(source, f"unreadable CSV: {exc}", reader.line_num) from None
    if not items:
        raise PostcheckError(source, "holds no drafts: a header row and at least one row are required")
    return items


def _parse_json(text: str) -> Any:
    """json.loads, with the errors that are not JSONDecodeError turned into one."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None
    except json.JSONDecodeError:
        raise
    except ValueError:  # an integer of more digits than Python converts
        raise json.JSONDecodeError("a number is too long", text, 0) from None


def _records_of(content: str, source: str, suffix: str) -> list[tuple[int | None, Any]]:
    """(line, record) pairs; a JSONL line that does not parse gives a PostcheckError record."""
    stripped = content.lstrip()
    if suffix == ".json" or stripped.startswith("["):
        if not stripped:
            raise PostcheckError(source, "empty file: expected a JSON object or an array of objects")
        try:
            data = _parse_json(content)
        except json.JSONDecodeError as exc:
            raise PostcheckError(source, f"invalid JSON: {exc.msg}", exc.lineno) from None
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list):
            raise PostcheckError(source, "expected a JSON object or an array of objects")
        return [(None, record) for record in data]
    records: list[tuple[int | None, Any]] = []
    for line_number, line in enumerate(content.split("\n"), 1):  # not splitlines: U+2028 is text
        if not line.strip():
            continue
        try:
            records.append((line_number, _parse_json(line)))
        except json.JSONDecodeError as exc:
            item = f"record {len(records) + 1}"
            records.append((line_number, PostcheckError(source, f"{item}: invalid JSON: {exc.msg}", line_number, item=item)))
    return records


def _json_draft(record: Any, key: str, source: str, item: str, line: int | None) -> Draft:
    if not isinstance(record, dict):
        raise PostcheckError(source, f"{item} is not a JSON object", line, item=item)
    text = record.get(key)
    if not isinstance(text, str):
        raise PostcheckError(source, f"{item} has no '{key}' string", line, item=item)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise PostcheckError(source, f"{item}: '{key}' is not valid Unicode (an unpaired surrogate)", line, item=item) from None
    raw = {k: v for k, v in record.items() if k != key}
    return _draft(text, raw, source, item)


def read_json(path: Path, source: str, text_column: str | None = None, max_bytes: int = MAX_BYTES) -> list[Item]:
    content = decode(read_bytes(path, source, max_bytes), source)
    key = text_column or "text"
    items: list[Item] = []
    for number, (line, record) in enumerate(_records_of(content, source, path.suffix.lower()), 1):
        if isinstance(record, PostcheckError):
            items.append(record)
            continue
        try:
            items.append(_json_draft(record, key, source, f"record {number}", line))
        except PostcheckError as exc:
            items.append(exc)
    if not items:
        raise PostcheckError(source, "holds no drafts")
    return items
