"""Readers turn paths into Drafts. To add a format, write a reader and add its suffix to READERS."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from postcheck.errors import PostcheckError
from postcheck.model import Draft
from postcheck.readers.decode import decode
from postcheck.readers.tabular import read_csv, read_json
from postcheck.readers.text import draft_from_text, read_text

Reader = Callable[[Path, str, "str | None"], list[Draft]]


def _text(path: Path, source: str, text_column: str | None = None) -> list[Draft]:
    return read_text(path, source)


READERS: dict[str, Reader] = {
    ".txt": _text,
    ".md": _text,
    ".markdown": _text,
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


def read_path(name: str, text_column: str | None = None) -> list[Draft]:
    """All drafts in one file (or standard input for '-')."""
    if name == "-":
        data = sys.stdin.buffer.read()
        return [draft_from_text(decode(data, "<stdin>"), "<stdin>")]
    path = Path(name)
    if not path.exists():
        raise PostcheckError(name, "no such file or directory")
    if not path.is_file():
        raise PostcheckError(name, "not a regular file")
    reader = READERS.get(path.suffix.lower(), _text)
    try:
        return reader(path, name, text_column)
    except OSError as exc:
        raise PostcheckError(name, exc.strerror or "cannot be read") from None
