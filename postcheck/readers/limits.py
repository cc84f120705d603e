"""Size limits, so a check finishes in bounded time and memory whatever it is given.

A file (or standard input) over `max_bytes` (`--max-bytes`, default MAX_BYTES) is refused
before it is read. A single draft over MAX_DRAFT_CHARS characters is refused: the NLP pipeline
needs about ten seconds and half a gigabyte for 100,000 characters, and no platform's post is
that long (Facebook allows 63,206).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from postcheck.errors import PostcheckError

MAX_BYTES = 5_000_000
MAX_DRAFT_CHARS = 100_000


def _too_big(size: int, limit: int) -> str:
    return f"{size:,} bytes, over the limit of {limit:,} (raise it with --max-bytes)"


def read_bytes(path: Path, source: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a file, refused unread when it is over `max_bytes`."""
    size = path.stat().st_size
    if size > max_bytes:
        raise PostcheckError(source, _too_big(size, max_bytes))
    with path.open("rb") as fh:
        return _bounded(fh, source, max_bytes)


def _bounded(fh: BinaryIO, source: str, max_bytes: int) -> bytes:
    data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew while we read it, or a stream
        raise PostcheckError(source, f"more than {max_bytes:,} bytes (raise the limit with --max-bytes)")
    return data


def read_stream(fh: BinaryIO, source: str, max_bytes: int = MAX_BYTES) -> bytes:
    return _bounded(fh, source, max_bytes)


def check_length(text: str, source: str, item: str | None = None) -> None:
    """Refuse a draft too long to check in bounded time."""
    if len(text) > MAX_DRAFT_CHARS:
        what = f"the draft has {len(text):,} characters, over the {MAX_DRAFT_CHARS:,} postcheck checks (split it)"
        raise PostcheckError(source, f"{item}: {what}" if item else what, item=item)
