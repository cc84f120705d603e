"""Suppressions (CONTRACT section 8): ignore comments in drafts, and postcheck_ignore in batches.

    <!-- postcheck: ignore RULE_OR_CATEGORY[, ...] -- reason -->       the next non-blank line
    <!-- postcheck: ignore-file RULE_OR_CATEGORY[, ...] -- reason -->  the whole draft

A suppression never widens: it covers exactly the rules or categories it names, over exactly
its line or draft. One that names nothing known, or matches nothing, or cannot be read, is
reported as an info finding of rule postcheck.unused-suppression, at the comment.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from postcheck.model import CATEGORIES, Draft

COMMENT = re.compile(r"<!--\s*postcheck\s*:(?P<body>.*?)-->", re.IGNORECASE | re.DOTALL)
VERB = re.compile(r"\s*(?P<verb>ignore-file|ignore)\s+(?P<names>\S.*)$", re.IGNORECASE | re.DOTALL)
UNUSED_RULE = "postcheck.unused-suppression"


@dataclass
class Suppression:
    names: tuple[str, ...]
    start: int | None  # offsets into draft.text of the comment (None for a batch column)
    end: int | None
    scope: tuple[int, int] | None  # the covered line, or None for the whole draft
    problem: str = ""
    used: set[str] = field(default_factory=set)

    def covers(self, rule: str, category: str, start: int | None) -> str | None:
        """The name that covers this finding, if any."""
        for name in self.names:
            if name in (rule, category):
                if self.scope is None or (start is not None and self.scope[0] <= start < self.scope[1]):
                    return name
        return None


def blank_comments(text: str) -> str:
    """The text with each suppression comment replaced by spaces (offsets unchanged), so the
    detectors never read the comment itself."""
    return COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text) if "<!--" in text else text


def _next_line(text: str, after: int) -> tuple[int, int]:
    """Bounds of the next non-blank line after offset `after` (end of the comment)."""
    newline = text.find("\n", after)
    position = len(text) if newline < 0 else newline + 1
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        if text[position:end].strip():
            return position, end
        position = end + 1
    return len(text), len(text)


def parse(draft: Draft) -> list[Suppression]:
    found: list[Suppression] = []
    text = draft.text
    for match in COMMENT.finditer(text):
        head = match.group("body").split("--", 1)[0].strip()
        body = VERB.match(head)
        if body is None:
            found.append(Suppression((), match.start(), match.end(), None, "cannot read it: write 'ignore NAME[, NAME] -- reason'"))
            continue
        names = tuple(n.strip() for n in body.group("names").split(",") if n.strip())
        scope = None if body.group("verb").lower() == "ignore-file" else _next_line(text, match.end())
        found.append(Suppression(names, match.start(), match.end(), scope))
    if draft.suppressions:
        found.append(Suppression(tuple(draft.suppressions), None, None, None))
    return found


def unknown_names(suppression: Suppression, known_rules: set[str]) -> list[str]:
    return [n for n in suppression.names if n not in known_rules and n not in CATEGORIES]


def closest_category(name: str, rule_categories: dict[str, str]) -> str:
    """The category a suppression name most likely meant, for reporting it."""
    if name in CATEGORIES:
        return name
    if name in rule_categories:
        return rule_categories[name]
    guess = difflib.get_close_matches(name, list(CATEGORIES) + list(rule_categories), n=1, cutoff=0.5)
    if guess:
        return guess[0] if guess[0] in CATEGORIES else rule_categories[guess[0]]
    return CATEGORIES[0]
