"""``pattern``: ECMA-262 regular expressions, as JSON Schema specifies them."""

from __future__ import annotations

import re

from pydantic import AfterValidator

from .types import fail

_JS_SPACE = (
    "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)


def ecma_regex(source: str) -> re.Pattern[str]:
    """Compile an ECMA-262 pattern (as JSON Schema specifies) with Python's ``re``.

    Differences handled: ``\\d``/``\\w``/``\\b`` are ASCII-only (``re.ASCII``),
    ``\\s`` is JavaScript's Unicode whitespace, ``$`` matches only at the very
    end (Python's also matches before a final newline), and ``(?<name>`` groups.
    """
    out: list[str] = []
    i = 0
    in_class = False
    while i < len(source):
        ch = source[i]
        if ch == "\\" and i + 1 < len(source):
            nxt = source[i + 1]
            if nxt == "s":
                out.append(_JS_SPACE if in_class else f"[{_JS_SPACE}]")
            elif nxt == "S" and not in_class:
                out.append(f"[^{_JS_SPACE}]")
            else:
                out.append(source[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            if i < len(source) and source[i] == "^":
                out.append("^")
                i += 1
            if i < len(source) and source[i] == "]":
                out.append("\\]")
                i += 1
            continue
        elif ch == "$":
            out.append("\\Z")
            i += 1
            continue
        elif ch == ".":
            out.append("[^\\n\\r\\u2028\\u2029]")
            i += 1
            continue
        elif source.startswith("(?<", i) and source[i + 3 : i + 4] not in ("=", "!"):
            out.append("(?P<")
            i += 3
            continue
        out.append(ch)
        i += 1
    return re.compile("".join(out), re.ASCII)


def pattern(regex: str) -> AfterValidator:
    """``pattern``: the regular expression is searched for, not anchored."""
    compiled = ecma_regex(regex)

    def check(value: str) -> str:
        if compiled.search(value) is None:
            raise fail(
                "string_pattern_mismatch",
                "a string matching {pattern}",
                pattern=regex,
            )
        return value

    return AfterValidator(check)
