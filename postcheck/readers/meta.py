"""Metadata keys of CONTRACT section 3: parsed to their types, unknown keys kept as they are."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from postcheck.policy.mask import mask_passage

ACCOUNTS = ("personal", "work", "official")
PLATFORMS = (
    "x", "facebook", "instagram", "linkedin", "tiktok", "youtube",
    "threads", "whatsapp", "reddit", "blog", "other",
)
REPLY_TO = ("complaint", "media", "patient", "colleague", "public")
SHOWS = (
    "patient", "donor", "colleague", "child", "visitor",
    "workspace", "screen", "logo", "uniform", "public",
)
KINDS = ("image", "video", "document")

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off", ""}


_NOTHING = object()
QUOTE_MAX = 60  # characters of a bad value quoted in an error message


def quote(value: Any) -> str:
    """A short repr of a value for an error message."""
    text = repr(value)
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1] + "…"


class MetaError(ValueError):
    """A metadata value of the wrong type; `key` names the offending key. The message quotes
    the value masked (it may hold an identifier); `shown` quotes it as written."""

    def __init__(self, key: str, what: str, value: Any = _NOTHING) -> None:
        self.key = key
        message = f"metadata '{key}': {what}"
        self.shown = message if value is _NOTHING else f"{message}, got {quote(value)}"
        masked = quote(mask_passage(value)) if isinstance(value, str) else mask_passage(quote(value))
        super().__init__(message if value is _NOTHING else f"{message}, got {masked}")


def _bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, str)):
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise MetaError(key, "expected true or false", value)


def _choice(key: str, value: Any, allowed: tuple[str, ...]) -> str:
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text not in allowed:
        raise MetaError(key, f"expected one of {', '.join(allowed)}", value)
    return text


def _datetime(key: str, value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        if len(text) == 16 and text[10] == " ":  # '2026-12-01 09:30', as spreadsheets write it
            text = text[:10] + "T" + text[11:]
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    raise MetaError(key, "expected an ISO 8601 date-time", value)


def _attachments(key: str, value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise MetaError(key, "expected a list of attachments")
    parsed = []
    for number, entry in enumerate(value, 1):
        if isinstance(entry, str):
            entry = {"file": entry}
        if not isinstance(entry, dict):
            raise MetaError(key, f"attachment {number} is not a mapping")
        item = dict(entry)
        if "kind" in item:
            item["kind"] = _choice(f"{key}[{number}].kind", item["kind"], KINDS)
        shows = item.get("shows", [])
        if isinstance(shows, str):
            shows = [s.strip() for s in shows.split(",") if s.strip()]
        if not isinstance(shows, list):
            raise MetaError(key, f"attachment {number}: 'shows' must be a list")
        item["shows"] = [_choice(f"{key}[{number}].shows", s, SHOWS) for s in shows]
        if "consent" in item:
            item["consent"] = _bool(f"{key}[{number}].consent", item["consent"])
        parsed.append(item)
    return parsed


def parse_meta(raw: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of `raw` with known keys typed; raise MetaError on a bad value."""
    meta: dict[str, Any] = {}
    for key, value in raw.items():
        key = str(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key == "account":
            meta[key] = _choice(key, value, ACCOUNTS)
        elif key in ("identifies_as_staff", "profile_disclaimer"):
            meta[key] = _bool(key, value)
        elif key == "platform":
            meta[key] = _choice(key, value, PLATFORMS)
        elif key == "in_reply_to":
            meta[key] = _choice(key, value, REPLY_TO)
        elif key == "scheduled":
            meta[key] = _datetime(key, value)
        elif key == "attachments":
            meta[key] = _attachments(key, value)
        elif key in ("role", "organisation", "link"):
            meta[key] = str(value)
        else:
            meta[key] = value
    return meta
