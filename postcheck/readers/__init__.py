"""Readers turn paths into Drafts. To add a format, write a reader and add its suffix to READERS."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from postcheck.errors import PostcheckError
from postcheck.model import Draft
from postcheck.readers.decode import decode
from postcheck.readers.limits import MAX_BYTES, read_stream
from postcheck.readers.tabular import Item, read_csv, read_json
from postcheck.readers.text import draft_from_text, read_text

# (path, source name, text column, max bytes) -> drafts, or errors in place of unreadable rows
Reader = Callable[[Path, str, "str | None", int], "list[Item] | list[Draft]"]


def _text(path: Path, source: str, text_column: str | None = None, max_bytes: int = MAX_BYTES) -> list[Draft]:
    return read_text(path, source, max_bytes)


TEXT_SUFFIXES = (".txt", ".md", ".markdown")  # one draft a file, with optional front matter
READERS: dict[str, Reader] = {
    **dict.fromkeys(TEXT_SUFFIXES, _text),
    ".csv": read_csv,
    ".json": read_json,
    ".jsonl": read_json,
}


def expand(paths: list[str]) -> Iterator[str]:
    """Yield each input path, walking directories (sorted) for the suffixes we read."""
    for name in paths:
        path = Path(name)
        if name != "-" and path.is_dir():
            found = False
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in READERS and not any(
                    part.startswith(".") for part in child.relative_to(path).parts
                ):
                    found = True
                    yield str(child)
            if not found:
                raise PostcheckError(name, "folder holds no drafts (.txt, .md, .markdown, .csv, .json, .jsonl)")
        else:
            yield name


def read_items(name: str, text_column: str | None = None, max_bytes: int = MAX_BYTES) -> list[Item]:
    """All drafts in one file (or standard input for '-'), with a PostcheckError in place of
    each row or record of a batch file that cannot be read. A file that cannot be read at all
    raises PostcheckError."""
    if name == "-":
        data = read_stream(sys.stdin.buffer, "<stdin>", max_bytes)
        return [draft_from_text(decode(data, "<stdin>"), "<stdin>")]
    path = Path(name)
    if not path.exists():
        raise PostcheckError(name, "no such file or directory")
    if not path.is_file():
        raise PostcheckError(name, "not a regular file")
    reader = READERS.get(path.suffix.lower(), _text)
    try:
        return list(reader(path, name, text_column, max_bytes))
    except OSError as exc:
        raise PostcheckError(name, exc.strerror or "cannot be read") from None


def read_path(name: str, text_column: str | None = None, max_bytes: int = MAX_BYTES) -> list[Draft]:
    """All drafts in one file; the first row or record that cannot be read raises."""
    drafts = []
    for item in read_items(name, text_column, max_bytes):
        if isinstance(item, PostcheckError):
            raise item
        drafts.append(item)
    return drafts
