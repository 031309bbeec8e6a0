"""Every naming rule of the compiler, in one place (tested as a table).

- Type names are PascalCase, from a schema's ``title``, its ``$defs`` key, or its
  file name; they must be valid and unreserved in both Python and TypeScript.
- Field names are snake_case Python identifiers; the JSON name is kept as the alias.
- Module names mirror the schema file path, each part made a snake_case identifier.
"""

from __future__ import annotations

import functools
import keyword
import re
import unicodedata
from typing import Any, cast

from runtime.jsonpointer import pointer_tokens

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Names that generated Python modules import, and TypeScript globals or keywords a
# type must not shadow. A type that would take one of them is an error with a hint.
RESERVED_TYPE_NAMES = frozenset(
    {
        # Python: what generated modules import, plus builtins used in annotations
        "Annotated",
        "Any",
        "BaseModel",
        "ConfigDict",
        "Field",
        "Literal",
        "TypeAliasType",
        "RootModel",
        "None",
        "True",
        "False",
        # TypeScript: keywords that are PascalCase-able and global types we use
        "Array",
        "Boolean",
        "Date",
        "Error",
        "Infinity",
        "JSON",
        "Map",
        "Number",
        "Object",
        "Promise",
        "Record",
        "Set",
        "String",
        "Symbol",
        "Readonly",
        "ReadonlyArray",
        "Partial",
        "Required",
        "Pick",
        "Omit",
        "ContractViolation",
    }
)

TS_KEYWORDS = frozenset(
    """break case catch class const continue debugger default delete do else enum
    export extends false finally for function if import in instanceof new null return
    super switch this throw true try typeof var void while with as implements interface
    let package private protected public static yield any boolean number string symbol
    type from of never unknown object bigint undefined declare readonly keyof infer
    is asserts abstract await async constructor get set module namespace require
    global""".split()
)

# The attributes of Pydantic's ``BaseModel`` a field name could shadow: those not
# starting with an underscore (a field name never does) nor in the ``model_``
# namespace (refused as a whole below). Listed, not read from ``dir(BaseModel)``:
# importing ``BaseModel`` cost every ``contracts`` command 20 ms of its start;
# tests/test_naming.py fails if the installed Pydantic has others.
MODEL_ATTRIBUTES = frozenset(
    {
        "construct", "copy", "dict", "from_orm", "json", "parse_file", "parse_obj",
        "parse_raw", "schema", "schema_json", "update_forward_refs", "validate",
    }
)  # fmt: skip
# Builtins generated annotations use: a field of that name would shadow them in the
# class body, where Pydantic evaluates the annotations.
_ANNOTATION_BUILTINS = frozenset({"list", "dict", "str", "int", "float", "bool"})


def words(text: str) -> list[str]:
    """Split text into ASCII words at non-alphanumerics and camelCase boundaries.

    Accented letters lose their accents (``"ünïcode"`` -> ``"unicode"``).
    """
    if text.isascii():  # nothing to decompose
        return _WORD.findall(text)
    ascii_text = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )
    return _WORD.findall(ascii_text)


@functools.lru_cache(maxsize=1 << 16)
def pascal_case(text: str) -> str:
    """``"order line"``, ``"order_line"``, ``"orderLine"`` -> ``"OrderLine"``.

    Existing capitals are kept (``"HTTPRequest"`` stays), so a title that is already
    PascalCase is unchanged. An empty result or a leading digit gets a ``T`` prefix.
    """
    name = "".join(w[0].upper() + w[1:] for w in words(text))
    if not name or name[0].isdigit():
        name = "T" + name
    return name


@functools.lru_cache(maxsize=1 << 16)
def snake_case(text: str) -> str:
    """``"customerId"`` -> ``"customer_id"``; ``"first-name"`` -> ``"first_name"``."""
    return "_".join(w.lower() for w in words(text))


@functools.lru_cache(maxsize=1 << 16)
@functools.lru_cache(maxsize=1 << 16)
def python_field_name(json_name: str) -> str:
    """A safe Python attribute name for a JSON property name.

    Never starts with an underscore (Pydantic would make it private), never a
    keyword, never shadows a ``BaseModel`` attribute or the ``model_`` namespace.
    """
    name = snake_case(json_name)
    if not name:
        name = "field"
    if name[0].isdigit():
        name = "n" + name
    if (
        keyword.iskeyword(name)
        or keyword.issoftkeyword(name)
        or name in MODEL_ATTRIBUTES
        or name in _ANNOTATION_BUILTINS
        or name.startswith("model_")
    ):
        name += "_"
    return name


def module_part(text: str) -> str:
    """A module path part from a file or folder name (``"task_requested.v1"``)."""
    name = snake_case(text) or "module"
    if name[0].isdigit():
        name = "m" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name += "_"
    return name


def is_identifier(name: str) -> bool:
    return bool(_IDENT.match(name))


