"""``pattern`` in linear time with ECMA-262's meaning (Python side: Rust's regex).

Hostile patterns return a verdict (before, they hung in a backtracking engine); the
translation gives ECMA-262's answer on each feature; patterns outside the engines'
language are refused at generation with exact messages; every pattern the project
ships compiles. The Node side is in ``tests/test_regex_node.py``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import TypeAdapter, ValidationError

from codegen.api import generate, generate_to
from codegen.emit import Settings
from codegen.errors import CompileError
from runtime import Contracts, ContractViolation
from runtime.support import unicode_names
from runtime.support.ecma import RegexError, check_syntax, translate
from runtime.support.patterns import Regex, ecma_regex, pattern
from runtime.support.types import Str
from tests.conftest import GOLDEN, ROOT

HOSTILE = [
    ("^(a+)+$", "a" * 30 + "!", False),
    ("^(\\w+\\s?)*$", "an ordinary sentence of words " * 40 + "!", False),
    ("^(\\w+\\s?)*$", "an ordinary sentence of words", True),
    ("(x+x+)+y", "x" * 5000, False),
    ("^(a|a)*$", "a" * 10000 + "b", False),
]


@pytest.mark.parametrize(("source", "text", "found"), HOSTILE)
def test_hostile_patterns_return_a_verdict(source: str, text: str, found: bool) -> None:
    """Both Python paths: the full check's matcher and the generated model's type."""
    assert ecma_regex(source).search(text) is found
    adapter: TypeAdapter[str] = TypeAdapter(Annotated[Str, pattern(source)])
    if found:
        assert adapter.validate_python(text) == text
    else:
        with pytest.raises(ValidationError) as info:
            adapter.validate_python(text)
        (error,) = info.value.errors()
        assert error["type"] == "string_pattern_mismatch"
        assert error["ctx"] == {"pattern": source}  # the ECMA source, not Rust's


# Escaped ASCII punctuation is the character itself, as outside u mode (V8 refuses
# it under the u flag): SchemaStore's azure-pipelines schema writes "\\:".
LENIENT = {
    "^[^\\/~\\^\\: \\[\\]\\\\]+$": ("a:b", False),
    '^a\\-\\:\\"\\,$': ('a-:",', True),
}

# (pattern, string, ECMA-262's verdict with the u flag, as V8 gives it)
MEANING = [
    ("^\\d$", "٣", False),  # \d is ASCII
    ("^\\w$", "é", False),
    ("\\bcole", "école", True),  # \b is ASCII: é is no word character
    ("\\Bcole", "école", False),
    ("^\\s$", "\u00a0", True),
    ("^\\s$", "\ufeff", True),
    ("^\\s$", "\u0085", False),  # NEL is not ECMA white space
    ("^\\S$", "\u0085", True),
    ("^.$", "\n", False),
    ("^.$", "\u2028", False),
    ("^.$", "\u0085", True),
    ("^.$", "🐲", True),  # one code point
    ("^..$", "🐲", False),
    ("^abc$", "abc\n", False),  # $ is the end only
    ("^[^a]$", "🐲", True),
    ("^\\u{1F432}$", "🐲", True),
    ("^\\uD83D\\uDC32$", "🐲", True),  # a surrogate pair is one code point
    ("^\\cJ$", "\n", True),
    ("^\\x41\\0$", "A\x00", True),
    ("^\\p{L}+$", "Ελλάδα", True),
    ("^\\p{Lu}$", "a", False),
    ("^\\P{Lu}$", "a", True),
    ("^\\p{Script=Greek}+$", "αβγ", True),
    ("^\\p{sc=Grek}+$", "abc", False),
    ("^\\p{General_Category=Decimal_Number}$", "٣", True),
    ("^\\p{digit}$", "٣", True),
    ("^[\\p{L}\\d-]+$", "ab-9", True),
    ("^[^\\s\\d]+$", "ab c", False),
    ("^[\\S]+$", "ab", True),
    ("^[\\W]$", "é", True),
    ("^[\\D]$", "a", True),
    ("^\\p{ASCII}+$", "abc", True),
    ("^\\P{Any}", "a", False),
    ("^[]$", "", False),
    ("^[^]$", "\n", True),
    ("[\\b]", "\b", True),
    ("^a{2,3}$", "aaaa", False),
    ("^(?:(?:a{10}){10}){10}$", "a" * 1000, True),  # RE2's limit, exactly
    ("^(?<year>\\d{4})-(?:\\d\\d)$", "2024-01", True),
    ("^\\/[\\-]$", "/-", True),
    *((source, text, found) for source, (text, found) in LENIENT.items()),
]


@pytest.mark.parametrize(("source", "text", "found"), MEANING)
def test_translation_keeps_ecma_meaning(source: str, text: str, found: bool) -> None:
    assert ecma_regex(source).search(text) is found


def test_lone_surrogates_in_python_strings_do_not_crash() -> None:
    assert ecma_regex("a").search("\ud800a")
    assert ecma_regex("^.$").search("\ud800")  # matched as U+FFFD
    assert not ecma_regex("^b$").search("\ud800")


REFUSED = [
    ("(?=a)b", "unsupported-pattern", "lookahead '(?=' at index 0: the linear-time"
     " engines have no lookaround"),
    ("a(?<!b)", "unsupported-pattern", "lookbehind '(?<!' at index 1: the linear-time"
     " engines have no lookaround"),
    ("(a)\\1", "unsupported-pattern", "backreference '\\1' at index 3: the linear-time"
     " engines have no backreferences"),
    ("(?<x>a)\\k<x>", "unsupported-pattern", "backreference '\\k<x>' at index 7: the"
     " linear-time engines have no backreferences"),
    ("a{1001}", "unsupported-pattern", "repetition count 1001 at index 1: the engines"
     " repeat at most 1000 times"),
    ("(?:[0-9]{100}){100}", "unsupported-pattern", "nested repetition counts"
     " multiplying to 10000 at index 14: the engines repeat at most 1000 times"),
    ("(" * 101 + ")" * 101, "unsupported-pattern", "groups nested over 100 deep at"
     " index 100: the engines' parsers stop there"),
    ("\\uD800", "unsupported-pattern", "lone surrogate U+D800 at index 0: strings are"
     " matched by code point, and a lone surrogate is none"),
    ("\\p{Alphabetic}", "unsupported-pattern", "Unicode property '\\p{Alphabetic}' at"
     " index 0: of the binary properties only Any, ASCII and ASCII_Hex_Digit are in"
     " both engines"),
    ("\\p{scx=Grek}", "unsupported-pattern", "Unicode property '\\p{scx=Grek}' at"
     " index 0: Script_Extensions is not in both engines; use Script"),
    ("(", "bad-pattern", "unterminated group at index 0"),
    ("\\p{letter}", "bad-pattern", "invalid property name '\\p{letter}' at index 0"),
    ("\\p{Greek}", "bad-pattern", "invalid property name '\\p{Greek}' at index 0"),
    ("\\a", "bad-pattern", "invalid escape '\\a' at index 0"),
    ("\\e", "bad-pattern", "invalid escape '\\e' at index 0"),
    ("a{", "bad-pattern", "incomplete quantifier '{' at index 1"),
    ("]", "bad-pattern", "lone ']' at index 0"),
    ("[z-a]", "bad-pattern", "range out of order in character class at index 2"),
    ("[\\d-z]", "bad-pattern", "character class escape in a range at index 3"),
    ("^*", "bad-pattern", "nothing to repeat at index 1"),
    ("(?=a)*", "bad-pattern", "nothing to repeat at index 5"),
    ("\\1", "bad-pattern", "invalid escape '\\1' (no such group) at index 0"),
    ("(?<a>x)(?<a>y)", "bad-pattern", "duplicate group name 'a' at index 7"),
    ("a{2,1}", "bad-pattern", "numbers out of order in {} quantifier at index 1"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "code", "reason"), REFUSED)
def test_refusals_name_the_construct(source: str, code: str, reason: str) -> None:
    with pytest.raises(RegexError) as info:
        translate(source)
    assert (info.value.code, info.value.reason) == (code, reason)


def test_constructs_the_engines_lack_are_still_valid_ecma() -> None:
    """``format: regex`` asks for ECMA-262 validity, not for the engines' language."""
    for source, code, reason in REFUSED:
        if reason.startswith("groups nested"):
            continue  # the parser itself stops there
        if code == "unsupported-pattern":
            check_syntax(source)
        else:
            with pytest.raises(RegexError):
                check_syntax(source)


