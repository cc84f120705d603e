"""Bytes to text: UTF-8 (with or without BOM) or UTF-16/32 with BOM; binaries refused."""

from __future__ import annotations

import codecs

from postcheck.errors import PostcheckError

# The first bytes of files people drop into a drafts folder by mistake.
MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx document)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.doc/.xls)"),
)
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: it starts with the UTF-16 LE BOM
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, source: str) -> str:
    """The text of a file; the byte-order mark is not part of it (positions count from after it)."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            raise PostcheckError(source, f"looks like {kind}, not a text draft")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    else:
        for bom, codec in BOMS:
            if data.startswith(bom):
                try:
                    return data.decode(codec)
                except UnicodeDecodeError:
                    raise PostcheckError(source, f"not valid {codec.upper()} text") from None
    if b"\x00" in data[:8192]:
        raise PostcheckError(source, "looks like a binary file, not a text draft")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PostcheckError(source, "not valid UTF-8 text (save it as UTF-8)", line) from None
