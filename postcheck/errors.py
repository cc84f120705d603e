"""One error type for everything a user can get wrong; the CLI prints it as one line, exit 2."""

from __future__ import annotations

import re

_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` with line breaks and control characters escaped (a file may be named 'a\\nb.txt')."""
    return _BREAKS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class PostcheckError(Exception):
    """A usage or input error: `where: what` on one line, never a traceback.

    `item` names the row or record of a batch file the error is about (the rest of the file is
    still checked). When `what` quotes the user's text, it is masked; `shown` is the same message
    unmasked, printed only with --show-evidence.
    """

    def __init__(
        self, where: str, what: str, line: int | None = None, *, item: str | None = None, shown: str | None = None
    ) -> None:
        self.where = where
        self.what = what
        self.line = line
        self.item = item
        self.shown = shown
        super().__init__(str(self))

    def render(self, show_evidence: bool = False) -> str:
        what = self.shown if show_evidence and self.shown is not None else self.what
        place = f"{self.where}:{self.line}" if self.line is not None else self.where
        return one_line(f"{place}: {what}" if place else what)

    def __str__(self) -> str:
        return self.render()