def _errors(tmp_path: Path, schema: dict[str, Any]) -> list[str]:
    (tmp_path / "a.json").write_text(json.dumps(schema))
    with pytest.raises(CompileError) as info:
        generate(tmp_path)
    return [str(e) for e in info.value.errors]


def test_generation_refuses_pattern_property_keys_and_property_names(
    tmp_path: Path,
) -> None:
    errors = _errors(
        tmp_path,
        {
            "type": "object",
            "properties": {"a": {"type": "string", "pattern": "^(?!x)"}},
            "patternProperties": {"(a)\\1": True},
            "propertyNames": {"pattern": "\\p{Emoji}"},
        },
    )
    hint = "\n  hint: see docs/regex.md for the syntax contracts may use"
    assert sorted(errors) == sorted(
        [
            'a.json#/properties/a/pattern: pattern "^(?!x)" is outside the'
            " linear-time engines' language: lookahead '(?!' at index 1: the"
            " linear-time engines have no lookaround [unsupported-pattern]" + hint,
            'a.json#/patternProperties/(a)\\1: pattern "(a)\\\\1" is outside the'
            " linear-time engines' language: backreference '\\1' at index 3: the"
            " linear-time engines have no backreferences [unsupported-pattern]" + hint,
            'a.json#/propertyNames/pattern: pattern "\\\\p{Emoji}" is outside the'
            " linear-time engines' language: Unicode property '\\p{Emoji}' at index"
            " 0: of the binary properties only Any, ASCII and ASCII_Hex_Digit are in"
            " both engines [unsupported-pattern]" + hint,
        ]
    )


