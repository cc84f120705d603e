"""One error type for everything a user can get wrong; the CLI prints it as one line, exit 2."""

from __future__ import annotations


class PostcheckError(Exception):
    """A usage or input error: `where: what` on one line, never a traceback."""

    def __init__(self, where: str, what: str, line: int | None = None) -> None:
        self.where = where
        self.what = what
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        place = f"{self.where}:{self.line}" if self.line is not None else self.where
        return f"{place}: {self.what}" if place else self.what
