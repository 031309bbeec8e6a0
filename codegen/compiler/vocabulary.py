"""The JSON Schema keywords the compiler knows, and the walk over subschemas.

One table says, per draft, what each keyword's value must be and where its
subschemas are (:func:`subschemas`). The check that walks every subschema of a
document and reports each malformed keyword with a JSON pointer is
:func:`codegen.compiler.scan.check_document`.

A keyword the document's draft does not define is an annotation, as the
specification says: it stays in the schema and takes no part in validation
(:func:`asserting` is the one test of that). Two exceptions: a likely misspelling
of an asserting keyword (``requried``, ``maxLenght``, ``additionalProperty``,
``MinLength``) is an error with its "did you mean", since the constraint it meant
would silently not apply; and under the ``strict`` setting every unknown keyword
outside the ``x-`` extension prefix is an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from codegen.compiler.ir import MessageType
from codegen.errors import CompileError, ContractError
from runtime.jsonpointer import pointer_join
from runtime.support.kinds import JsonKind

Draft = Literal["2020-12", "7"]

DRAFT_URIS: dict[str, Draft] = {
    "https://json-schema.org/draft/2020-12/schema": "2020-12",
    "https://json-schema.org/draft/2020-12/schema#": "2020-12",
    "http://json-schema.org/draft-07/schema#": "7",
    "http://json-schema.org/draft-07/schema": "7",
    "https://json-schema.org/draft-07/schema#": "7",
    "https://json-schema.org/draft-07/schema": "7",
}

# How a keyword's value holds subschemas.
Shape = Literal[
    "schema",  # one subschema
    "schema_map",  # object of name -> subschema
    "schema_list",  # non-empty array of subschemas
    "schema_or_list",  # draft-07 items: one subschema or an array of them
    "deps",  # draft-07 dependencies: name -> subschema or array of names
]

# Every format of draft 2020-12 and draft-07 (runtime.support.FORMATS, the same
# table as the Node runtime's; tests/test_formats.py holds the three equal).
SUPPORTED_FORMATS = frozenset(
    {
        "date-time", "date", "time", "duration", "uuid", "email", "idn-email",
        "uri", "uri-reference", "iri", "iri-reference", "uri-template",
        "hostname", "idn-hostname", "ipv4", "ipv6", "json-pointer",
        "relative-json-pointer", "regex",
    }
)  # fmt: skip


def asserted_format(value: Any) -> str | None:
    """The format a schema's ``format`` asserts: one of :data:`SUPPORTED_FORMATS`;
    any other value (a vendor's ``color``) is an annotation and asserts nothing."""
    return value if value in SUPPORTED_FORMATS else None


TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")


def _is_int(v: Any) -> bool:
    return (isinstance(v, int) and not isinstance(v, bool)) or (
        isinstance(v, float) and v.is_integer()
    )


def _nonneg_int(v: Any) -> bool:
    return _is_int(v) and v >= 0


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _positive(v: Any) -> bool:
    return _number(v) and v > 0


def _string(v: Any) -> bool:
    return isinstance(v, str)


def _bool(v: Any) -> bool:
    return isinstance(v, bool)


def _any(v: Any) -> bool:
    return True


def _array(v: Any) -> bool:
    return isinstance(v, list)


def _string_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _type(v: Any) -> bool:
    if isinstance(v, str):
        return v in TYPES
    return (
        isinstance(v, list)
        and len(v) > 0
        and all(isinstance(x, str) and x in TYPES for x in v)
        and len(set(v)) == len(v)
    )


def _dependent_required(v: Any) -> bool:
    return isinstance(v, dict) and all(_string_list(x) for x in v.values())


def _object(v: Any) -> bool:
    return isinstance(v, dict)


@dataclass(frozen=True)
class Keyword:
    """A keyword: what its value must be (``check`` + ``expected``), or its shape."""

    expected: str
    check: Callable[[Any], bool] = _any
    shape: Shape | None = None


_COMMON: dict[str, Keyword] = {
    # core
    "$schema": Keyword("a string URI", _string),
    "$id": Keyword("a string URI reference", _string),
    "$ref": Keyword("a string URI reference", _string),
    "$comment": Keyword("a string", _string),
    # applicators
    "allOf": Keyword("a non-empty array of schemas", shape="schema_list"),
    "anyOf": Keyword("a non-empty array of schemas", shape="schema_list"),
    "oneOf": Keyword("a non-empty array of schemas", shape="schema_list"),
    "not": Keyword("a schema", shape="schema"),
    "if": Keyword("a schema", shape="schema"),
    "then": Keyword("a schema", shape="schema"),
    "else": Keyword("a schema", shape="schema"),
    "properties": Keyword("an object of schemas", shape="schema_map"),
    "patternProperties": Keyword("an object of schemas", shape="schema_map"),
    "additionalProperties": Keyword("a schema", shape="schema"),
    "propertyNames": Keyword("a schema", shape="schema"),
    "contains": Keyword("a schema", shape="schema"),
    # validation
    "type": Keyword(f"a type name or a list of distinct names of {TYPES}", _type),
    "enum": Keyword("an array", _array),
    "const": Keyword("any JSON value"),
    "multipleOf": Keyword("a number greater than 0", _positive),
    "maximum": Keyword("a number", _number),
    "exclusiveMaximum": Keyword("a number", _number),
    "minimum": Keyword("a number", _number),
    "exclusiveMinimum": Keyword("a number", _number),
    "maxLength": Keyword("a non-negative integer", _nonneg_int),
    "minLength": Keyword("a non-negative integer", _nonneg_int),
    "pattern": Keyword("a string (regular expression)", _string),
    "maxItems": Keyword("a non-negative integer", _nonneg_int),
    "minItems": Keyword("a non-negative integer", _nonneg_int),
    "uniqueItems": Keyword("a boolean", _bool),
    "maxProperties": Keyword("a non-negative integer", _nonneg_int),
    "minProperties": Keyword("a non-negative integer", _nonneg_int),
    "required": Keyword("an array of strings", _string_list),
    "format": Keyword("a string", _string),
    # annotations
    "title": Keyword("a string", _string),
    "description": Keyword("a string", _string),
    "default": Keyword("any JSON value"),
    "examples": Keyword("an array", _array),
    "readOnly": Keyword("a boolean", _bool),
    "writeOnly": Keyword("a boolean", _bool),
    "contentEncoding": Keyword("a string", _string),
    "contentMediaType": Keyword("a string", _string),
}

KEYWORDS: dict[Draft, dict[str, Keyword]] = {
    "2020-12": {
        **_COMMON,
        "$anchor": Keyword("a string", _string),
        "$dynamicAnchor": Keyword("a string", _string),
        "$dynamicRef": Keyword("a string URI reference", _string),
        "$vocabulary": Keyword("an object", _object),
        "$defs": Keyword("an object of schemas", shape="schema_map"),
        "definitions": Keyword("an object of schemas", shape="schema_map"),
        "prefixItems": Keyword("a non-empty array of schemas", shape="schema_list"),
        "items": Keyword("a schema", shape="schema"),
        "maxContains": Keyword("a non-negative integer", _nonneg_int),
        "minContains": Keyword("a non-negative integer", _nonneg_int),
        "dependentRequired": Keyword("an object of string arrays", _dependent_required),
        "dependentSchemas": Keyword("an object of schemas", shape="schema_map"),
        "unevaluatedItems": Keyword("a schema", shape="schema"),
        "unevaluatedProperties": Keyword("a schema", shape="schema"),
        "deprecated": Keyword("a boolean", _bool),
        "contentSchema": Keyword("a schema", shape="schema"),
    },
    "7": {
        **_COMMON,
        "definitions": Keyword("an object of schemas", shape="schema_map"),
        "items": Keyword("a schema or an array of schemas", shape="schema_or_list"),
        "additionalItems": Keyword("a schema", shape="schema"),
        "dependencies": Keyword("an object of schemas or string arrays", shape="deps"),
    },
}

# Keywords a message contract may carry for tooling; any `x-` keyword is allowed.
EXTENSION_PREFIX = "x-"


# Keyword groups: what the lowering and the breaking-change checker sort by.
ANNOTATIONS = frozenset(
    {
        "$schema", "$id", "$anchor", "$dynamicAnchor", "$defs", "definitions",
        "$vocabulary", "$comment", "title", "description", "default", "examples",
        "deprecated", "readOnly", "writeOnly", "contentEncoding",
        "contentMediaType", "contentSchema",
    }
)  # fmt: skip
COMBINATORS = frozenset({"allOf", "anyOf", "oneOf", "not", "if", "then", "else"})
# keyword -> shape of its value, for the keywords whose value holds subschemas.
_SHAPES: dict[Draft, dict[str, str]] = {
    draft: {k: spec.shape for k, spec in table.items() if spec.shape is not None}
    for draft, table in KEYWORDS.items()
}
assert not any("~" in k or "/" in k for t in _SHAPES.values() for k in t)

OBJECT_KEYWORDS = frozenset(
    {
        "properties", "required", "additionalProperties", "patternProperties",
        "propertyNames", "minProperties", "maxProperties", "dependentRequired",
        "dependentSchemas", "unevaluatedProperties", "dependencies",
    }
)  # fmt: skip
ARRAY_KEYWORDS = frozenset(
    {
        "items", "prefixItems", "additionalItems", "minItems", "maxItems",
        "uniqueItems", "contains", "minContains", "maxContains", "unevaluatedItems",
    }
)  # fmt: skip
STRING_KEYWORDS = frozenset({"minLength", "maxLength", "pattern", "format"})
NUMBER_KEYWORDS = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
)
KIND_KEYWORDS: dict[JsonKind, frozenset[str]] = {
    "object": OBJECT_KEYWORDS,
    "array": ARRAY_KEYWORDS,
    "string": STRING_KEYWORDS,
    "number": NUMBER_KEYWORDS,
}
_MESSAGE_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


