"""Bytes to text: UTF-8 (with or without BOM) or UTF-16 with BOM; binaries refused."""

from __future__ import annotations

import codecs

from postcheck.errors import PostcheckError


def decode(data: bytes, source: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise PostcheckError(source, "not valid UTF-16 text") from None
    if b"\x00" in data[:8192]:
        raise PostcheckError(source, "looks like a binary file, not a text draft")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PostcheckError(source, "not valid UTF-8 text", line) from None
