"""The walk over each schema file before the graph is made: the keyword check,
and where the references and in-place applications are.

:func:`check_document` walks every subschema of a document and reports each
malformed keyword with a JSON pointer (the keywords and what their values must
be: :mod:`codegen.compiler.vocabulary`). It replaces a meta-schema validation
(slow with 2020-12's ``$dynamicRef``) with messages that say what was expected.

:func:`scan_document` is the same check in the one walk ``generate`` makes of
each file before references are resolved: it also lists the schemas that
:func:`codegen.compiler.resolve.walk_refs` looks at (those with ``$ref`` or an
in-place applicator, :data:`codegen.compiler.loops.IN_PLACE`), in the order that
walk visits them, so that it resolves their references without walking the
files again. Before the child process can start (events-1000, CPU): the check,
83 ms, and the walk for references, 150 ms, became this walk, 92 ms, and the
resolving, 80 ms (with :meth:`codegen.compiler.resolve.SchemaGraph.join`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple

from codegen.compiler.loops import IN_PLACE
from codegen.compiler.vocabulary import (
    EXTENSION_PREFIX,
    KEYWORDS,
    SUPPORTED_FORMATS,
    Draft,
    Keyword,
    likely_typo,
    other_draft,
    shape_error,
    subschemas,
)
from codegen.errors import ContractError
from runtime.jsonpointer import pointer_join
from runtime.support.kinds import json_kind
from runtime.support.patterns import RegexError, ecma_regex

# The schemas with ``$id`` (below the file's root) that a schema is nested in:
# ``None`` for none, else (the scope outside the innermost one, the innermost).
Scope = tuple["Scope", dict[str, Any]] | None


class RefSite(NamedTuple):
    """A schema with ``$ref`` or an in-place applicator, as :func:`walk_refs`
    needs it (:func:`codegen.compiler.resolve.walk_refs`)."""

    node: dict[str, Any]
    pointer: str
    scope: Scope
    in_place: list[str]  # the pointers of its subschemas under IN_PLACE keywords


def check_document(
    file: str,
    document: Any,
    draft: Draft,
    strict: bool = False,
    annotations: Counter[str] | None = None,
    unknown_formats: Counter[str] | None = None,
) -> list[ContractError]:
    """Every malformed or misspelt keyword in a document (and, when ``strict``,
    every unknown one, and every unknown format). Unknown keywords kept as
    annotations are counted by name in ``annotations`` (``x-`` extensions are not:
    they are declared as such), unknown formats in ``unknown_formats``."""
    errors: list[ContractError] = []
    table = KEYWORDS[draft]
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        schema, pointer = stack.pop()
        if _check_schema(
            file, schema, pointer, draft, table, strict, annotations,
            unknown_formats, errors,
        ):  # fmt: skip
            stack.extend(reversed(list(subschemas(schema, draft, pointer))))
    return errors


def scan_document(
    file: str,
    document: Any,
    draft: Draft,
    strict: bool = False,
    annotations: Counter[str] | None = None,
    unknown_formats: Counter[str] | None = None,
    check: bool = True,
) -> tuple[list[ContractError], list[RefSite]]:
    """:func:`check_document` (its errors, in another order), and the document's
    :class:`RefSite` list, in the order :func:`walk_refs` visits them (children in
    reverse). Without ``check``, only the sites (a walk that skips what is not an
    object, as :func:`walk_refs` does)."""
    errors: list[ContractError] = []
    sites: list[RefSite] = []
    table = KEYWORDS[draft]
    stack: list[tuple[Any, str, Scope]] = [(document, "", None)]
    while stack:
        schema, pointer, scope = stack.pop()
        if check:
            if not _check_schema(
                file, schema, pointer, draft, table, strict, annotations,
                unknown_formats, errors,
            ):  # fmt: skip
                continue
        elif not isinstance(schema, dict):
            continue
        if pointer and "$id" in schema:
            scope = (scope, schema)
        if "$ref" in schema or not IN_PLACE.isdisjoint(schema):
            start = len(pointer) + 1
            in_place = []
            for child, child_pointer in subschemas(schema, draft, pointer):
                stack.append((child, child_pointer, scope))
                if child_pointer[start:].split("/", 1)[0] in IN_PLACE:
                    in_place.append(child_pointer)
            sites.append(RefSite(schema, pointer, scope, in_place))
        else:
            stack.extend(
                [(child, at, scope) for child, at in subschemas(schema, draft, pointer)]
            )
    return errors, sites


def _check_schema(
    file: str,
    schema: Any,
    pointer: str,
    draft: Draft,
    table: dict[str, Keyword],
    strict: bool,
    annotations: Counter[str] | None,
    unknown_formats: Counter[str] | None,
    errors: list[ContractError],
) -> bool:
    """Check one schema's own keywords (not its subschemas') into ``errors``;
    whether it is an object (whose subschemas are then walked)."""
    if isinstance(schema, bool):
        return False
    if not isinstance(schema, dict):
        errors.append(
            ContractError(
                file,
                pointer,
                "schema-type",
                f"expected a schema (an object or a boolean), got {json_kind(schema)}",
            )
        )
        return False
    for key, value in schema.items():
        spec = table.get(key)
        if spec is None:
            if key.startswith(EXTENSION_PREFIX):
                continue
            here = pointer_join(pointer, key)
            error = _unknown_keyword(file, here, key, draft, strict)
            if error is not None:
                errors.append(error)
            elif annotations is not None:
                annotations[key] += 1
        elif (spec.shape is None and not spec.check(value)) or (
            spec.shape is not None and shape_error(value, spec)
        ):
            errors.append(
                ContractError(
                    file,
                    pointer_join(pointer, key),
                    "keyword-value",
                    f"'{key}' must be {spec.expected}, got {_describe(value)}",
                )
            )
    name = schema.get("format")
    if isinstance(name, str) and name not in SUPPORTED_FORMATS:
        if strict:
            errors.append(
                ContractError(
                    file,
                    pointer_join(pointer, "format"),
                    "unsupported-format",
                    f"format '{name}' is not one JSON Schema defines; the strict"
                    " setting refuses unknown formats (otherwise an annotation)",
                    "supported: " + ", ".join(sorted(SUPPORTED_FORMATS)),
                )
            )
        elif unknown_formats is not None:
            unknown_formats[name] += 1
    errors += pattern_errors(file, pointer, schema)
    return True


def _unknown_keyword(
    file: str, pointer: str, key: str, draft: Draft, strict: bool
) -> ContractError | None:
    """The error for a keyword ``draft`` does not define; ``None`` when it is
    an annotation."""
    typo = likely_typo(key, draft)
    if typo is None and not strict:
        return None
    other = other_draft(key, draft)
    if typo is not None:
        hint = (
            f"did you mean '{typo}'? an unknown keyword is only an annotation,"
            f" so this one would not be checked; name it 'x-{key}' if it is one"
        )
    elif other is not None:
        hint = (
            f"'{key}' is a keyword of draft {other}, not of draft {draft};"
            " the strict setting refuses unknown keywords"
        )
    else:
        hint = (
            "the strict setting refuses unknown keywords;"
            " custom annotations must start with 'x-'"
        )
    return ContractError(
        file,
        pointer,
        "unknown-keyword",
        f"unknown keyword '{key}' for draft {draft}",
        hint,
    )


def pattern_errors(
    file: str, pointer: str, schema: dict[str, Any]
) -> list[ContractError]:
    """``pattern``, ``patternProperties`` keys and ``propertyNames``' pattern (a
    subschema, checked as such): ECMA-262, in the linear-time engines' language."""
    found: list[tuple[str, str]] = []
    if isinstance(schema.get("pattern"), str):
        found.append((pointer_join(pointer, "pattern"), schema["pattern"]))
    if isinstance(schema.get("patternProperties"), dict):
        found += [
            (pointer_join(pointer, "patternProperties", key), key)
            for key in schema["patternProperties"]
        ]
    errors = []
    for where, source in found:
        try:
            ecma_regex(source)
        except RegexError as exc:
            what = "not an ECMA-262 regular expression"
            if exc.code != "bad-pattern":
                what = "outside the linear-time engines' language"
            errors.append(
                ContractError(
                    file,
                    where,
                    exc.code,
                    f"pattern {_quote(source)} is {what}: {exc.reason}",
                    _PATTERN_HINT if exc.code != "bad-pattern" else "",
                )
            )
    return errors


def _quote(source: str) -> str:
    import json

    return json.dumps(source, ensure_ascii=False)


_PATTERN_HINT = "see docs/regex.md for the syntax contracts may use"


def _describe(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{json_kind(value)} {text}"