def asserting(keys: Iterable[str], draft: Draft) -> set[str]:
    """The keywords among ``keys`` that take part in validation under ``draft``:
    known to the draft and not annotations (unknown keywords are annotations)."""
    table = KEYWORDS[draft]
    return {k for k in keys if k in table and k not in ANNOTATIONS}


def known_view(schema: dict[str, Any], draft: Draft) -> dict[str, Any]:
    """``schema`` without the keywords ``draft`` does not define (the same dict
    when it has none): what lowering reads, so an annotation never asserts. An
    unknown ``format`` value is an annotation too, and left out likewise."""
    table = KEYWORDS[draft]
    known = schema.get("format", "date") in SUPPORTED_FORMATS
    if known and schema.keys() <= table.keys():
        return schema
    return {
        k: v
        for k, v in schema.items()
        if k in table and (k != "format" or v in SUPPORTED_FORMATS)
    }


def _fold(word: str) -> str:
    """A keyword with case and a plural ending folded away."""
    word = word.lower()
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word.removesuffix("s")


def _distance(a: str, b: str) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment)."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(
                row[j] + 1,
                current[j - 1] + 1,
                row[j - 1] + (ca != cb),
            )
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[-1]


def likely_typo(key: str, draft: Draft) -> str | None:
    """The asserting keyword of ``draft`` that the unknown ``key`` most likely
    misspells: equal but for case or a plural ending, or within one edit (two for
    keywords of eight letters or more). ``None`` for anything else, and for a
    near miss of an annotation (``example``), which changes no verdict."""
    if key.startswith(EXTENSION_PREFIX) or key in KEYWORDS[draft]:
        return None
    folded = _fold(key)
    best: tuple[int, str] | None = None
    for known in sorted(asserting(KEYWORDS[draft], draft)):
        target = _fold(known)
        limit = 0 if len(target) < 5 else 1 if len(target) < 8 else 2
        if folded != target and target in folded:
            continue  # a keyword with a prefix or suffix: a vendor's own name
        distance = 0 if folded == target else _distance(folded, target)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, known)
    return best[1] if best else None


