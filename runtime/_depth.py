"""The nesting depth of JSON text, counted before (or as) it is parsed.

The limits check refuses text nested deeper than its limit before a parser
recurses into it: :func:`nesting_depth` counts as a scan byte by byte does
(:func:`nesting_depth_scan`, the reference its tests compare with), in passes that
run in C.
"""

from __future__ import annotations

import re

# A JSON string: what a left-to-right scan skips from an opening quote to its closing
# one, escapes included (DOTALL: any byte may follow a backslash).
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


# Quotes and brackets kept, "{" and "}" made "[" and "]" (the depth counts both alike).
_SQUARE = bytes.maketrans(b"{}", b"[]")
_NOT_QUOTE_OR_BRACKET = bytes(b for b in range(256) if b not in b'"[]{}')


def nesting_depth(data: bytes, valid_json: bool = False) -> int:
    """The deepest nesting of arrays and objects in JSON text (strings skipped).

    The same count as a scan byte by byte (:func:`nesting_depth_scan`), in passes
    that run in C. Without a backslash in the text, every quote opens or closes a
    string: of the quotes and brackets, two quotes in a row enclose nothing (an
    empty string, or none between two strings) and go; then every other piece
    between the quotes left is outside the strings (a string left open, with no
    closing quote, runs to the end of the text, as in the scan). In well-formed
    JSON (``valid_json``: the caller has parsed it) a backslash is an escape inside
    a string: escaped backslashes and quotes go first, the same cut follows, and
    the brackets, balanced, are counted by taking out every empty pair until none
    is left (a pass per level). Any other text with a backslash (one outside
    strings escapes nothing) has its strings removed by a regular expression."""
    if b"\\" in data:
        if not valid_json:
            return _bracket_depth(_without_strings(data))
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = data.translate(_SQUARE, _NOT_QUOTE_OR_BRACKET).replace(b'""', b"")
    if b'"' in marks:
        marks = b"".join(marks.split(b'"')[::2])
    return _balanced_depth(marks) if valid_json else _bracket_depth(marks)


def _balanced_depth(brackets: bytes) -> int:
    """The depth of balanced square brackets: each pass removes the innermost."""
    depth, left = 0, brackets
    while left:
        shorter = left.replace(b"[]", b"")
        if len(shorter) == len(left):  # not balanced after all
            return _bracket_depth(brackets)
        depth, left = depth + 1, shorter
    return depth


def _without_strings(data: bytes) -> bytes:
    bare = _STRING.sub(b"", data)
    quote_at = bare.find(b'"')
    if quote_at >= 0:
        bare = bare[:quote_at]
    return bare


def _bracket_depth(bare: bytes) -> int:
    """The deepest nesting of the brackets in ``bare`` (text outside strings)."""
    brackets = bare.translate(None, _NOT_BRACKET)
    depth = deepest = 0
    for run in _RUNS.findall(brackets):
        if run[0] in (0x5B, 0x7B):
            depth += len(run)
            deepest = max(deepest, depth)
        else:
            depth -= len(run)
    return deepest


_RUNS = re.compile(rb"[\[{]+|[\]}]+")


def nesting_depth_scan(data: bytes) -> int:
    """:func:`nesting_depth`, byte by byte (the reference its tests compare with)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest
