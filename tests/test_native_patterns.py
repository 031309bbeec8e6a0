"""Which patterns V8's RegExp may run (codegen/typescript/native_patterns.py).

Accepted: anchored, deterministic, unambiguous patterns, on which a backtracking
engine reads each character a bounded number of times. Refused: every pattern that
can make a backtracking engine work more than linearly, and every construct the
analysis does not model. tests/test_regex_node.py checks that V8 and re2js give the
same verdicts on the accepted patterns.
"""

from __future__ import annotations

import pytest

from codegen.typescript.native_patterns import native_safe, native_search_safe
from tests.test_regex import HOSTILE

ACCEPTED = [
    "^[A-Z0-9]{2,12}(-[A-Z0-9]{1,8}){0,3}$",
    "^-?[0-9]+(\\.[0-9]{1,4})?$",
    "^[A-Z]{3}$",
    "^[a-z][a-z0-9_.-]{0,63}$",
    "^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
    "^(?:a|b)+c$",
    "^(ab|cd)+$",
    "^.*$",
    "^[^@]+@[^@]+$",
    "^\\s*\\S+\\s*$",
    "^x\\$",  # a literal dollar
    "^\\$$",
    "^(?<year>[0-9]{4})-[0-9]{2}$",
    "^\\u00e9+\\x41\\t[\\b\\-]$",
    "^[a-z]+",  # no end anchor: test() stops at the first match
]

REFUSED = [
    "^(a+)+$",  # nested loops over the same character
    "^(a*)*$",  # a loop over what may be empty
    "^(a?)+$",
    "^(a|a)*$",  # alternatives that start alike
    "^(a|ab)$",
    "^a*a*$",  # adjacent loops over the same character
    "^[a-z]+\\d*[a-z]$",
    "^.*x$",
    "^(a?|b?)c$",  # two empty alternatives
    "a+",  # unanchored: an attempt at every position
    "^a|b",  # the anchor holds for the first branch only
    "^a$|^b$",
    "^\\p{L}+$",  # not modelled
    "^\\bx$",
    "^(?=a)a$",
    "^(a)\\1$",
    "^a\\:b$",  # an Annex B escape V8 refuses under the u flag
    "^a{0}$",
    "^a$b",  # "$" inside
    "^[\\d-z]$",  # a class escape in a range
    "^(",  # not a pattern
]


@pytest.mark.parametrize("source", ACCEPTED)
def test_accepted(source: str) -> None:
    assert native_safe(source)


@pytest.mark.parametrize("source", REFUSED + [src for src, _, _ in HOSTILE])
def test_refused(source: str) -> None:
    assert not native_safe(source)


def test_deep_nesting_is_refused_not_a_crash() -> None:
    assert not native_safe("^" + "(" * 5000 + "a" + ")" * 5000 + "$")


SEARCH_SAFE = [
    ("^x-", True),  # native_safe
    ("x-", True),  # unanchored, at most 2 characters, deterministic
    ("foo|bar", True),
    ("^(get|put|post|delete|options|head|patch|trace)$", True),  # ambiguous, bounded
    ("^(schemas|responses|requestBodies)$", True),
    ("^[1-5][0-9X]{2}$", True),
    ("a*b", False),  # unanchored and unbounded: quadratic on "aaaa..."
    ("-(id|key)+$", False),
    ("^a|b", False),  # the anchor binds the first branch only
    ("^(a|a){1,30}$", False),  # 2**30 ways through one attempt
    ("^(a|aa)*$", False),
    ("(?=a)", False),
]


@pytest.mark.parametrize(("source", "safe"), SEARCH_SAFE)
def test_native_search_safe(source: str, safe: bool) -> None:
    """What cfworker's patternProperties may run in V8 (nodelimits'
    exact-pattern-properties): linear however the search goes."""
    assert native_search_safe(source) is safe