def type_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a generated type name, or ``None`` if it can."""
    if not is_identifier(name):
        return f"'{name}' is not an identifier"
    if keyword.iskeyword(name) or name in TS_KEYWORDS:
        return f"'{name}' is a keyword"
    if name in RESERVED_TYPE_NAMES:
        return f"'{name}' is reserved (generated code imports or uses it)"
    if name.startswith("_"):
        return f"'{name}' starts with an underscore"
    return None


def unique_field_names(json_names: list[str]) -> dict[str, str]:
    """Map each JSON property name to a distinct Python field name.

    When two names collide after conversion (``"userId"`` and ``"user_id"``), the one
    whose JSON name already is the converted name keeps it; the others get trailing
    underscores, in the order given. No numeric suffixes.
    """
    converted = {n: python_field_name(n) for n in json_names}
    if len(set(converted.values())) == len(converted) == len(json_names):
        return converted  # no collision: each keeps its converted name
    result: dict[str, str] = {}
    taken: set[str] = set()
    exact = {n for n in json_names if converted[n] == n}
    for json_name in sorted(json_names, key=lambda n: (n not in exact, 0)):
        candidate = converted[json_name]
        while candidate in taken:
            candidate += "_"
        taken.add(candidate)
        result[json_name] = candidate
    return {n: result[n] for n in json_names}


_PAIR_KEYWORDS = frozenset(
    {
        "properties", "patternProperties", "$defs", "definitions",
        "dependentSchemas", "prefixItems", "allOf", "anyOf", "oneOf", "dependencies",
    }
)  # fmt: skip
_SUFFIX = {
    "items": "Item",
    "additionalItems": "Item",
    "unevaluatedItems": "Item",
    "additionalProperties": "Value",
    "unevaluatedProperties": "Value",
    "patternProperties": "Value",
    "propertyNames": "Name",
    "contains": "Contains",
    "not": "Not",
    "if": "If",
    "then": "Then",
    "else": "Else",
    "contentSchema": "Content",
}


def _tag_of(node: Any) -> str | None:
    """The ``const`` string of the first property that has one (union member tag)."""
    if isinstance(node, dict) and isinstance(node.get("properties"), dict):
        for prop in node["properties"].values():
            if isinstance(prop, dict) and isinstance(prop.get("const"), str):
                return cast(str, prop["const"])
    return None


def _steps(document: Any, pointer: str) -> list[tuple[str, bool, Any]]:
    """Each step down ``pointer``: the name it contributes, whether that name
    replaces the one so far (a ``$defs`` key), and the node it reaches."""
    node: Any = document
    tokens = pointer_tokens(pointer, fragment=True)
    steps: list[tuple[str, bool, Any]] = []
    i = 0
    while i < len(tokens):
        keyword = tokens[i]
        if keyword in _PAIR_KEYWORDS or (
            keyword == "items"
            and i + 1 < len(tokens)
            and tokens[i + 1].isdigit()
            and isinstance(node, dict)
            and isinstance(node.get("items"), list)
        ):
            key = tokens[i + 1] if i + 1 < len(tokens) else ""
            node = node[keyword][int(key) if isinstance(node[keyword], list) else key]
            i += 2
            replaces = keyword in ("$defs", "definitions")
            if replaces or keyword == "properties":
                part = pascal_case(key)
            elif keyword in ("allOf", "anyOf", "oneOf"):
                tag = _tag_of(node)
                part = pascal_case(tag) if tag else f"Option{int(key) + 1}"
            elif keyword in ("prefixItems", "items"):
                part = f"Item{int(key) + 1}"
            elif keyword in ("dependentSchemas", "dependencies"):
                part = pascal_case(key) + "Dependency"
            else:
                part = "Value"
            steps.append((part, replaces, node))
        else:
            node = node[keyword] if isinstance(node, dict) else node[int(keyword)]
            i += 1
            steps.append((_SUFFIX.get(keyword, pascal_case(keyword)), False, node))
    return steps


def _title(node: Any) -> str | None:
    if isinstance(node, dict) and isinstance(node.get("title"), str):
        return pascal_case(node["title"])
    return None


def type_name_at(document: Any, file: str, pointer: str) -> str:
    """The type name of the schema at ``file#pointer``, from its location alone.

    The file name, or the root's ``title``; then, stepping down the pointer, a
    ``$defs`` key replaces the name, a property appends its name, a union member its
    const tag (else ``Option<n>``), a keyword its suffix (``items`` -> ``Item``); a
    ``title`` met on the way replaces everything before it.
    """
    name = _title(document) or pascal_case(
        file.rsplit("/", 1)[-1].removesuffix(".json")
    )
    for part, replaces, node in _steps(document, pointer):
        name = part if replaces else name + part
        name = _title(node) or name
    return name


def fallback_type_names(document: Any, file: str, pointer: str) -> list[str]:
    """Names for the schema at ``file#pointer`` when :func:`type_name_at` gives
    one that is taken or unusable (a schema its user cannot edit), best first:

    1. qualified by the parent location: the parent's name, then the schema's own
       title or step name (``/$defs/env/$defs/plugins`` -> ``EnvPlugins``);
    2. the location's name with every title ignored (``$defs`` keys, properties);
    3. the whole path from the file name, every step appended.

    Never a number: a caller that finds all of them taken adds underscores.
    """
    stem = pascal_case(file.rsplit("/", 1)[-1].removesuffix(".json"))
    steps = _steps(document, pointer)
    names: list[str] = []
    if steps:
        parent = _title(document) or stem
        for part, replaces, node in steps[:-1]:
            parent = _title(node) or (part if replaces else parent + part)
        part, _, node = steps[-1]
        names.append(parent + (_title(node) or part))
    untitled = stem
    for part, replaces, _ in steps:
        untitled = part if replaces else untitled + part
    names.append(untitled)
    names.append(stem + "".join(part for part, _, _ in steps))
    return list(dict.fromkeys(names))
