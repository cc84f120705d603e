"""Regular expressions users write (`hospital_number_patterns` in the configuration), refused
when they could backtrack catastrophically.

Python's `re` backtracks: a pattern like `(a+)+$` takes exponential time on 'aaaa...b', and a
check would never finish. Patterns are therefore read when loaded, and refused (file:line, exit
2) when a repeated part holds another unbounded repeat, or (in a repeat of more than four)
a part of varying length or alternatives: `(a+)+`, `(\\d+\\s?)+`, `(a|ab)*`, `(x?){20}`.
Rewrite such a pattern with one level of repetition (`[a\\s]+`, `(?:\\d{3} ?){3}`). A pattern
may also be given a longest match (`max_width`), which refuses every unbounded repeat, even in
a lookahead: `.*x` or `(?=.*x)` would scan a whole long draft from every position.
"""

from __future__ import annotations

import re
from typing import Any

from postcheck.errors import PostcheckError

try:  # Python 3.11+
    import re._constants as _c
    import re._parser as _parser
except ImportError:  # Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | ({_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set())
_UNBOUNDED = _c.MAXREPEAT
FEW = 4  # a repeat of at most FEW may hold a varying part: (?:\d{3} ?){3} tries 2**3 ways


def _children(op: Any, av: Any) -> list[Any]:
    """The sub-patterns of one parsed item."""
    if op is _c.SUBPATTERN:
        return [av[-1]]
    if op is _c.BRANCH:
        return list(av[1])
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [av[1]]
    if op is _c.GROUPREF_EXISTS:
        return [p for p in av[1:] if p is not None]
    if getattr(_c, "ATOMIC_GROUP", None) is op:
        return [av]
    return []


def _risk(items: Any, outer: int) -> str | None:
    """Why `items`, repeated up to `outer` times by the repeats around them, may backtrack
    catastrophically, or None."""
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            if outer > 1 and high == _UNBOUNDED:
                return "a repeat inside a repeat"
            if outer > FEW and low != high:
                return "a repeat of varying length inside a repeat"
            why = _risk(body, min(outer * max(high, 1), _UNBOUNDED))
        elif op is _c.BRANCH and outer > FEW:
            return "alternatives inside a repeat"
        else:
            why = next((w for child in _children(op, av) if (w := _risk(child, outer))), None)
        if why:
            return why
    return None


def _unbounded(items: Any) -> bool:
    """Whether any repeat in `items`, lookarounds included, is unbounded."""
    for op, av in items:
        if op in _REPEATS and (av[1] == _UNBOUNDED or _unbounded(av[2])):
            return True
        if any(_unbounded(child) for child in _children(op, av)):
            return True
    return False


def backtracking_risk(pattern: str) -> str | None:
    """Why `pattern` may take exponential time, or None; `pattern` must compile."""
    return _risk(_parser.parse(pattern), 1)


def compile_pattern(
    pattern: str, where: str, line: int | None, flags: int = 0, max_width: int | None = None
) -> re.Pattern[str]:
    """Compile a pattern from a data file; refuse one that is invalid, may backtrack
    catastrophically, or (with `max_width`) may match more than `max_width` characters."""
    try:
        compiled = re.compile(pattern, flags)
    except (re.error, OverflowError, RecursionError) as exc:
        raise PostcheckError(where, f"invalid regular expression {pattern!r}: {exc}", line) from None
    why = backtracking_risk(pattern)
    if why:
        raise PostcheckError(
            where, f"regular expression {pattern!r} could take forever to match ({why}): use one level of repetition", line
        )
    parsed = _parser.parse(pattern)
    if max_width is not None and (_unbounded(parsed) or parsed.getwidth()[1] > max_width):
        raise PostcheckError(
            where, f"regular expression {pattern!r} may match more than {max_width} characters: use {{m,n}} instead of + or *", line
        )
    return compiled
