"""Where the data folders are: inside the installed package, or at the root of a checkout."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = _PKG / "_data" / name
    if installed.is_dir():
        return installed
    return _PKG.parent / name


def rules_dir() -> Path:
    return _data_dir("rules")


def models_dir() -> Path:
    return _data_dir("models")