def other_draft(key: str, draft: Draft) -> Draft | None:
    return next((d for d in KEYWORDS if d != draft and key in KEYWORDS[d]), None)


def draft_of(document: Any, default: Draft = "2020-12") -> Draft | None:
    """The draft a document declares with ``$schema``; ``None`` if unsupported."""
    if not isinstance(document, dict) or "$schema" not in document:
        return default
    uri = document["$schema"]
    return DRAFT_URIS.get(uri) if isinstance(uri, str) else None


def subschemas(
    schema: dict[str, Any], draft: Draft, pointer: str
) -> Iterator[tuple[Any, str]]:
    """Each direct subschema of ``schema`` with its pointer (only well-shaped ones)."""
    shapes = _SHAPES[draft]
    join = pointer_join
    for key, value in schema.items():
        shape = shapes.get(key)
        if shape is None:
            continue
        here = pointer + "/" + key  # keyword names hold no "~" or "/"
        if shape == "schema" or (
            shape == "schema_or_list" and not isinstance(value, list)
        ):
            yield value, here
        elif shape in ("schema_list", "schema_or_list"):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    yield item, f"{here}/{i}"
        elif isinstance(value, dict):  # schema_map, deps
            deps = shape == "deps"
            for name, item in value.items():
                if deps and isinstance(item, list):
                    continue
                # pointer_join's call saved where no escape is needed (hot: 4 walks)
                if "~" in name or "/" in name:
                    yield item, join(here, name)
                else:
                    yield item, here + "/" + name


def shape_error(value: Any, spec: Keyword) -> bool:
    shape = spec.shape
    if shape == "schema":
        return False  # checked as a schema when walked
    if shape == "schema_list":
        return not (isinstance(value, list) and value)
    if shape == "schema_or_list":
        return isinstance(value, list) and not value
    if shape == "schema_map":
        return not isinstance(value, dict)
    if shape == "deps":
        return not isinstance(value, dict) or not all(
            isinstance(v, dict | bool) or _string_list(v) for v in value.values()
        )
    return False


def message_of(file: str, schema: Any) -> MessageType | None:
    """The ``x-message`` of a contract, checked."""
    if not isinstance(schema, dict) or "x-message" not in schema:
        return None
    value = schema["x-message"]
    if (
        isinstance(value, dict)
        and isinstance(value.get("type"), str)
        and _MESSAGE_TYPE.match(value["type"])
        and isinstance(value.get("version"), int)
        and not isinstance(value.get("version"), bool)
        and value["version"] >= 1
        and set(value) <= {"type", "version"}
    ):
        return MessageType(value["type"], value["version"])
    raise CompileError(
        [
            ContractError(
                file,
                "/x-message",
                "bad-message",
                "x-message must be {'type': '<dotted.name>', 'version': <int >= 1>}",
            )
        ]
    )


def is_definitions_only(schema: Any, draft: Draft | None = None) -> bool:
    """A file that only holds ``$defs`` for others: it has no contract type.
    Without a ``draft``, the one its ``$schema`` names (2020-12 by default)."""
    if not isinstance(schema, dict):
        return False
    draft = draft or draft_of(schema) or "2020-12"
    return not schema or (
        bool(schema.get("$defs") or schema.get("definitions"))
        and not asserting(schema, draft)
    )