def test_unicode_property_names_compile_in_rust() -> None:
    for name in unicode_names.GENERAL_CATEGORY:
        Regex(f"\\p{{{name}}}")
        Regex(f"[^\\P{{gc={name}}}]")
    for name in unicode_names.SCRIPT:
        Regex(f"\\p{{Script={name}}}")
        Regex(f"[\\P{{sc={name}}}a]")


def shipped_patterns() -> Iterator[tuple[str, str]]:
    """Every ``pattern`` and ``patternProperties`` key in schemas/ and tests/golden
    (a file, and the pattern)."""
    roots = [ROOT / "schemas", GOLDEN]
    for root in roots:
        for path in sorted(root.rglob("*.json")):
            if "expected" in path.parts:
                continue
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                continue  # golden cases of malformed JSON
            for found in _walk(document):
                yield str(path.relative_to(ROOT)), found


def _walk(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        if isinstance(node.get("patternProperties"), dict):
            yield from node["patternProperties"]
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_every_shipped_pattern_compiles_in_rust() -> None:
    found = list(shipped_patterns())
    assert len(found) >= 10
    refused = []
    for where, source in found:
        try:
            ecma_regex(source)
        except RegexError as exc:
            refused.append((where, source, exc.reason))
    # Golden cases that exist to be refused are the only exceptions.
    assert all("golden" in where for where, _, _ in refused), refused


# A contract whose pattern-property keys need the full check, with keys where a
# looser ECMA-262 reading differs (jsonschema-rs's own: "." takes U+2028, "\b" is
# Unicode-aware, "[^]" is refused): each (document, ECMA-262's verdict).
EDGE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"sv": {"type": "string", "pattern": "\\bcole$"}},
    "patternProperties": {
        "^.$": {"type": "integer"},
        "\\bcole": {"type": "integer"},
        "^[^]x$": {"type": "integer"},
    },
}
EDGE_DOCUMENTS: list[tuple[dict[str, Any], bool]] = [
    ({"\u2028": "not checked: . is no line terminator"}, True),
    ({"a": "checked"}, False),
    ({"école": "checked: \\b before c"}, False),
    ({"ecole": "not checked"}, True),
    ({"\nx": "checked"}, False),
    ({"sv": "école"}, True),
    ({"sv": "ecole"}, False),
]


def edge_package(tmp_path: Path) -> Path:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "edge.json").write_text(json.dumps(EDGE_SCHEMA))
    generate_to(schemas, tmp_path / "out", Settings(python_package="edge_pkg"))
    return tmp_path / "out"


def test_full_check_reads_patterns_as_ecma(tmp_path: Path, clean_modules: None) -> None:
    """Python: the full check (jsonschema-rs for the verdict, jsonschema for the
    words) matches pattern-property keys with the models' translation, natively."""
    out = edge_package(tmp_path)
    sys.path.insert(0, str(out / "python"))
    validator = Contracts("edge_pkg").get("edge.json")
    fast = validator.contracts.fast_checker
    verdicts = []
    for document, valid in EDGE_DOCUMENTS:
        # The compiled validator decides (it gave up on "[^]" before: None).
        assert fast.is_valid("edge.json", document) is valid, document
        try:
            validator.validate_json(json.dumps(document))
            verdicts.append(True)
        except ContractViolation:
            verdicts.append(False)
    assert verdicts == [valid for _, valid in EDGE_DOCUMENTS]
